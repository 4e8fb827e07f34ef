import { AppError } from '../../shared/errors.js';

/** Messages for a still that cannot become a photo, phrased so a photographer knows what to do. */

export function notAnImage(): AppError {
  return new AppError('BAD_INPUT', {
    zh: '无法识别的照片文件：请使用 JPEG、PNG、WebP 或 TIFF 图片',
    en: 'Unrecognised photo file: use a JPEG, PNG, WebP or TIFF picture',
  });
}

export function unsupportedFormat(format: string): AppError {
  return new AppError('BAD_INPUT', {
    zh: `不支持 ${format.toUpperCase()} 格式的照片，请在相机或手机上改用 JPEG 后重试`,
    en: `${format.toUpperCase()} photos are not supported; set the camera or phone to JPEG and retry`,
  });
}

export function emptyFile(): AppError {
  return new AppError('BAD_INPUT', { zh: '照片文件是空的', en: 'The photo file is empty' });
}

export function damaged(detail: string): AppError {
  return new AppError('BAD_INPUT', {
    zh: '照片文件已损坏或不完整（可能没有传输完），请重新拍摄或重新导入',
    en: 'The photo file is damaged or incomplete (perhaps not fully transferred); retake or re-import it',
    details: [detail],
  });
}

export function tooManyPixels(width: number, height: number, limit: number): AppError {
  const mp = (n: number) => Math.round(n / 1e6);
  return new AppError('FILE_TOO_LARGE', {
    zh: `照片尺寸过大（${width}×${height}，约 ${mp(width * height)} 百万像素），上限为 ${mp(limit)} 百万像素`,
    en: `The photo is too large (${width}×${height}, about ${mp(width * height)} megapixels); the limit is ${mp(limit)} megapixels`,
  });
}

export function tooManyBytes(size: number, limit: number): AppError {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  return new AppError('FILE_TOO_LARGE', {
    zh: `照片文件过大（${mb(size)} MB），上限为 ${mb(limit)} MB`,
    en: `The photo file is too large (${mb(size)} MB); the limit is ${mb(limit)} MB`,
  });
}

/** libvips' messages, sorted into what a photographer can act on; anything else is a damaged file. */
export function classifySharpError(err: unknown, pixelLimit: number): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/unsupported image format|bad seek|not a known file format/i.test(message)) return notAnImage();
  if (/pixel limit/i.test(message)) {
    return new AppError('FILE_TOO_LARGE', {
      zh: `照片尺寸过大，上限为 ${Math.round(pixelLimit / 1e6)} 百万像素`,
      en: `The photo is too large; the limit is ${Math.round(pixelLimit / 1e6)} megapixels`,
    });
  }
  return damaged(message.split('\n')[0]!.slice(0, 200));
}
