import { AppError } from '../../shared/errors.js';

/** The export was cancelled by the site manager (the AbortSignal's reason). */
export class ExportCancelled extends Error {
  constructor() {
    super('export cancelled');
    this.name = 'ExportCancelled';
  }
}

function sizeText(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1e3)} KB`;
}

export function notEnoughSpace(outDir: string, needed: number, free: number): AppError {
  return new AppError('DISK_FULL', {
    zh: `导出位置空间不足：需要约 ${sizeText(needed)}，${outDir} 只剩 ${sizeText(free)}。没有写入任何文件，采集站数据未改动；请换一个 U 盘或清理空间`,
    en: `Not enough space: the export needs about ${sizeText(needed)} and ${outDir} has ${sizeText(free)} free. Nothing was written and the station's data is unchanged; use another drive or free some space`,
  });
}

/**
 * What a failed write means to a site manager holding a USB drive. `cleaned` says whether the
 * partial output could be deleted (it cannot when the drive is gone).
 */
export function exportFailure(err: unknown, outDir: string, cleaned: boolean): AppError {
  const leftover = cleaned
    ? { zh: '未完成的导出文件已删除，采集站数据未改动。', en: 'The unfinished export was deleted; the station data is unchanged.' }
    : {
        zh: '未完成的导出文件无法删除（以 . 开头、以 .partial 结尾），请勿使用；采集站数据未改动。',
        en: 'The unfinished export could not be deleted (names starting with . and ending in .partial): do not use it; the station data is unchanged.',
      };
  if (err instanceof ExportCancelled) {
    return new AppError('CONFLICT', { zh: `导出已取消。${leftover.zh}`, en: `The export was cancelled. ${leftover.en}` });
  }
  if (err instanceof AppError) {
    return new AppError(err.code, { zh: `${err.zh}。${leftover.zh}`, en: `${err.en}. ${leftover.en}`, ...(err.details ? { details: err.details } : {}) });
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return new AppError('DISK_FULL', {
        zh: `导出位置已写满（${outDir}）。${leftover.zh}请换一个 U 盘或清理空间后重试`,
        en: `The export destination is full (${outDir}). ${leftover.en} Use another drive or free some space, then retry`,
      });
    case 'EIO':
    case 'ENODEV':
    case 'ENXIO':
    case 'ENOENT':
    case 'ESTALE':
    case 'ENOTCONN':
    case 'EBADF':
      // Whatever reached a pulled drive stays on it; the next export to it removes it.
      return new AppError('NOT_FOUND', {
        zh: `导出位置不可用了（${outDir}：U 盘被拔出或出错？）。已写入 U 盘的部分（以 . 开头、以 .partial 结尾）不完整，请勿使用，下次导出到该盘时会自动清除；采集站数据未改动。`,
        en: `The export destination went away (${outDir}: drive removed or failing?). Whatever reached the drive (names starting with . and ending in .partial) is incomplete: do not use it; the next export to that drive removes it. The station data is unchanged.`,
      });
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return new AppError('BAD_INPUT', {
        zh: `导出位置不可写（${outDir}：只读或无权限）。${leftover.zh}`,
        en: `The export destination cannot be written (${outDir}: read-only or no permission). ${leftover.en}`,
      });
    case 'ECHANGED':
    case 'EZIPFORMAT':
    case 'EVERIFY':
      return new AppError('INTERNAL', {
        zh: `写入后读回校验失败（${(err as Error).message}）：U 盘可能有问题。${leftover.zh}`,
        en: `Reading the export back did not match what was written (${(err as Error).message}): the drive may be faulty. ${leftover.en}`,
      });
    default:
      return new AppError('INTERNAL', { zh: `导出失败。${leftover.zh}`, en: `The export failed. ${leftover.en}`, details: [String((err as Error)?.message ?? err).slice(0, 300)] });
  }
}
