import type { WorkRegion } from './decodeWorkRegion.js';

export interface WarpedPhoto {
  width: number;
  height: number;
  /** RGB, 0–255 but unclamped floats, so later gains do not compound rounding. */
  rgb: Float32Array;
  /** How much of each output pixel lies on the photo (0 where the window reaches past its edge). */
  coverage: Float32Array;
}

/**
 * Orients, rotates and cuts the work region into the output frame with Catmull-Rom bicubic
 * sampling (sharp enough that a 1:1 rotation does not visibly soften the face). Plain JS over ~300 k
 * output pixels, ~20 ms: the region is already at output scale (or smaller, when enlarging), and the
 * arithmetic is ours, with no guessing at how a library centres a rotation or an enlargement.
 */
export function warpToOutput(region: WorkRegion | null, width: number, height: number): WarpedPhoto {
  const rgb = new Float32Array(width * height * 3);
  const coverage = new Float32Array(width * height);
  if (!region) return { width, height, rgb, coverage };
  const { outputToWork: m, data, width: rw, height: rh, left, top, fullWidth, fullHeight } = region;
  const stride = rw * 3;
  // Tap offsets are clamped at the region's edge (the photo's edge replicates; coverage fades it out).
  for (let v = 0; v < height; v++) {
    const cy = v + 0.5;
    for (let u = 0; u < width; u++) {
      const cx = u + 0.5;
      // Continuous position in the whole resized still.
      const x = m.a * cx + m.b * cy + m.c;
      const y = m.d * cx + m.e * cy + m.f;
      const o = v * width + u;
      const cover = Math.min(1, Math.max(0, Math.min(x, fullWidth - x, y, fullHeight - y) + 0.5));
      coverage[o] = cover;
      if (cover === 0) continue;
      // Pixel-index space of the region: centres at integers.
      const px = x - 0.5 - left;
      const py = y - 0.5 - top;
      const ix = Math.floor(px);
      const iy = Math.floor(py);
      const tx = px - ix;
      const ty = py - iy;
      const tx2 = tx * tx;
      const ty2 = ty * ty;
      const x0 = (-0.5 * tx + 1) * tx2 - 0.5 * tx;
      const x1 = (1.5 * tx - 2.5) * tx2 + 1;
      const x2 = (-1.5 * tx + 2) * tx2 + 0.5 * tx;
      const x3 = (0.5 * tx - 0.5) * tx2;
      const y0 = (-0.5 * ty + 1) * ty2 - 0.5 * ty;
      const y1 = (1.5 * ty - 2.5) * ty2 + 1;
      const y2 = (-1.5 * ty + 2) * ty2 + 0.5 * ty;
      const y3 = (0.5 * ty - 0.5) * ty2;
      const c0 = Math.min(rw - 1, Math.max(0, ix - 1)) * 3;
      const c1 = Math.min(rw - 1, Math.max(0, ix)) * 3;
      const c2 = Math.min(rw - 1, Math.max(0, ix + 1)) * 3;
      const c3 = Math.min(rw - 1, Math.max(0, ix + 2)) * 3;
      const r0 = Math.min(rh - 1, Math.max(0, iy - 1)) * stride;
      const r1 = Math.min(rh - 1, Math.max(0, iy)) * stride;
      const r2 = Math.min(rh - 1, Math.max(0, iy + 1)) * stride;
      const r3 = Math.min(rh - 1, Math.max(0, iy + 2)) * stride;
      // Row by row, in the same order of sums as a loop over the four rows would take.
      for (let ch = 0; ch < 3; ch++) {
        const a0 = r0 + ch;
        const a1 = r1 + ch;
        const a2 = r2 + ch;
        const a3 = r3 + ch;
        let v = 0;
        v += y0 * (x0 * data[a0 + c0]! + x1 * data[a0 + c1]! + x2 * data[a0 + c2]! + x3 * data[a0 + c3]!);
        v += y1 * (x0 * data[a1 + c0]! + x1 * data[a1 + c1]! + x2 * data[a1 + c2]! + x3 * data[a1 + c3]!);
        v += y2 * (x0 * data[a2 + c0]! + x1 * data[a2 + c1]! + x2 * data[a2 + c2]! + x3 * data[a2 + c3]!);
        v += y3 * (x0 * data[a3 + c0]! + x1 * data[a3 + c1]! + x2 * data[a3 + c2]! + x3 * data[a3 + c3]!);
        rgb[o * 3 + ch] = v;
      }
    }
  }
  return { width, height, rgb, coverage };
}
