import { open } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../../shared/errors.js';
import { decodeQr } from '../../shared/qr/decodeStrategy.js';
import type { RgbaImage } from '../../shared/qr/qrTypes.js';
import { readQrNode } from './zxingNode.js';

export interface DecodeImageOptions {
  /** Larger files are refused before any decoding. */
  maxBytes?: number;
  /** Pixels the header may declare; libvips refuses more before allocating anything. */
  maxInputPixels?: number;
  /** Longest side handed to the decoder; larger images are scaled down while decoding. */
  maxDecodeSide?: number;
}

export type DecodeImageResult = { found: true; text: string; pass: string } | { found: false; reason: 'no_code' };

const DEFAULTS = {
  maxBytes: 25 * 1024 * 1024,
  maxInputPixels: 50_000_000,
  // 3000 px keeps a 12 MP phone photo's modules nearly full size and the RGBA under 36 MB.
  maxDecodeSide: 3000,
} satisfies Required<DecodeImageOptions>;

/** Photos, screenshots and saved codes. SVG is left out: librsvg would render text we never asked for
 * and can reference other files. */
const ACCEPTED_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'heif']);

function notAnImage(): AppError {
  return new AppError('BAD_INPUT', {
    zh: '无法识别的图片：文件不是 PNG、JPEG、WebP、GIF 或 TIFF 图片',
    en: 'Unrecognised image: the file is not a PNG, JPEG, WebP, GIF or TIFF picture',
  });
}

function damaged(detail: string): AppError {
  return new AppError('BAD_INPUT', {
    zh: '图片文件已损坏或不完整（可能没有保存或传输完），请重新保存后再试',
    en: 'The image file is damaged or incomplete (perhaps not fully saved or copied); save it again and retry',
    details: [detail],
  });
}

function tooManyPixels(width: number, height: number, limit: number): AppError {
  const mp = (n: number) => Math.round(n / 1e6);
  return new AppError('FILE_TOO_LARGE', {
    zh: `图片尺寸过大（${width}×${height}，约 ${mp(width * height)} 百万像素），上限为 ${mp(limit)} 百万像素`,
    en: `The image is too large (${width}×${height}, about ${mp(width * height)} megapixels); the limit is ${mp(limit)} megapixels`,
  });
}

function tooManyBytes(size: number, limit: number): AppError {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  return new AppError('FILE_TOO_LARGE', {
    zh: `图片文件过大（${mb(size)} MB），上限为 ${mb(limit)} MB`,
    en: `The image file is too large (${mb(size)} MB); the limit is ${mb(limit)} MB`,
  });
}

/** libvips' messages, sorted into the two things a photographer can act on. */
function classifySharpError(err: unknown, limit: number): AppError {
  const message = err instanceof Error ? err.message : String(err);
  if (/unsupported image format|bad seek|not a known file format/i.test(message)) return notAnImage();
  if (/pixel limit/i.test(message)) {
    return new AppError('FILE_TOO_LARGE', {
      zh: `图片尺寸过大，上限为 ${Math.round(limit / 1e6)} 百万像素`,
      en: `The image is too large; the limit is ${Math.round(limit / 1e6)} megapixels`,
    });
  }
  return damaged(message.split('\n')[0]!.slice(0, 200));
}

/** Decodes, orients (EXIF), flattens transparency onto white (a saved code with a transparent
 * background is black-on-black otherwise) and scales into the decode budget. */
async function toRgba(bytes: Buffer, o: Required<DecodeImageOptions>): Promise<RgbaImage> {
  const input = { limitInputPixels: o.maxInputPixels, failOn: 'truncated' as const };
  let meta: Metadata;
  try {
    // Header only, no pixels: safe without a limit, and it lets the message name the dimensions.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw classifySharpError(err, o.maxInputPixels);
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) throw notAnImage();
  const { width = 0, height = 0 } = meta;
  if (width < 1 || height < 1) throw notAnImage();
  if (width * height > o.maxInputPixels) throw tooManyPixels(width, height, o.maxInputPixels);
  try {
    const { data, info } = await sharp(bytes, { ...input, sequentialRead: true })
      .rotate()
      .resize({ width: o.maxDecodeSide, height: o.maxDecodeSide, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`expected RGBA, got ${info.channels} channels`);
    return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (err) {
    throw classifySharpError(err, o.maxInputPixels);
  }
}

/** A student's saved 采集码 PNG, a screenshot or a photo of a phone: the thorough decode path.
 * Throws AppError BAD_INPUT (not an image, damaged) or FILE_TOO_LARGE (bytes or pixels). */
export async function decodeImageBytes(bytes: Buffer, opts: DecodeImageOptions = {}): Promise<DecodeImageResult> {
  const o = { ...DEFAULTS, ...opts };
  if (bytes.length > o.maxBytes) throw tooManyBytes(bytes.length, o.maxBytes);
  if (bytes.length === 0) throw new AppError('BAD_INPUT', { zh: '图片文件是空的', en: 'The image file is empty' });
  const image = await toRgba(bytes, o);
  const found = await decodeQr(image, readQrNode, { kind: 'thorough' });
  return found ? { found: true, text: found.text, pass: found.pass } : { found: false, reason: 'no_code' };
}

/** Reads at most maxBytes + 1 so a huge file is refused without loading it whole. */
export async function decodeImageFile(path: string, opts: DecodeImageOptions = {}): Promise<DecodeImageResult> {
  const maxBytes = opts.maxBytes ?? DEFAULTS.maxBytes;
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size > maxBytes) throw tooManyBytes(size, maxBytes);
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await file.read(buffer, 0, size, 0);
    return await decodeImageBytes(buffer.subarray(0, bytesRead), opts);
  } finally {
    await file.close();
  }
}
