import type { Correction } from './gentleCorrection.js';
import type { WarpedPhoto } from './warpToOutput.js';

/**
 * Applies the correction to the photo and lays it over the spec colour with the given opacity, so the
 * background itself stays exactly the spec colour. 8-bit RGB out, ready to encode.
 */
export function compositeOnBackground(photo: WarpedPhoto, opacity: Float32Array, correction: Correction, background: readonly [number, number, number]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(photo.width * photo.height * 3);
  const gains = correction.whiteBalance.map((g) => g * correction.exposure);
  const [gr, gg, gb] = gains as [number, number, number];
  const [br, bg, bb] = background;
  const { rgb } = photo;
  for (let i = 0; i < opacity.length; i++) {
    const a = opacity[i]!;
    const o = i * 3;
    if (a <= 0) {
      out[o] = br;
      out[o + 1] = bg;
      out[o + 2] = bb;
      continue;
    }
    // Clamp before mixing: Catmull-Rom overshoots a little at hard edges.
    const r = Math.min(255, Math.max(0, rgb[o]! * gr));
    const g = Math.min(255, Math.max(0, rgb[o + 1]! * gg));
    const b = Math.min(255, Math.max(0, rgb[o + 2]! * gb));
    out[o] = br + (r - br) * a;
    out[o + 1] = bg + (g - bg) * a;
    out[o + 2] = bb + (b - bb) * a;
  }
  return out;
}
