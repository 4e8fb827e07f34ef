/**
 * The person's opacity refined at the output size, where the finished photo's edges are seen: the
 * segmenter's mask is 256 px or so, carried up and feathered, and knows nothing of the picture's own
 * edges, so a bright wall beside dark hair comes out half kept (a pale halo) and a branch or a
 * backdrop seam that the segmenter took for person stays as a speck beside the head.
 */

/** Guided-filter window radius and regulariser, in output pixels and (0–1 grey)². He et al. 2013. */
const GUIDE_RADIUS = 4;
const GUIDE_EPS = 2e-3;
/** A kept part must touch the head's part, or be this share of the output (a raised arm, the torso). */
const DETACHED_MIN_SHARE = 0.05;
/** Soft edge pixels further than this from a kept part are specks, not fringe. */
const FRINGE_PX = 3;

/**
 * Box mean over a (2r+1)² window with the window shrunk at the borders: separable running sums,
 * row-major in both passes (the vertical pass keeps one running sum per column), ~1 ms at 480×640.
 */
export function boxMean(src: Float32Array, w: number, h: number, r: number, out = new Float32Array(w * h)): Float32Array {
  const horiz = new Float32Array(w * h);
  // The window's width at each column, the same for every row.
  const widths = new Float64Array(w);
  for (let x = 0; x < w; x++) widths[x] = Math.min(w - 1, x + r) - Math.max(0, x - r) + 1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let sum = 0;
    for (let x = 0; x < Math.min(w, r); x++) sum += src[row + x]!;
    for (let x = 0; x < w; x++) {
      if (x + r < w) sum += src[row + x + r]!;
      if (x - r - 1 >= 0) sum -= src[row + x - r - 1]!;
      horiz[row + x] = sum / widths[x]!;
    }
  }
  const col = new Float64Array(w);
  for (let y = 0; y < Math.min(h, r); y++) for (let x = 0; x < w; x++) col[x]! += horiz[y * w + x]!;
  for (let y = 0; y < h; y++) {
    if (y + r < h) {
      const add = (y + r) * w;
      for (let x = 0; x < w; x++) col[x]! += horiz[add + x]!;
    }
    if (y - r - 1 >= 0) {
      const sub = (y - r - 1) * w;
      for (let x = 0; x < w; x++) col[x]! -= horiz[sub + x]!;
    }
    const rows = Math.min(h - 1, y + r) - Math.max(0, y - r) + 1;
    const o = y * w;
    for (let x = 0; x < w; x++) out[o + x] = col[x]! / rows;
  }
  return out;
}

/** 2×2 mean: the local colour and share windows are 10–30 px, so half resolution loses nothing there. */
export function halve(src: Float32Array, w: number, h: number): { data: Float32Array; width: number; height: number } {
  const w2 = Math.ceil(w / 2);
  const h2 = Math.ceil(h / 2);
  const data = new Float32Array(w2 * h2);
  for (let y = 0; y < h2; y++) {
    const y0 = 2 * y;
    const y1 = Math.min(h - 1, y0 + 1);
    for (let x = 0; x < w2; x++) {
      const x0 = 2 * x;
      const x1 = Math.min(w - 1, x0 + 1);
      data[y * w2 + x] = (src[y0 * w + x0]! + src[y0 * w + x1]! + src[y1 * w + x0]! + src[y1 * w + x1]!) / 4;
    }
  }
  return { data, width: w2, height: h2 };
}

export interface BoxMeanHalf {
  /** The mean at a full-resolution pixel. */
  at(x: number, y: number): number;
  /** The half-resolution means: pixel (x, y) reads data[(y >> 1) * width + (x >> 1)]. */
  data: Float32Array;
  width: number;
}

/** Box mean of radius r computed at half resolution; read it at full-resolution (x, y) with at(). */
export function boxMeanHalf(src: Float32Array, w: number, h: number, r: number): BoxMeanHalf {
  return boxMeanOfHalf(halve(src, w, h), r);
}

/** boxMeanHalf of a picture already halved (halve()), so one halving serves several radii. */
export function boxMeanOfHalf(half: { data: Float32Array; width: number; height: number }, r: number): BoxMeanHalf {
  const m = boxMean(half.data, half.width, half.height, Math.max(1, Math.round(r / 2)));
  const w2 = half.width;
  return { at: (x, y) => m[(y >> 1) * w2 + (x >> 1)]!, data: m, width: w2 };
}

/**
 * Grey guided filter: the opacity becomes, in each small window, a linear function of the photo's
 * brightness, so its edge follows the picture's edge (hair against wall) rather than the mask's
 * blocky one, and strands darker than the wall keep their opacity while the wall between loses it.
 * The linear coefficients are smooth, so they are fitted at half resolution and applied at full
 * resolution to the full-resolution grey (He & Sun's fast guided filter): a quarter of the work.
 */
export function guidedFilter(guide: Float32Array, p: Float32Array, w: number, h: number, r = GUIDE_RADIUS, eps = GUIDE_EPS): Float32Array {
  const I = halve(guide, w, h);
  const P = halve(p, w, h);
  const w2 = I.width;
  const h2 = I.height;
  const n2 = w2 * h2;
  const r2 = Math.max(1, Math.round(r / 2));
  const ip = new Float32Array(n2);
  const ii = new Float32Array(n2);
  for (let i = 0; i < n2; i++) {
    ip[i] = I.data[i]! * P.data[i]!;
    ii[i] = I.data[i]! * I.data[i]!;
  }
  const mI = boxMean(I.data, w2, h2, r2);
  const mP = boxMean(P.data, w2, h2, r2);
  const mIP = boxMean(ip, w2, h2, r2);
  const mII = boxMean(ii, w2, h2, r2);
  const a = new Float32Array(n2);
  const b = new Float32Array(n2);
  for (let i = 0; i < n2; i++) {
    const varI = mII[i]! - mI[i]! * mI[i]!;
    const cov = mIP[i]! - mI[i]! * mP[i]!;
    a[i] = cov / (varI + eps);
    b[i] = mP[i]! - a[i]! * mI[i]!;
  }
  const lA = boxMean(a, w2, h2, r2);
  const lB = boxMean(b, w2, h2, r2);
  // Both coefficient grids are read bilinearly at each full-resolution pixel in one pass, rounded to
  // float32 as the two full-size upsampled arrays this replaced held them: the same opacities, bit
  // for bit, without those arrays.
  const q = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const fy = Math.min(h2 - 1, Math.max(0, (y + 0.5) / 2 - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h2 - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(w2 - 1, Math.max(0, (x + 0.5) / 2 - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(w2 - 1, x0 + 1);
      const tx = fx - x0;
      const i00 = y0 * w2 + x0;
      const i01 = y0 * w2 + x1;
      const i10 = y1 * w2 + x0;
      const i11 = y1 * w2 + x1;
      const mA = Math.fround((lA[i00]! * (1 - tx) + lA[i01]! * tx) * (1 - ty) + (lA[i10]! * (1 - tx) + lA[i11]! * tx) * ty);
      const mB = Math.fround((lB[i00]! * (1 - tx) + lB[i01]! * tx) * (1 - ty) + (lB[i10]! * (1 - tx) + lB[i11]! * tx) * ty);
      const i = y * w + x;
      q[i] = Math.min(1, Math.max(0, mA * guide[i]! + mB));
    }
  }
  return q;
}

/** 4-connected components of a binary map; 0 is outside, labels from 1. */
export function labelComponents(on: Uint8Array, w: number, h: number): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(w * h);
  const sizes = [0];
  // Each pixel is pushed once at most (labelled as it is pushed): a typed stack of n never overflows.
  const stack = new Int32Array(w * h);
  for (let start = 0; start < on.length; start++) {
    if (!on[start] || labels[start]) continue;
    const label = sizes.length;
    let size = 0;
    let top = 0;
    labels[start] = label;
    stack[top++] = start;
    while (top > 0) {
      const i = stack[--top]!;
      size++;
      const x = i % w;
      const y = (i - x) / w;
      if (x > 0 && on[i - 1] && !labels[i - 1]) (labels[i - 1] = label), (stack[top++] = i - 1);
      if (x < w - 1 && on[i + 1] && !labels[i + 1]) (labels[i + 1] = label), (stack[top++] = i + 1);
      if (y > 0 && on[i - w] && !labels[i - w]) (labels[i - w] = label), (stack[top++] = i - w);
      if (y < h - 1 && on[i + w] && !labels[i + w]) (labels[i + w] = label), (stack[top++] = i + w);
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/** Chessboard distance (in pixels, capped) from every pixel to the nearest set one: two passes. */
export function distanceTo(on: Uint8Array, w: number, h: number, cap: number): Uint16Array {
  const d = new Uint16Array(w * h).fill(cap);
  for (let i = 0; i < on.length; i++) if (on[i]) d[i] = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let v = d[i]!;
      if (x > 0) v = Math.min(v, d[i - 1]! + 1);
      if (y > 0) {
        v = Math.min(v, d[i - w]! + 1);
        if (x > 0) v = Math.min(v, d[i - w - 1]! + 1);
        if (x < w - 1) v = Math.min(v, d[i - w + 1]! + 1);
      }
      d[i] = v;
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      let v = d[i]!;
      if (x < w - 1) v = Math.min(v, d[i + 1]! + 1);
      if (y < h - 1) {
        v = Math.min(v, d[i + w]! + 1);
        if (x < w - 1) v = Math.min(v, d[i + w + 1]! + 1);
        if (x > 0) v = Math.min(v, d[i + w - 1]! + 1);
      }
      d[i] = v;
    }
  }
  return d;
}

/** Opacity bands of the carried mask: at or beyond these the segmenter is taken at its word. */
const SURE_BG = 0.03;
const SURE_FG = 0.97;
/** Windows (px) for the local person and background colours, the small one first. */
const COLOUR_RADII = [10, 30] as const;
/** Person and background colours closer than this (RGB distance) cannot tell a pixel's share. */
const MIN_SEPARATION = 30;

/**
 * Summed-area tables ((w2+1)×(h2+1), entry (x, y) the sum above and left) of eight half-resolution
 * maps, halved as halve() does (the 2×2 mean, the last row and column repeated at an odd edge), in
 * one pass over the photo: the sure-person share, the sure-background share, and per channel the
 * sure person's and the sure background's colour.
 */
function halfTables(isF: Uint8Array, isB: Uint8Array, rgb: Float32Array, w: number, h: number) {
  const w2 = Math.ceil(w / 2);
  const h2 = Math.ceil(h / 2);
  const W = w2 + 1;
  const size = W * (h2 + 1);
  const t = Array.from({ length: 8 }, () => new Float64Array(size));
  const [tF, tB, tfR, tfG, tfB, tbR, tbG, tbB] = t as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const row = new Float64Array(8);
  for (let y = 0; y < h2; y++) {
    const ya = 2 * y;
    const yb = Math.min(h - 1, ya + 1);
    row.fill(0);
    const o = (y + 1) * W;
    for (let x = 0; x < w2; x++) {
      const xa = 2 * x;
      const xb = Math.min(w - 1, xa + 1);
      let f = 0, b = 0, fr = 0, fg = 0, fb = 0, br = 0, bg = 0, bb = 0;
      for (const i of [ya * w + xa, ya * w + xb, yb * w + xa, yb * w + xb]) {
        const k = i * 3;
        if (isF[i]) {
          f++;
          fr += rgb[k]!;
          fg += rgb[k + 1]!;
          fb += rgb[k + 2]!;
        } else if (isB[i]) {
          b++;
          br += rgb[k]!;
          bg += rgb[k + 1]!;
          bb += rgb[k + 2]!;
        }
      }
      row[0]! += f / 4;
      row[1]! += b / 4;
      row[2]! += fr / 4;
      row[3]! += fg / 4;
      row[4]! += fb / 4;
      row[5]! += br / 4;
      row[6]! += bg / 4;
      row[7]! += bb / 4;
      const at = o + x + 1;
      const up = at - W;
      tF[at] = tF[up]! + row[0]!;
      tB[at] = tB[up]! + row[1]!;
      tfR[at] = tfR[up]! + row[2]!;
      tfG[at] = tfG[up]! + row[3]!;
      tfB[at] = tfB[up]! + row[4]!;
      tbR[at] = tbR[up]! + row[5]!;
      tbG[at] = tbG[up]! + row[6]!;
      tbB[at] = tbB[up]! + row[7]!;
    }
  }
  return { w2, h2, tF, tB, tfR, tfG, tfB, tbR, tbG, tbB };
}

/**
 * A small trimap matting step: in the band the segmenter was unsure of, each pixel's opacity is
 * where its colour lies between the local person colour and the local background colour (the
 * means of the sure pixels around it). A pale patch of wall in the band goes to 0 however the
 * segmenter scored it; a dark strand on a light wall stays near 1.
 *
 * The band is a few percent of the photo, so the windows are summed for its pixels alone from
 * summed-area tables of the half-resolution maps, not box-filtered over the whole photo (issue 18:
 * ~30 → ~8 ms). The windows are the half-resolution box means' (radius r/2, shrunk at the borders)
 * that it used before, so the opacities are the same up to float rounding (≤ 3e-6).
 */
export function unmixBand(alpha: Float32Array, rgb: Float32Array, w: number, h: number): Float32Array {
  const n = w * h;
  const out = Float32Array.from(alpha);
  const isF = new Uint8Array(n);
  const isB = new Uint8Array(n);
  let band = 0;
  for (let i = 0; i < n; i++) {
    if (alpha[i]! >= SURE_FG) isF[i] = 1;
    else if (alpha[i]! <= SURE_BG) isB[i] = 1;
    else band++;
  }
  if (band === 0) return out;
  const { w2, h2, tF, tB, tfR, tfG, tfB, tbR, tbG, tbB } = halfTables(isF, isB, rgb, w, h);
  const W = w2 + 1;
  const radii = COLOUR_RADII.map((r) => Math.max(1, Math.round(r / 2)));
  for (let y = 0; y < h; y++) {
    const cy = y >> 1;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (isF[i] || isB[i]) continue;
      const cx = x >> 1;
      for (const r of radii) {
        const x0 = Math.max(0, cx - r);
        const x1 = Math.min(w2, cx + r + 1);
        const y0 = Math.max(0, cy - r);
        const y1 = Math.min(h2, cy + r + 1);
        // Window corners in the tables.
        const a = y0 * W + x0;
        const b = y0 * W + x1;
        const c = y1 * W + x0;
        const d = y1 * W + x1;
        const count = (x1 - x0) * (y1 - y0);
        const sF = tF[d]! - tF[b]! - tF[c]! + tF[a]!;
        const sB = tB[d]! - tB[b]! - tB[c]! + tB[a]!;
        // Too little sure person or sure background in the window: the wider window is tried.
        if (sF < 0.03 * count || sB < 0.03 * count) continue;
        // Per channel: the local person colour F and background colour B; the pixel's position
        // between them along B→F is its opacity.
        const bR = (tbR[d]! - tbR[b]! - tbR[c]! + tbR[a]!) / sB;
        const bG = (tbG[d]! - tbG[b]! - tbG[c]! + tbG[a]!) / sB;
        const bBl = (tbB[d]! - tbB[b]! - tbB[c]! + tbB[a]!) / sB;
        const dR = (tfR[d]! - tfR[b]! - tfR[c]! + tfR[a]!) / sF - bR;
        const dG = (tfG[d]! - tfG[b]! - tfG[c]! + tfG[a]!) / sF - bG;
        const dB = (tfB[d]! - tfB[b]! - tfB[c]! + tfB[a]!) / sF - bBl;
        const norm = dR * dR + dG * dG + dB * dB;
        if (norm >= MIN_SEPARATION * MIN_SEPARATION) {
          const dot = (rgb[i * 3]! - bR) * dR + (rgb[i * 3 + 1]! - bG) * dG + (rgb[i * 3 + 2]! - bBl) * dB;
          out[i] = Math.min(1, Math.max(0, dot / norm));
        }
        break;
      }
    }
  }
  return out;
}

export interface RefinedMatte {
  alpha: Float32Array;
  /** Output pixels the refinement took away as detached specks (for the finish check's notes). */
  removedSpecks: number;
}

/**
 * Refines the carried-up mask on the output photo: the unsure band unmixed by colour, a guided
 * filter driven by the photo's grey, then
 * only the person is kept — the part holding the eyes, and parts large enough to be the body —
 * with its soft fringe; anything else the mask held is dropped rather than pasted onto the spec colour.
 */
export function refineMatte(alpha: Float32Array, rgb: Float32Array, w: number, h: number, eyes: { x: number; y: number }): RefinedMatte {
  const n = w * h;
  const grey = new Float32Array(n);
  for (let i = 0; i < n; i++) grey[i] = (0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!) / 255;
  const refined = guidedFilter(grey, unmixBand(alpha, rgb, w, h), w, h);
  const on = new Uint8Array(n);
  for (let i = 0; i < n; i++) on[i] = refined[i]! > 0.5 ? 1 : 0;
  const { labels, sizes } = labelComponents(on, w, h);
  const ex = Math.min(w - 1, Math.max(0, Math.floor(eyes.x)));
  const ey = Math.min(h - 1, Math.max(0, Math.floor(eyes.y)));
  // The eyes sit inside the head's part; look around them in case the eye itself fell below 0.5.
  const headLabels = new Set<number>();
  for (let dy = -6; dy <= 6; dy++) {
    for (let dx = -20; dx <= 20; dx++) {
      const x = ex + dx;
      const y = ey + dy;
      if (x >= 0 && y >= 0 && x < w && y < h && labels[y * w + x]) headLabels.add(labels[y * w + x]!);
    }
  }
  const keepLabel = sizes.map((s, l) => l > 0 && (headLabels.has(l) || s >= DETACHED_MIN_SHARE * n));
  const kept = new Uint8Array(n);
  let removedSpecks = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l && keepLabel[l]) kept[i] = 1;
    else if (l) removedSpecks++;
  }
  // No head part found (the mask missed the face): keep the filter's result rather than erase the person.
  if (headLabels.size === 0) return { alpha: refined, removedSpecks: 0 };
  const dist = distanceTo(kept, w, h, FRINGE_PX + 2);
  for (let i = 0; i < n; i++) {
    const d = dist[i]!;
    if (d === 0) continue;
    // The fringe fades out over FRINGE_PX from the kept part; beyond it nothing remains.
    refined[i] = d > FRINGE_PX ? 0 : refined[i]! * (1 - (d - 1) / FRINGE_PX);
  }
  return { alpha: refined, removedSpecks };
}
