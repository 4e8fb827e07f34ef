import sharp from 'sharp';
import { decodeRaw, openStill, readStill, toSrgbRaw, type StillInfo } from './readStill.js';

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

/** The analysis copy's pixels as the JPEG the renderer once decoded (q92, 4:4:4): for RPC-only scripts and files kept. */
export function analysisJpeg(rgb: Buffer, width: number, height: number): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
    .toBuffer();
}

export interface AnalysisCopy {
  /** The upright picture as raw 8-bit sRGB RGB: what the renderer's models are given (issue 18), and
   * kept in main so finishing need not decode the still again. */
  rgb: Buffer;
  width: number;
  height: number;
  /** Analysis pixels per oriented-original pixel (≤ 1). */
  scale: number;
  /** The still's header (readStill): finishing from this copy then need not read the still again. */
  info: StillInfo;
  /** The same pixels as a JPEG, only when asked for (a file to keep: bench/soak's --keep). */
  jpeg: Buffer | null;
  /** Milliseconds: header, decode with resize, JPEG encode (0 when not asked for; for bench/shutter). */
  ms: { header: number; decode: number; encode: number };
}

/** JPEG shrink-on-load factors libvips can decode at directly (DCT scaling). */
const JPEG_SHRINKS = [8, 4, 2] as const;
/** The analysis copy is never smaller than this on its long side (face landmarks, sharpness). */
export const ANALYSIS_MIN_SIDE = 1200;

/**
 * The analysis copy's size: the largest JPEG shrink factor that keeps the long side at or above
 * ANALYSIS_MIN_SIDE, capped at maxSide. A 24 MP still (6000 px) then decodes at 1/4 straight to
 * 1500 px instead of at 1/2 (3000 px) and resampled to 1600: a quarter of the pixels decoded.
 */
export function analysisSize(width: number, height: number, maxSide: number): { width: number; height: number; scale: number } {
  const long = Math.max(width, height);
  let target = Math.min(long, maxSide);
  for (const k of JPEG_SHRINKS) {
    if (long / k >= ANALYSIS_MIN_SIDE) {
      target = Math.min(maxSide, Math.floor(long / k));
      break;
    }
  }
  return fitInside(width, height, target);
}

/**
 * One decode for both sides of the shot: the upright pixels, raw, for the renderer's models and for
 * finishing (finishPhoto's `upright`), sized for JPEG shrink-on-load. The renderer used to get them as
 * a JPEG, which cost ~28 ms to encode here and ~20 ms to decode there on every shot (issue 18).
 */
export async function analysisCopy(bytes: Buffer, maxSide: number, opts: { jpeg?: boolean } = {}): Promise<AnalysisCopy> {
  const t0 = performance.now();
  const info = await readStill(bytes);
  const size = analysisSize(info.width, info.height, maxSide);
  const t1 = performance.now();
  const raw = await decodeRaw(toSrgbRaw(openStill(bytes, info).resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' }), info), 3);
  const t2 = performance.now();
  const jpeg = opts.jpeg ? await analysisJpeg(raw.data, raw.width, raw.height) : null;
  const ms = { header: t1 - t0, decode: t2 - t1, encode: performance.now() - t2 };
  return { jpeg, rgb: raw.data, width: raw.width, height: raw.height, scale: size.width / info.width, info, ms };
}
