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
  // Tap offsets, clamped at the region's edge (the photo's edge replicates; coverage fades it out).
  const cols = new Int32Array(4);
  const rows = new Int32Array(4);
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
      for (let k = 0; k < 4; k++) {
        cols[k] = Math.min(rw - 1, Math.max(0, ix - 1 + k)) * 3;
        rows[k] = Math.min(rh - 1, Math.max(0, iy - 1 + k)) * stride;
      }
      const c0 = cols[0]!;
      const c1 = cols[1]!;
      const c2 = cols[2]!;
      const c3 = cols[3]!;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let j = 0; j < 4; j++) {
        const row = rows[j]!;
        const wy = j === 0 ? y0 : j === 1 ? y1 : j === 2 ? y2 : y3;
        r += wy * (x0 * data[row + c0]! + x1 * data[row + c1]! + x2 * data[row + c2]! + x3 * data[row + c3]!);
        g += wy * (x0 * data[row + c0 + 1]! + x1 * data[row + c1 + 1]! + x2 * data[row + c2 + 1]! + x3 * data[row + c3 + 1]!);
        b += wy * (x0 * data[row + c0 + 2]! + x1 * data[row + c1 + 2]! + x2 * data[row + c2 + 2]! + x3 * data[row + c3 + 2]!);
      }
      rgb[o * 3] = r;
      rgb[o * 3 + 1] = g;
      rgb[o * 3 + 2] = b;
    }
  }
  return { width, height, rgb, coverage };
}
