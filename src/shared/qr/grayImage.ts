import type { RgbaImage } from './qrTypes.js';

/** One byte per pixel: the strategy's working form, a quarter of RGBA's memory traffic. */
export interface GrayImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The same integer weights zxing-wasm uses, so a gray image expanded back to RGBA reads identically. */
export function rgbaToGray(img: RgbaImage): GrayImage {
  const { data, width, height } = img;
  const n = width * height;
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    out[i] = (306 * data[j]! + 601 * data[j + 1]! + 117 * data[j + 2]! + 512) >> 10;
  }
  return { data: out, width, height };
}

/** Luminance of one rectangle only: a crop of a camera frame costs its own size, not the frame's. */
export function rgbaCropToGray(img: RgbaImage, rect: Rect): GrayImage {
  const r = clampRect(rect, img.width, img.height);
  const out = new Uint8Array(r.width * r.height);
  const { data } = img;
  for (let y = 0; y < r.height; y++) {
    let j = ((r.y + y) * img.width + r.x) * 4;
    const row = y * r.width;
    for (let x = 0; x < r.width; x++, j += 4) out[row + x] = (306 * data[j]! + 601 * data[j + 1]! + 117 * data[j + 2]! + 512) >> 10;
  }
  return { data: out, width: r.width, height: r.height };
}

/** Darkest channel per pixel: coloured ink (brown, blue) on a light ground keeps more contrast
 * in its weakest channel than in luminance. */
export function rgbaToMinChannel(img: RgbaImage): GrayImage {
  const { data, width, height } = img;
  const n = width * height;
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const r = data[j]!;
    const g = data[j + 1]!;
    const b = data[j + 2]!;
    out[i] = r < g ? (r < b ? r : b) : g < b ? g : b;
  }
  return { data: out, width, height };
}

/** R = G = B = v reads back as exactly v through zxing's luminance weights (306+601+117 = 1024). */
export function grayToRgba(img: GrayImage): RgbaImage {
  const n = img.width * img.height;
  const buf = new ArrayBuffer(n * 4);
  const words = new Uint32Array(buf);
  const src = img.data;
  // Little-endian on every platform this kiosk runs on: bytes R,G,B,A = v,v,v,255.
  for (let i = 0; i < n; i++) words[i] = (src[i]! * 0x010101) | 0xff000000;
  return { data: new Uint8ClampedArray(buf), width: img.width, height: img.height };
}

export function clampRect(r: Rect, width: number, height: number): Rect {
  const x = Math.max(0, Math.min(width - 1, Math.floor(r.x)));
  const y = Math.max(0, Math.min(height - 1, Math.floor(r.y)));
  const w = Math.max(1, Math.min(width - x, Math.ceil(r.width)));
  const h = Math.max(1, Math.min(height - y, Math.ceil(r.height)));
  return { x, y, width: w, height: h };
}

/** Area average for shrinking (keeps thin modules as grey rather than aliasing them away),
 * bilinear for enlarging. */
export function resize(img: GrayImage, width: number, height: number): GrayImage {
  width = Math.max(1, Math.round(width));
  height = Math.max(1, Math.round(height));
  if (width <= img.width && height <= img.height) return shrinkArea(img, width, height);
  return resizeBilinear(img, width, height);
}

export function scaleBy(img: GrayImage, factor: number): GrayImage {
  return resize(img, img.width * factor, img.height * factor);
}

function shrinkArea(img: GrayImage, width: number, height: number): GrayImage {
  const { data, width: sw, height: sh } = img;
  const out = new Uint8Array(width * height);
  const fx = sw / width;
  const fy = sh / height;
  if (Number.isInteger(fx) && Number.isInteger(fy)) {
    const area = fx * fy;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let yy = 0; yy < fy; yy++) {
          let p = (y * fy + yy) * sw + x * fx;
          for (let xx = 0; xx < fx; xx++) sum += data[p++]!;
        }
        out[y * width + x] = (sum + (area >> 1)) / area;
      }
    }
    return { data: out, width, height };
  }
  // Non-integer factors: sample a fixed grid inside each destination pixel's footprint.
  const taps = Math.max(1, Math.ceil(Math.max(fx, fy)));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let ty = 0; ty < taps; ty++) {
        const sy = Math.min(sh - 1, Math.floor((y + (ty + 0.5) / taps) * fy));
        const row = sy * sw;
        for (let tx = 0; tx < taps; tx++) sum += data[row + Math.min(sw - 1, Math.floor((x + (tx + 0.5) / taps) * fx))]!;
      }
      out[y * width + x] = sum / (taps * taps) + 0.5;
    }
  }
  return { data: out, width, height };
}

function resizeBilinear(img: GrayImage, width: number, height: number): GrayImage {
  const { data, width: sw, height: sh } = img;
  const out = new Uint8Array(width * height);
  const fx = sw / width;
  const fy = sh / height;
  const x0s = new Int32Array(width);
  const wxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.max(0, Math.min(sw - 1, (x + 0.5) * fx - 0.5));
    const x0 = Math.min(sw - 2, Math.floor(sx));
    x0s[x] = Math.max(0, x0);
    wxs[x] = sw > 1 ? sx - x0s[x]! : 0;
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.max(0, Math.min(sh - 1, (y + 0.5) * fy - 0.5));
    const y0 = Math.max(0, Math.min(sh - 2, Math.floor(sy)));
    const wy = sh > 1 ? sy - y0 : 0;
    const r0 = y0 * sw;
    const r1 = Math.min(sh - 1, y0 + 1) * sw;
    for (let x = 0; x < width; x++) {
      const x0 = x0s[x]!;
      const x1 = Math.min(sw - 1, x0 + 1);
      const wx = wxs[x]!;
      const top = data[r0 + x0]! + (data[r0 + x1]! - data[r0 + x0]!) * wx;
      const bottom = data[r1 + x0]! + (data[r1 + x1]! - data[r1 + x0]!) * wx;
      out[y * width + x] = top + (bottom - top) * wy + 0.5;
    }
  }
  return { data: out, width, height };
}

/**
 * Rotates by any angle about the centre (bilinear), enlarging the canvas so nothing is cut.
 * Corners are filled with the image's bright level so no false dark edge touches the code.
 */
export function rotate(img: GrayImage, degrees: number, fill = 255): GrayImage {
  const rad = (degrees * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const { data, width: sw, height: sh } = img;
  const width = Math.ceil(Math.abs(sw * cos) + Math.abs(sh * sin));
  const height = Math.ceil(Math.abs(sw * sin) + Math.abs(sh * cos));
  const out = new Uint8Array(width * height).fill(fill);
  const cxs = (sw - 1) / 2;
  const cys = (sh - 1) / 2;
  const cxd = (width - 1) / 2;
  const cyd = (height - 1) / 2;
  for (let y = 0; y < height; y++) {
    const dy = y - cyd;
    // Inverse mapping: destination → source, stepping linearly along the row.
    let sx = -cxd * cos + dy * sin + cxs;
    let sy = cxd * sin + dy * cos + cys;
    const row = y * width;
    for (let x = 0; x < width; x++, sx += cos, sy -= sin) {
      if (sx < 0 || sy < 0 || sx > sw - 1 || sy > sh - 1) continue;
      const x0 = Math.min(sw - 2, sx | 0);
      const y0 = Math.min(sh - 2, sy | 0);
      const wx = sx - x0;
      const wy = sy - y0;
      const p = y0 * sw + x0;
      const top = data[p]! + (data[p + 1]! - data[p]!) * wx;
      const bottom = data[p + sw]! + (data[p + sw + 1]! - data[p + sw]!) * wx;
      out[row + x] = top + (bottom - top) * wy + 0.5;
    }
  }
  return { data: out, width, height };
}

/** Maps the [low, high] percentiles onto 0–255: a washed-out phone screen becomes full contrast. */
export function stretchContrast(img: GrayImage, lowFraction = 0.01, highFraction = 0.99): GrayImage {
  const hist = new Uint32Array(256);
  const { data } = img;
  for (let i = 0; i < data.length; i++) hist[data[i]!]!++;
  const lowCount = data.length * lowFraction;
  const highCount = data.length * highFraction;
  let lo = 0;
  let hi = 255;
  for (let v = 0, acc = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc > lowCount) {
      lo = v;
      break;
    }
  }
  for (let v = 0, acc = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc >= highCount) {
      hi = v;
      break;
    }
  }
  if (hi - lo < 2) return img;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.max(0, Math.min(255, Math.round(((v - lo) * 255) / (hi - lo))));
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = lut[data[i]!]!;
  return { data: out, width: img.width, height: img.height };
}

/** Separable box blur of the given radius; smooths JPEG blocks and sensor noise before binarizing. */
export function boxBlur(img: GrayImage, radius: number): GrayImage {
  if (radius < 1) return img;
  const { width, height } = img;
  const tmp = new Uint16Array(width * height);
  const out = new Uint8Array(width * height);
  const span = 2 * radius + 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let x = -radius; x <= radius; x++) sum += img.data[row + Math.max(0, Math.min(width - 1, x))]!;
    for (let x = 0; x < width; x++) {
      tmp[row + x] = sum;
      sum += img.data[row + Math.min(width - 1, x + radius + 1)]! - img.data[row + Math.max(0, x - radius)]!;
    }
  }
  const area = span * span;
  for (let x = 0; x < width; x++) {
    let sum = 0;
    for (let y = -radius; y <= radius; y++) sum += tmp[Math.max(0, Math.min(height - 1, y)) * width + x]!;
    for (let y = 0; y < height; y++) {
      out[y * width + x] = sum / area + 0.5;
      sum += tmp[Math.min(height - 1, y + radius + 1) * width + x]! - tmp[Math.max(0, y - radius) * width + x]!;
    }
  }
  return { data: out, width, height };
}

/** Unsharp mask: restores module edges softened by defocus or motion blur. */
export function sharpen(img: GrayImage, radius = 1, amount = 1): GrayImage {
  const blurred = boxBlur(img, radius);
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = img.data[i]! + amount * (img.data[i]! - blurred.data[i]!);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { data: out, width: img.width, height: img.height };
}
