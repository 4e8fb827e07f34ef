import sharp from 'sharp';
import { decodeRaw, openStill, readStill, toSrgbRaw } from './readStill.js';

export interface AnalysisRgba {
  /** RGBA, ready for ImageData. */
  data: Uint8ClampedArray;
  width: number;
  height: number;
  /** Analysis pixels per oriented-original pixel (≤ 1): divide coordinates by it to get back. */
  scale: number;
}

/** Longest side that fits maxSide, never enlarged. */
function fitInside(width: number, height: number, maxSide: number): { width: number; height: number; scale: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), scale };
}

/** The oriented still as RGBA at analysis size (alpha flattened on white, so alpha is always 255). */
export async function stillToRgba(bytes: Buffer, maxSide: number): Promise<AnalysisRgba> {
  const info = await readStill(bytes);
  const size = fitInside(info.width, info.height, maxSide);
  const pipeline = openStill(bytes, info).resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' });
  // Flatten first, then add an opaque alpha: the renderer gets ImageData-shaped pixels.
  const raw = await decodeRaw(toSrgbRaw(pipeline, info).ensureAlpha(), 4);
  return { data: new Uint8ClampedArray(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength), width: raw.width, height: raw.height, scale: size.width / info.width };
}

export interface AnalysisImage {
  /** An upright, stripped JPEG the renderer can decode with createImageBitmap. */
  jpeg: Buffer;
  width: number;
  height: number;
  scale: number;
}

/**
 * The oriented still as a small JPEG for the renderer's models: it then never sees EXIF orientation,
 * CMYK or 16-bit data, and the landmarks it returns are in an upright frame of known scale.
 */
export async function stillForAnalysis(bytes: Buffer, maxSide = 1280): Promise<AnalysisImage> {
  const info = await readStill(bytes);
  const size = fitInside(info.width, info.height, maxSide);
  const raw = await decodeRaw(toSrgbRaw(openStill(bytes, info).resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' }), info), 3);
  const jpeg = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } })
    .jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
    .toBuffer();
  return { jpeg, width: raw.width, height: raw.height, scale: size.width / info.width };
}
