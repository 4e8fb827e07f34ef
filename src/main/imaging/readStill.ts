import sharp, { type Metadata, type Sharp } from 'sharp';
import { AppError } from '../../shared/errors.js';
import { classifySharpError, emptyFile, notAnImage, tooManyBytes, tooManyPixels, unsupportedFormat } from './stillErrors.js';

export const STILL_LIMITS = {
  /** 61 MP full-frame bodies are the largest a kiosk would use; a 100 MP medium-format file or a
   * decompression bomb is refused from its header, before a pixel is decoded. */
  maxPixels: 64_000_000,
  /** A 61 MP JPEG is ~40 MB; larger files are refused without parsing. */
  maxBytes: 100 * 1024 * 1024,
} as const;

/** Photo formats we decode. HEIF is left out: the bundled libvips cannot decode HEVC, and SVG/PDF
 * render content rather than carry a photo. */
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'tiff'] as const);
type StillFormat = 'jpeg' | 'png' | 'webp' | 'tiff';

/** What was changed to make the still an 8-bit sRGB photo, so the UI can say so. */
export type StillConversion = 'cmyk-to-srgb' | '16-bit-to-8-bit' | 'alpha-flattened-on-white' | 'grey-to-rgb';

export interface StillInfo {
  format: StillFormat;
  /** Size with the EXIF orientation applied: the frame every coordinate we exchange refers to. */
  width: number;
  height: number;
  orientationApplied: true;
  /** The EXIF orientation as stored (1 when absent), and the pixel grid before it is applied. */
  exifOrientation: number;
  storedWidth: number;
  storedHeight: number;
  hasAlpha: boolean;
  conversions: StillConversion[];
}

function conversionsFor(meta: Metadata): StillConversion[] {
  const out: StillConversion[] = [];
  if (meta.space === 'cmyk') out.push('cmyk-to-srgb');
  if (meta.depth === 'ushort' || meta.bitsPerSample === 16) out.push('16-bit-to-8-bit');
  if (meta.hasAlpha) out.push('alpha-flattened-on-white');
  if (meta.space === 'b-w' || meta.space === 'grey16' || (meta.channels ?? 3) <= 2) out.push('grey-to-rgb');
  return out;
}

/**
 * Validates and describes a still from its header alone (no pixels decoded, so it is cheap and its
 * memory is bounded whatever the file claims). Damage inside the pixel data surfaces when the still
 * is decoded by {@link openStill}, with the same kind of AppError.
 */
export async function readStill(bytes: Buffer): Promise<StillInfo> {
  if (bytes.length === 0) throw emptyFile();
  if (bytes.length > STILL_LIMITS.maxBytes) throw tooManyBytes(bytes.length, STILL_LIMITS.maxBytes);
  let meta: Metadata;
  try {
    // Header only: safe without a pixel limit, and it lets the message name the dimensions.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw classifySharpError(err, STILL_LIMITS.maxPixels);
  }
  if (meta.format === 'heif') throw unsupportedFormat(meta.compression === 'av1' ? 'avif' : 'heic');
  if (!ACCEPTED.has(meta.format as StillFormat)) throw notAnImage();
  const { width, height } = meta;
  if (!(width >= 1 && height >= 1)) throw notAnImage();
  if (width * height > STILL_LIMITS.maxPixels) throw tooManyPixels(width, height, STILL_LIMITS.maxPixels);
  return {
    format: meta.format as StillFormat,
    width: meta.autoOrient.width,
    height: meta.autoOrient.height,
    orientationApplied: true,
    exifOrientation: meta.orientation ?? 1,
    storedWidth: width,
    storedHeight: height,
    hasAlpha: meta.hasAlpha,
    conversions: conversionsFor(meta),
  };
}

/**
 * A sharp pipeline over a still that readStill accepted: pixel-limited (a second guard behind the
 * header check), failing on damaged data rather than returning grey blocks, and upright unless the
 * caller maps orientation itself (`orient: false`, pixels stay in the stored grid). Callers chain
 * their geometry and finish with {@link toSrgbRaw}.
 */
export function openStill(bytes: Buffer, info: StillInfo, { orient = true } = {}): Sharp {
  // libjpeg reports garbled entropy data only as a warning and then paints grey or smeared blocks:
  // for a JPEG a warning is a broken transfer. libpng warns about harmless things (a known-bad
  // sRGB iCCP chunk), so other formats fail on errors only.
  const failOn = info.format === 'jpeg' ? 'warning' : 'error';
  return sharp(bytes, { limitInputPixels: STILL_LIMITS.maxPixels, failOn, autoOrient: orient });
}

/** 8-bit sRGB RGB raw output, whatever the still was: CMYK, 16-bit, grey, with alpha (on white). */
export function toSrgbRaw(pipeline: Sharp, info: StillInfo): Sharp {
  const p = info.hasAlpha ? pipeline.flatten({ background: '#ffffff' }) : pipeline;
  return p.toColourspace('srgb').raw({ depth: 'uchar' });
}

/** Runs a decode, turning libvips failures into the same AppErrors readStill gives. */
export async function decodeRaw(pipeline: Sharp, channels: 3 | 4): Promise<{ data: Buffer; width: number; height: number }> {
  try {
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) throw new AppError('INTERNAL', { details: [`expected ${channels} channels, got ${info.channels}`] });
    return { data, width: info.width, height: info.height };
  } catch (err) {
    throw classifySharpError(err, STILL_LIMITS.maxPixels);
  }
}
