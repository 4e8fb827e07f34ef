import type { GrayImage } from './grayImage.js';
import { dimensionForVersion, functionModules, squareToQuad, UNKNOWN_MODULE, type Quad } from './qrGeometry.js';

/**
 * Our own grid sampler for symbols zxing found but could not read (its "checksum error" sightings).
 * zxing samples one binarized pixel per module on a single perspective grid; a code on a curved
 * shirt, a bent card or a blurred phone screen drifts off that grid by half a module and the
 * Reed–Solomon budget runs out. Here the grid gets a coarse mesh of displacements, fitted so module
 * centres land where the image is most decisively dark or light and the fixed patterns (finders,
 * timing, alignment) read as they must; the module values are then thresholded a few ways and
 * handed back to zxing as a clean, one-pixel-per-module symbol.
 */

function bilinear(img: GrayImage, x: number, y: number): number {
  const { data, width, height } = img;
  // Pixel centres sit at +0.5; zxing's corner coordinates are in pixel-edge space.
  x -= 0.5;
  y -= 0.5;
  if (x < 0) x = 0;
  else if (x > width - 1) x = width - 1;
  if (y < 0) y = 0;
  else if (y > height - 1) y = height - 1;
  const x0 = x >= width - 1 ? width - 2 : x | 0;
  const y0 = y >= height - 1 ? height - 2 : y | 0;
  if (x0 < 0 || y0 < 0) return data[0]!;
  const wx = x - x0;
  const wy = y - y0;
  const p = y0 * width + x0;
  const top = data[p]! + (data[p + 1]! - data[p]!) * wx;
  const bottom = data[p + width]! + (data[p + width + 1]! - data[p + width]!) * wx;
  return top + (bottom - top) * wy;
}

/** Per-module constants: the perspective centre, its local axes (one module along u and v), and
 * which four mesh nodes move it with which weights. */
interface ModuleFrame {
  cx: Float64Array;
  cy: Float64Array;
  ux: Float64Array;
  uy: Float64Array;
  vx: Float64Array;
  vy: Float64Array;
  node: Int32Array;
  wu: Float64Array;
  wv: Float64Array;
}

function moduleFrames(quad: Quad, n: number, k: number): ModuleFrame {
  const map = squareToQuad(quad);
  const count = n * n;
  const f: ModuleFrame = {
    cx: new Float64Array(count),
    cy: new Float64Array(count),
    ux: new Float64Array(count),
    uy: new Float64Array(count),
    vx: new Float64Array(count),
    vy: new Float64Array(count),
    node: new Int32Array(count),
    wu: new Float64Array(count),
    wv: new Float64Array(count),
  };
  const h = 0.25;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const m = j * n + i;
      const u = i + 0.5;
      const v = j + 0.5;
      const c = map(u / n, v / n);
      const ua = map((u - h) / n, v / n);
      const ub = map((u + h) / n, v / n);
      const va = map(u / n, (v - h) / n);
      const vb = map(u / n, (v + h) / n);
      f.cx[m] = c.x;
      f.cy[m] = c.y;
      f.ux[m] = (ub.x - ua.x) / (2 * h);
      f.uy[m] = (ub.y - ua.y) / (2 * h);
      f.vx[m] = (vb.x - va.x) / (2 * h);
      f.vy[m] = (vb.y - va.y) / (2 * h);
      const gu = (u / n) * (k - 1);
      const gv = (v / n) * (k - 1);
      const iu = Math.min(k - 2, Math.floor(gu));
      const iv = Math.min(k - 2, Math.floor(gv));
      f.node[m] = iv * k + iu;
      f.wu[m] = gu - iu;
      f.wv[m] = gv - iv;
    }
  }
  return f;
}

export function otsuThreshold(values: Float32Array): number {
  const hist = new Float64Array(256);
  for (let i = 0; i < values.length; i++) hist[Math.max(0, Math.min(255, Math.round(values[i]!)))]!++;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let below = 0;
  let sumBelow = 0;
  let best = -1;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    below += hist[t]!;
    if (below === 0) continue;
    const above = values.length - below;
    if (above === 0) break;
    sumBelow += t * hist[t]!;
    const between = below * above * (sumBelow / below - (sum - sumBelow) / above) ** 2;
    if (between > best) {
      best = between;
      threshold = t + 0.5;
    }
  }
  return threshold;
}

export interface MeshOptions {
  /** Mesh nodes per side; 2 only corrects the corners, 4–5 follows a curved surface. */
  nodes: number;
  /** Largest displacement a node may take, in modules. */
  maxShift?: number;
}

/**
 * Fits the mesh and returns each module's grey value at its refined centre (n×n, row-major).
 */
export function sampleRefinedModules(img: GrayImage, quad: Quad, version: number, opts: MeshOptions): Float32Array {
  const n = dimensionForVersion(version);
  const k = Math.max(2, opts.nodes);
  const maxShift = opts.maxShift ?? 1;
  const f = moduleFrames(quad, n, k);
  const known = functionModules(version);
  const dx = new Float64Array(k * k);
  const dy = new Float64Array(k * k);
  const count = n * n;

  const sampleAt = (m: number, ou: number, ov: number): number => {
    const node = f.node[m]!;
    const wu = f.wu[m]!;
    const wv = f.wv[m]!;
    const w00 = (1 - wu) * (1 - wv);
    const w10 = wu * (1 - wv);
    const w01 = (1 - wu) * wv;
    const w11 = wu * wv;
    const du = dx[node]! * w00 + dx[node + 1]! * w10 + dx[node + k]! * w01 + dx[node + k + 1]! * w11 + ou;
    const dv = dy[node]! * w00 + dy[node + 1]! * w10 + dy[node + k]! * w01 + dy[node + k + 1]! * w11 + ov;
    return bilinear(img, f.cx[m]! + du * f.ux[m]! + dv * f.vx[m]!, f.cy[m]! + du * f.uy[m]! + dv * f.vy[m]!);
  };

  const initial = new Float32Array(count);
  for (let m = 0; m < count; m++) initial[m] = sampleAt(m, 0, 0);
  const t = otsuThreshold(initial);

  // Decisive modules score by their distance from the threshold; fixed-pattern modules score
  // (double) for being on the side they must be, which keeps the fit from sliding a whole module.
  const contribution = (m: number, value: number): number => {
    const kind = known[m]!;
    if (kind === UNKNOWN_MODULE) return Math.abs(value - t);
    return kind === 1 ? 2 * (t - value) : 2 * (value - t);
  };
  const contrib = new Float64Array(count);
  for (let m = 0; m < count; m++) contrib[m] = contribution(m, initial[m]!);

  // Modules each node moves, so a trial step re-samples only those.
  const touched: number[][] = Array.from({ length: k * k }, () => []);
  for (let m = 0; m < count; m++) {
    const node = f.node[m]!;
    for (const c of [node, node + 1, node + k, node + k + 1]) touched[c]!.push(m);
  }
  const scratch = new Float64Array(count);

  for (const step of [0.3, 0.15, 0.08]) {
    for (let round = 0; round < 3; round++) {
      let improved = false;
      for (let c = 0; c < k * k; c++) {
        const mods = touched[c]!;
        for (const axis of [dx, dy]) {
          for (const delta of [-step, step]) {
            const old = axis[c]!;
            if (Math.abs(old + delta) > maxShift) continue;
            axis[c] = old + delta;
            let gain = 0;
            for (let i = 0; i < mods.length; i++) {
              const m = mods[i]!;
              const s = contribution(m, sampleAt(m, 0, 0));
              scratch[m] = s;
              gain += s - contrib[m]!;
            }
            if (gain > 1e-6) {
              for (let i = 0; i < mods.length; i++) contrib[mods[i]!] = scratch[mods[i]!]!;
              improved = true;
            } else {
              axis[c] = old;
            }
          }
        }
      }
      if (!improved) break;
    }
  }

  // Four taps inside the module's middle: averages out noise without reaching the neighbours.
  const out = new Float32Array(count);
  for (let m = 0; m < count; m++) {
    out[m] = (sampleAt(m, -0.15, -0.15) + sampleAt(m, 0.15, -0.15) + sampleAt(m, -0.15, 0.15) + sampleAt(m, 0.15, 0.15)) / 4;
  }
  return out;
}

/** Counteracts blur at the module level: each module pushed away from its neighbours' mean
 * (diagonals at half weight, as a defocused spot spreads). */
function sharpenModules(values: Float32Array, n: number, amount: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let sum = 0;
      let weight = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if ((dx === 0 && dy === 0) || xx < 0 || yy < 0 || xx >= n || yy >= n) continue;
          const w = dx !== 0 && dy !== 0 ? 0.5 : 1;
          sum += values[yy * n + xx]! * w;
          weight += w;
        }
      }
      const v = values[y * n + x]!;
      out[y * n + x] = v + amount * (v - sum / weight);
    }
  }
  return out;
}

/** Dark = 1. The threshold leans on the neighbourhood (radius in modules) where light is uneven. */
function threshold(values: Float32Array, n: number, radius: number): Uint8Array {
  const global = otsuThreshold(values);
  const bits = new Uint8Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let t = global;
      if (radius > 0) {
        let sum = 0;
        let k = 0;
        for (let yy = Math.max(0, y - radius); yy <= Math.min(n - 1, y + radius); yy++) {
          for (let xx = Math.max(0, x - radius); xx <= Math.min(n - 1, x + radius); xx++) {
            sum += values[yy * n + xx]!;
            k++;
          }
        }
        t = 0.5 * (sum / k) + 0.5 * global;
      }
      bits[y * n + x] = values[y * n + x]! < t ? 1 : 0;
    }
  }
  return bits;
}

/** A few readings of the same samples; Reed–Solomon decides which (if any) is right. */
export function moduleReadings(values: Float32Array, n: number): Uint8Array[] {
  const readings = [
    threshold(values, n, 0),
    threshold(values, n, 3),
    threshold(sharpenModules(values, n, 1), n, 0),
    threshold(sharpenModules(values, n, 2), n, 3),
  ];
  const distinct: Uint8Array[] = [];
  for (const r of readings) if (!distinct.some((d) => d.every((b, i) => b === r[i]))) distinct.push(r);
  return distinct;
}

/** One pixel per module plus a one-module quiet zone: what zxing's pure-symbol reader takes. */
export function renderModules(bits: Uint8Array, n: number): GrayImage {
  const size = n + 2;
  const data = new Uint8Array(size * size).fill(255);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (bits[y * n + x]) data[(y + 1) * size + x + 1] = 0;
  return { data, width: size, height: size };
}
