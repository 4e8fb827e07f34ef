import type { SpecProfile } from '../spec/specProfile.js';
import { mmToPx } from './layoutEngine.js';
import { BACKGROUND_RGB, type PhotoSize, type PrintBackground } from './printSchema.js';

/**
 * The spec profile one printed photo is cropped by: the size's own pixels at the paper's dpi, the
 * base profile's head geometry scaled with the height (so 小2寸 and 大1寸 keep 2寸's proportions of
 * crown, eyes and face), and the background the order asked for. 1寸 and 2寸 at 300 dpi come out
 * exactly as print-1cun and print-2cun.
 */
export function specForPhotoSize(base: SpecProfile, size: PhotoSize, dpi: number, background: PrintBackground): SpecProfile {
  const widthPx = mmToPx(size.widthMm, dpi);
  const heightPx = mmToPx(size.heightMm, dpi);
  const k = heightPx / base.output.heightPx;
  const scale = ([a, b]: readonly [number, number]): [number, number] => [Math.round(a * k), Math.round(b * k)];
  return {
    ...base,
    id: `${base.id}-${size.id}`.slice(0, 32),
    output: { ...base.output, widthPx, heightPx, dpi, background: [...BACKGROUND_RGB[background]] as [number, number, number] },
    geometry: {
      crownFromTopPx: scale(base.geometry.crownFromTopPx),
      eyesFromTopPx: scale(base.geometry.eyesFromTopPx),
      faceWidthPx: scale(base.geometry.faceWidthPx),
    },
  };
}
