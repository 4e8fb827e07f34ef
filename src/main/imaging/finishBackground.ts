import { boxMeanHalf, distanceTo, labelComponents, type BoxMeanHalf } from './refineMatte.js';

/** A rectangle on the finished photo, in output pixels, for the screen to outline. */
export interface OutputRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  kind: 'leftover' | 'uncovered';
}

export interface FinishBackgroundMeasure {
  /** Share of the output that is suspect: leftovers of the old background, or filler where the person would be. */
  value: number;
  leftoverShare: number;
  uncoveredShare: number;
  regions: OutputRegion[];
}

export interface FinishBackgroundInput {
  width: number;
  height: number;
  /** The warped source (before correction), RGB floats 0–255. */
  rgb: Float32Array;
  /** Person opacity as composited (coverage applied). */
  alpha: Float32Array;
  /** Person opacity before coverage: where the person would be had the still reached that far. */
  alphaUncut: Float32Array;
  coverage: Float32Array;
  /** Head in output pixels. */
  head: { centreX: number; crownY: number; eyesY: number; chinY: number; faceWidth: number };
  background: readonly [number, number, number];
}

/** Old background this close to a kept pixel's colour (ΔE76 in Lab) makes the pixel a leftover of it. */
const SAME_AS_BACKGROUND_DE = 12;
/** Leftovers of an old background that already looks like the spec colour do not show. */
const VISIBLE_DE = 10;
/** Window (radius, px) for the old background's local colour around a kept pixel. */
const LOCAL_BG_RADIUS = 10;
/** Suspect patches smaller than this are JPEG noise or single strands, not something a viewer sees. */
const MIN_REGION_PX = 60;
/** The head-and-hair ellipse, in face widths across and head heights down, beyond which nothing above the chin is the person. */
const HEAD_HALF_WIDTH_FACES = 0.9;
const HEAD_MARGIN_HEADS = 0.12;
const MAX_REGIONS = 6;
/** Opening radius (px) for the leftover map. */
const OPEN_PX = 2;

/** sRGB → linear by 8-bit level: Lab is computed for ~10⁵ pixels per photo. */
const LINEAR = Float64Array.from({ length: 256 }, (_, c) => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
});
const lin = (c: number) => LINEAR[Math.min(255, Math.max(0, Math.round(c)))]!;

/** CIE Lab's f(t) by table over t ∈ [0, 1.1] (4096 steps, < 0.1 ΔE): cbrt per channel was most of this check's time. */
const F_STEPS = 4096;
const F_MAX = 1.1;
const F_TABLE = Float64Array.from({ length: F_STEPS + 1 }, (_, k) => {
  const t = (k / F_STEPS) * F_MAX;
  return t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116;
});
const labF = (t: number) => F_TABLE[Math.min(F_STEPS, Math.max(0, Math.round((t / F_MAX) * F_STEPS)))]!;

/** Lab of an sRGB colour into `out` (no allocation: it runs for every kept pixel of the output). */
function labInto(r: number, g: number, b: number, out: Float64Array): Float64Array {
  const R = lin(r);
  const G = lin(g);
  const B = lin(b);
  const f = labF;
  const x = f((0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047);
  const y = f(0.2126 * R + 0.7152 * G + 0.0722 * B);
  const z = f((0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883);
  out[0] = 116 * y - 16;
  out[1] = 500 * (x - y);
  out[2] = 200 * (y - z);
  return out;
}

/** ΔE76 squared: compared with a squared limit, no square root per pixel. */
const dE2 = (p: Float64Array, q: Float64Array) => (p[0]! - q[0]!) ** 2 + (p[1]! - q[1]!) ** 2 + (p[2]! - q[2]!) ** 2;

/**
 * finish.background: what of the finished photo's background is not the spec colour. Three kinds,
 * all measured on the output itself:
 * - kept pixels whose colour is the old background's around them (a pale halo at the hair, a patch
 *   of wall between curls) — the old background is whatever the matte replaced nearby;
 * - kept pixels above the nose line outside a generous head-and-hair ellipse (a branch, a lamp, a
 *   hand beside the head, attached to the person in the mask so the refinement kept it);
 * - output the still did not cover where the person would have been (filler cutting the shoulders).
 * Patches below MIN_REGION_PX are ignored; the rest are returned as rectangles to outline.
 */
export function measureFinishBackground(m: FinishBackgroundInput): FinishBackgroundMeasure {
  const { width: w, height: h, rgb, alpha, alphaUncut, coverage, head } = m;
  const n = w * h;
  const bgLab = labInto(m.background[0], m.background[1], m.background[2], new Float64Array(3));
  const pxLab = new Float64Array(3);
  const localLab = new Float64Array(3);
  // The old background's local colour: the mean of replaced, covered pixels in a window.
  const replaced = new Float32Array(n);
  const chans = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) {
    if (alpha[i]! < 0.02 && coverage[i]! >= 1) {
      replaced[i] = 1;
      for (let c = 0; c < 3; c++) chans[c]![i] = rgb[i * 3 + c]!;
    }
  }
  const share = boxMeanHalf(replaced, w, h, LOCAL_BG_RADIUS);
  const [meanR, meanG, meanB] = chans.map((ch) => boxMeanHalf(ch, w, h, LOCAL_BG_RADIUS)) as [BoxMeanHalf, BoxMeanHalf, BoxMeanHalf];
  const visible2 = VISIBLE_DE * VISIBLE_DE;
  const same2 = SAME_AS_BACKGROUND_DE * SAME_AS_BACKGROUND_DE;
  const headH = Math.max(1, head.chinY - head.crownY);
  const cy = (head.crownY + head.chinY) / 2;
  const ry = headH / 2 + HEAD_MARGIN_HEADS * headH;
  const rx = HEAD_HALF_WIDTH_FACES * head.faceWidth;
  const shapeUntilY = head.eyesY + 0.5 * (head.chinY - head.eyesY);
  const kind = new Uint8Array(n); // 0 none, 1 leftover, 2 uncovered
  // The local colour is one per half-resolution cell (the box means are read there): its Lab, and
  // whether it shows against the spec colour, are worked out once per cell, not for each of its
  // four pixels. 0 not yet, 1 shows, 2 does not.
  const w2 = share.width;
  const cellState = new Uint8Array(share.data.length);
  const cellLab = new Float64Array(share.data.length * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (coverage[i]! < 0.5) {
        // Above the crown the output is background by the spec's geometry; filler there is the spec
        // colour it would have had anyway (a still cut at the hair is not judged here).
        if (alphaUncut[i]! > 0.5 && y > head.crownY) kind[i] = 2;
        continue;
      }
      const a = alpha[i]!;
      if (a < 0.15) continue;
      // Shoulders rise to chin level at the sides (tight framing, raised shoulders): the shape rule
      // stops halfway from the eyes to the chin.
      const outsideHead = y < shapeUntilY && ((x + 0.5 - head.centreX) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 > 1;
      if (outsideHead && a > 0.5 && dE2(labInto(rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, pxLab), bgLab) > visible2) {
        kind[i] = 1;
        continue;
      }
      const s = share.at(x, y);
      // Needs enough replaced background in the window to know its colour. Only beside the head:
      // below the chin a light jacket or shirt can match a light wall (seen on the portraits), and
      // clothing.contrast already speaks for that.
      if (s < 0.2 || y > head.chinY) continue;
      const j = (y >> 1) * w2 + (x >> 1);
      if (cellState[j] === 0) {
        const local = labInto(meanR.at(x, y) / s, meanG.at(x, y) / s, meanB.at(x, y) / s, localLab);
        cellLab.set(local, j * 3);
        cellState[j] = dE2(local, bgLab) <= visible2 ? 2 : 1;
      }
      if (cellState[j] === 2) continue;
      localLab[0] = cellLab[j * 3]!;
      localLab[1] = cellLab[j * 3 + 1]!;
      localLab[2] = cellLab[j * 3 + 2]!;
      if (dE2(labInto(rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, pxLab), localLab) < same2) kind[i] = 1;
    }
  }
  // Leftovers thinner than OPEN_PX·2+1 are the person's own antialiased edge (half person, half
  // wall), not a patch: a morphological opening of the leftover map drops them.
  const notLeftover = new Uint8Array(n);
  for (let i = 0; i < n; i++) notLeftover[i] = kind[i] === 1 ? 0 : 1;
  const depth = distanceTo(notLeftover, w, h, OPEN_PX + 2);
  const core = new Uint8Array(n);
  for (let i = 0; i < n; i++) core[i] = depth[i]! > OPEN_PX ? 1 : 0;
  const fromCore = distanceTo(core, w, h, OPEN_PX + 2);
  for (let i = 0; i < n; i++) if (kind[i] === 1 && fromCore[i]! > OPEN_PX) kind[i] = 0;
  // Suspect pixels a couple of pixels apart are one patch (a halo is broken by strands).
  const on = new Uint8Array(n);
  for (let i = 0; i < n; i++) on[i] = kind[i] ? 1 : 0;
  const near = distanceTo(on, w, h, 3);
  const grown = new Uint8Array(n);
  for (let i = 0; i < n; i++) grown[i] = near[i]! <= 2 ? 1 : 0;
  const { labels, sizes } = labelComponents(grown, w, h);
  const boxes = sizes.map(() => ({ x0: w, y0: h, x1: -1, y1: -1, leftover: 0, uncovered: 0 }));
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (!l || !kind[i]) continue;
    const b = boxes[l]!;
    const x = i % w;
    const y = (i - x) / w;
    b.x0 = Math.min(b.x0, x);
    b.y0 = Math.min(b.y0, y);
    b.x1 = Math.max(b.x1, x);
    b.y1 = Math.max(b.y1, y);
    if (kind[i] === 1) b.leftover++;
    else b.uncovered++;
  }
  let leftover = 0;
  let uncovered = 0;
  const regions: (OutputRegion & { size: number })[] = [];
  for (const b of boxes) {
    const size = b.leftover + b.uncovered;
    if (size < MIN_REGION_PX) continue;
    leftover += b.leftover;
    uncovered += b.uncovered;
    regions.push({ x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1, kind: b.uncovered > b.leftover ? 'uncovered' : 'leftover', size });
  }
  regions.sort((p, q) => q.size - p.size);
  return {
    value: (leftover + uncovered) / n,
    leftoverShare: leftover / n,
    uncoveredShare: uncovered / n,
    regions: regions.slice(0, MAX_REGIONS).map(({ size: _size, ...r }) => r),
  };
}
