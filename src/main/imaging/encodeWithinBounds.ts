import sharp from 'sharp';
import { AppError } from '../../shared/errors.js';
import type { SpecProfile } from '../../shared/spec/specProfile.js';
import { withJfifDensity } from './jfifDensity.js';

export interface EncodedPhoto {
  jpeg: Buffer;
  quality: number;
  bytes: number;
  /** False when no quality ≥ minQuality lands inside [minBytes, maxBytes]; the nearest is returned. */
  withinBounds: boolean;
  /** Encodes tried (each ~3–5 ms at 480×640). */
  attempts: number;
}

/** Visually lossless at this size; higher only buys bytes, lower only when maxBytes demands it. */
const PREFERRED_QUALITY = 95;
/** Full-resolution chroma keeps the blue/skin and blue/hair edges clean at high quality; at lower
 * qualities 4:2:0 spends the bytes better. */
const FULL_CHROMA_FROM_QUALITY = 90;

type JpegBounds = SpecProfile['output']['jpeg'];

async function encodeAt(rgb: Uint8ClampedArray, width: number, height: number, quality: number, dpi: number): Promise<Buffer> {
  const jpeg = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width, height, channels: 3 } })
    .withIccProfile('srgb')
    .jpeg({ quality, chromaSubsampling: quality >= FULL_CHROMA_FROM_QUALITY ? '4:4:4' : '4:2:0', optimiseCoding: true })
    .toBuffer();
  return withJfifDensity(jpeg, dpi);
}

/** Reads the result back: the spec's promises are checked on the file, not assumed from options. */
async function verify(jpeg: Buffer, width: number, height: number, dpi: number): Promise<void> {
  const meta = await sharp(jpeg).metadata();
  const problems = [
    meta.format !== 'jpeg' && `format ${meta.format}`,
    (meta.width !== width || meta.height !== height) && `size ${meta.width}×${meta.height}`,
    meta.density !== dpi && `density ${meta.density}`,
    meta.exif && 'EXIF present',
    meta.space !== 'srgb' && `space ${meta.space}`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length) throw new AppError('INTERNAL', { details: problems });
}

/**
 * The highest quality that fits maxBytes, starting from the preferred one, never below minQuality;
 * raised above the preferred one only when the file would be smaller than minBytes (a plain blue
 * background compresses very well, and some portals refuse files under 30 KB).
 */
export async function encodeWithinBounds(rgb: Uint8ClampedArray, width: number, height: number, bounds: JpegBounds, dpi: number): Promise<EncodedPhoto> {
  const cache = new Map<number, Buffer>();
  const at = async (q: number) => {
    let b = cache.get(q);
    if (!b) cache.set(q, (b = await encodeAt(rgb, width, height, q, dpi)));
    return b;
  };
  const fits = (b: Buffer) => b.length >= bounds.minBytes && b.length <= bounds.maxBytes;
  const minQ = Math.min(100, Math.max(1, bounds.minQuality));
  let quality = Math.max(minQ, PREFERRED_QUALITY);

  if ((await at(quality)).length > bounds.maxBytes) {
    // Bytes grow with quality: binary-search the highest quality that fits.
    let lo = minQ;
    let hi = quality - 1;
    let best = minQ;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((await at(mid)).length <= bounds.maxBytes) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    quality = best;
  } else {
    while ((await at(quality)).length < bounds.minBytes && quality < 100) {
      const next = await at(quality + 1);
      if (next.length > bounds.maxBytes) break; // the window between two qualities: keep the smaller
      quality++;
    }
  }
  const jpeg = await at(quality);
  await verify(jpeg, width, height, dpi);
  return { jpeg, quality, bytes: jpeg.length, withinBounds: fits(jpeg), attempts: cache.size };
}
