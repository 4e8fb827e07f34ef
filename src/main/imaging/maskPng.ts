import sharp from 'sharp';
import { AppError } from '../../shared/errors.js';
import type { PersonMask } from './maskToAlpha.js';

/** The renderer's person mask arrives as a greyscale PNG (0–255 probability); bounded in size. */
export async function decodeMaskPng(png: Buffer): Promise<PersonMask> {
  try {
    const { data, info } = await sharp(png, { limitInputPixels: 4096 * 4096 }).greyscale().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height) };
  } catch {
    throw new AppError('BAD_INPUT', { zh: '人像分割数据无效', en: 'The person segmentation mask is invalid' });
  }
}
