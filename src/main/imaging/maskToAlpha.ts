import sharp from 'sharp';
import { AppError } from '../../shared/errors.js';
import { scaleAffine, type Affine } from './outputMapping.js';

/** A segmentation mask over the oriented still: 0–255 person probability, any resolution, same aspect. */
export interface PersonMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Blur of the mask's edge, in output pixels (σ): enough to hide the mask's blockiness, not a halo. */
const FEATHER_OUTPUT_PX = 1.2;
/**
 * Probability ramp to opacity. Hair strands and curls come out of a selfie segmenter at 0.2–0.6,
 * so the ramp sits low: a 50 % cut would trim them; below 0.15 is background noise.
 */
const RAMP_LO = 0.15;
const RAMP_HI = 0.6;

function badMask(detail: string): never {
  throw new AppError('BAD_INPUT', { zh: '人像分割数据无效', en: 'The person segmentation mask is invalid', details: [detail] });
}

/** Refuses a mask that cannot belong to this still (checked before the still is decoded). */
export function checkMask(mask: PersonMask, width: number, height: number): void {
  if (!(Number.isInteger(mask.width) && Number.isInteger(mask.height) && mask.width > 0 && mask.height > 0)) badMask(`size ${mask.width}×${mask.height}`);
  if (mask.data.length !== mask.width * mask.height) badMask(`${mask.data.length} values for ${mask.width}×${mask.height}`);
  // Rounding a small mask's size moves its aspect by up to one pixel's worth.
  const tolerance = Math.max(0.02, 1.5 / Math.min(mask.width, mask.height));
  if (Math.abs((mask.width / mask.height) / (width / height) - 1) > tolerance) badMask(`mask ${mask.width}×${mask.height} does not match photo ${width}×${height}`);
}

const smoothRamp = (p: number) => {
  const t = Math.min(1, Math.max(0, (p - RAMP_LO) / (RAMP_HI - RAMP_LO)));
  return t * t * (3 - 2 * t);
};

/**
 * Opacity of the person for every output pixel: the mask carried through the same output→original
 * mapping as the photo, ramped so hair is kept, then feathered in the output frame, so the edge is
 * soft by the same amount whatever the mask's resolution or crispness. Never thresholded hard.
 */
export async function maskToAlpha(mask: PersonMask, photoWidth: number, photoHeight: number, outputToOriginal: Affine, outWidth: number, outHeight: number): Promise<Float32Array> {
  checkMask(mask, photoWidth, photoHeight);
  const m = scaleAffine(outputToOriginal, mask.width / photoWidth, mask.height / photoHeight);
  const { width: mw, height: mh, data } = mask;
  const ramp = new Uint8Array(256).map((_, p) => Math.round(255 * smoothRamp(p / 255)));
  const matte = Buffer.alloc(outWidth * outHeight);
  for (let v = 0; v < outHeight; v++) {
    const cy = v + 0.5;
    for (let u = 0; u < outWidth; u++) {
      const cx = u + 0.5;
      const px = Math.min(mw - 1, Math.max(0, m.a * cx + m.b * cy + m.c - 0.5));
      const py = Math.min(mh - 1, Math.max(0, m.d * cx + m.e * cy + m.f - 0.5));
      const x0 = Math.floor(px);
      const y0 = Math.floor(py);
      const x1 = Math.min(mw - 1, x0 + 1);
      const y1 = Math.min(mh - 1, y0 + 1);
      const fx = px - x0;
      const fy = py - y0;
      const top = data[y0 * mw + x0]! * (1 - fx) + data[y0 * mw + x1]! * fx;
      const bottom = data[y1 * mw + x0]! * (1 - fx) + data[y1 * mw + x1]! * fx;
      matte[v * outWidth + u] = ramp[Math.round(top * (1 - fy) + bottom * fy)]!;
    }
  }
  const feathered = await sharp(matte, { raw: { width: outWidth, height: outHeight, channels: 1 } })
    .blur(FEATHER_OUTPUT_PX)
    .toColourspace('b-w') // sharp would otherwise hand back three channels
    .raw()
    .toBuffer();
  if (feathered.length !== matte.length) throw new AppError('INTERNAL', { details: [`feathered mask has ${feathered.length} values, expected ${matte.length}`] });
  const alpha = new Float32Array(outWidth * outHeight);
  for (let i = 0; i < alpha.length; i++) alpha[i] = feathered[i]! / 255;
  return alpha;
}
