import type { RgbImage } from './alignment.js';

/**
 * Measures that say whether a photo can be compared as it is: colour, exposure of the face, and two
 * signs of a scanned print (a halftone screen, a paper margin). Pure functions on RGB pixels; the
 * limits are below, each with what it was set against (README "录取照片比对").
 */
export const QUALITY_LIMITS = {
  /** Mean chroma (max − min of R, G, B, 0–255) of the face chip below this: a black-and-white photo.
   * Colour portraits measure 12–40 here, the grey test faces 0, JPEG noise on grey < 1.5. */
  greyscaleChroma: 3,
  /** Median luma (0–255) of the central face below this: too dark to compare (portraits: 110–190). */
  darkFaceLuma: 55,
  /** A spectral peak this many times (natural log) above its ring's median at halftone periods. */
  halftonePeak: 4.2,
  /** A uniform light band at least this share of the side (and 3 px) on all four sides: a paper margin. */
  marginShare: 0.015,
} as const;

export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** Mean of max−min over the channels, over the chip's central region (skin and features). */
export function meanChroma(img: RgbImage, inset = 0.2): number {
  let sum = 0;
  let n = 0;
  const { x0, x1, y0, y1 } = insetBox(img, inset);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 3;
      const r = img.data[i]!;
      const g = img.data[i + 1]!;
      const b = img.data[i + 2]!;
      sum += Math.max(r, g, b) - Math.min(r, g, b);
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/** Median luma over the chip's central region. */
export function medianLuma(img: RgbImage, inset = 0.2): number {
  const hist = new Uint32Array(256);
  let n = 0;
  const { x0, x1, y0, y1 } = insetBox(img, inset);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 3;
      hist[Math.max(0, Math.min(255, Math.round(luma(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!))))]!++;
      n++;
    }
  }
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen * 2 >= n) return v;
  }
  return 0;
}

function insetBox(img: RgbImage, inset: number) {
  return {
    x0: Math.floor(img.width * inset),
    x1: Math.ceil(img.width * (1 - inset)),
    y0: Math.floor(img.height * inset),
    y1: Math.ceil(img.height * (1 - inset)),
  };
}

// ---- halftone screen --------------------------------------------------------------------------

/** In-place radix-2 complex FFT of length n (a power of two). */
function fft1d(re: Float64Array, im: Float64Array, off: number, stride: number, n: number): void {
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const a = off + i * stride;
      const b = off + j * stride;
      [re[a], re[b]] = [re[b]!, re[a]!];
      [im[a], im[b]] = [im[b]!, im[a]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = off + (i + k) * stride;
        const b = off + (i + k + len / 2) * stride;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/**
 * How strongly a square window of the picture repeats at one fine period, as a printed halftone screen
 * does: the highest spectral peak at periods of 2–12 px, in natural-log units above the median of its
 * frequency ring. Photographs have smoothly falling spectra (peaks ≈ 2–3); a scanned print shows
 * sharp peaks at its screen frequency (≥ 5). JPEG's 8-px block grid and the axes are left out.
 * `centre` is where the window goes (the face); null when the picture is smaller than 64 px.
 */
export function halftonePeak(img: RgbImage, centre: { x: number; y: number }): number | null {
  const side = Math.min(img.width, img.height);
  let n = 256;
  while (n > side && n > 64) n >>= 1;
  if (n > side) return null;
  const x0 = Math.round(Math.min(Math.max(0, centre.x - n / 2), img.width - n));
  const y0 = Math.round(Math.min(Math.max(0, centre.y - n / 2), img.height - n));
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  let mean = 0;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = ((y0 + y) * img.width + (x0 + x)) * 3;
      const v = luma(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!);
      re[y * n + x] = v;
      mean += v;
    }
  }
  mean /= n * n;
  const hann = new Float64Array(n);
  for (let i = 0; i < n; i++) hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) re[y * n + x] = (re[y * n + x]! - mean) * hann[x]! * hann[y]!;
  for (let y = 0; y < n; y++) fft1d(re, im, y * n, 1, n);
  for (let x = 0; x < n; x++) fft1d(re, im, x, n, n);

  const half = n / 2;
  const rMin = n / 12; // period 12 px
  const rings: number[][] = Array.from({ length: half + 1 }, () => []);
  const logMag = new Float64Array(n * n);
  const block = n / 8; // JPEG's 8-px grid lands on multiples of n/8
  const usable = (u: number, v: number) => Math.abs(u) > 2 && Math.abs(v) > 2 && u % block !== 0 && v % block !== 0;
  for (let y = 0; y < n; y++) {
    const v = y < half ? y : y - n;
    for (let x = 0; x < n; x++) {
      const u = x < half ? x : x - n;
      const r = Math.round(Math.hypot(u, v));
      if (r < rMin || r > half || !usable(u, v)) continue;
      const m = Math.log(Math.hypot(re[y * n + x]!, im[y * n + x]!) + 1e-9);
      logMag[y * n + x] = m;
      rings[r]!.push(m);
    }
  }
  const ringMedian = rings.map((vals) => {
    if (vals.length === 0) return Number.NaN;
    vals.sort((a, b) => a - b);
    return vals[vals.length >> 1]!;
  });
  let best = 0;
  for (let y = 0; y < n; y++) {
    const v = y < half ? y : y - n;
    for (let x = 0; x < n; x++) {
      const u = x < half ? x : x - n;
      const r = Math.round(Math.hypot(u, v));
      if (r < rMin || r > half || !usable(u, v)) continue;
      const excess = logMag[y * n + x]! - ringMedian[r]!;
      if (excess > best) best = excess;
    }
  }
  return best;
}

// ---- paper margin -----------------------------------------------------------------------------

/**
 * Depth in pixels of a uniform, light band along each side (a scanner's view of the paper around a
 * print). A photo reaches its own edges somewhere on every side: the bottom at least, with clothing.
 */
export function marginDepths(img: RgbImage): { top: number; bottom: number; left: number; right: number } {
  const line = (get: (k: number) => number, len: number) => {
    let sum = 0;
    let sq = 0;
    for (let k = 0; k < len; k++) {
      const v = get(k);
      sum += v;
      sq += v * v;
    }
    const mean = sum / len;
    return { mean, sd: Math.sqrt(Math.max(0, sq / len - mean * mean)) };
  };
  const px = (x: number, y: number) => {
    const i = (y * img.width + x) * 3;
    return luma(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!);
  };
  const depth = (count: number, stats: (k: number) => { mean: number; sd: number }) => {
    const first = stats(0);
    if (first.mean < 170 || first.sd > 8) return 0;
    let d = 0;
    while (d < count / 3) {
      const s = stats(d);
      if (s.sd > 8 || Math.abs(s.mean - first.mean) > 12) break;
      d++;
    }
    return d;
  };
  const w = img.width;
  const h = img.height;
  return {
    top: depth(h, (k) => line((x) => px(x, k), w)),
    bottom: depth(h, (k) => line((x) => px(x, h - 1 - k), w)),
    left: depth(w, (k) => line((y) => px(k, y), h)),
    right: depth(w, (k) => line((y) => px(w - 1 - k, y), h)),
  };
}

export function hasPaperMargin(img: RgbImage): boolean {
  const d = marginDepths(img);
  const minV = Math.max(3, img.height * QUALITY_LIMITS.marginShare);
  const minH = Math.max(3, img.width * QUALITY_LIMITS.marginShare);
  return d.top >= minV && d.bottom >= minV && d.left >= minH && d.right >= minH;
}
