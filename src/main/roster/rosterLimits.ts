import { AppError } from '../../shared/errors.js';

/**
 * What a roster file may hold. A real one is a few hundred to a few tens of thousands of rows of
 * short cells; a hostile one (3,000,000 rows in a 14.7 MB workbook, one 400 MB cell in 414 KB) is
 * stopped at the first limit it crosses, while it is read, in a worker the kiosk can kill.
 */
export interface RosterLimits {
  /** The file as received (the RPC carries at most ~20 MB of base64 anyway). */
  maxFileBytes: number;
  /** Rows of the sheet (the highest row number holding a value, and row elements read). */
  maxRows: number;
  /** The rightmost column holding a value. */
  maxColumns: number;
  /** Characters in one cell; Excel's own maximum is 32,767, a roster needs far fewer. */
  maxCellChars: number;
  /** Bytes inflated out of the workbook's zip, counted as they come, not as the directory claims. */
  maxInflatedBytes: number;
  /** Wall-clock for the whole read, the worker's start included. */
  timeoutMs: number;
  /** The worker's V8 heap (old generation); RSS stays near it whatever the file. */
  maxHeapMb: number;
}

export const ROSTER_LIMITS: RosterLimits = {
  maxFileBytes: 20 * 1024 * 1024,
  maxRows: 100_000,
  maxColumns: 200,
  maxCellChars: 4_000,
  maxInflatedBytes: 200 * 1024 * 1024,
  timeoutMs: 60_000,
  maxHeapMb: 160,
};

/**
 * Markup never runs this long without a '<' in a roster: a cell of maxCellChars characters is at
 * most 6 bytes each in Excel's XML (&quot;). A longer run is a cell (or attribute) over the limit,
 * refused before the XML parser has gathered it into one string.
 */
export function maxMarkupRun(limits: RosterLimits): number {
  return limits.maxCellChars * 6 + 1024;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export const refuse = {
  fileBytes: (l: RosterLimits) =>
    new AppError('FILE_TOO_LARGE', { zh: `名单文件超过 ${Math.round(l.maxFileBytes / 1024 / 1024)} MB`, en: `The roster file is over ${Math.round(l.maxFileBytes / 1024 / 1024)} MB` }),
  rows: (l: RosterLimits) =>
    new AppError('FILE_TOO_LARGE', { zh: `名单超过 ${l.maxRows / 10_000} 万行，已停止读取`, en: `The roster has over ${fmt(l.maxRows)} rows; reading stopped` }),
  columns: (l: RosterLimits, row: number) =>
    new AppError('FILE_TOO_LARGE', { zh: `名单第 ${row} 行超过 ${l.maxColumns} 列，已停止读取`, en: `Row ${row} of the roster has more than ${l.maxColumns} columns; reading stopped` }),
  cell: (l: RosterLimits, row: number | null) =>
    new AppError('FILE_TOO_LARGE', {
      zh: `名单${row === null ? '中' : `第 ${row} 行`}有单元格超过 ${fmt(l.maxCellChars)} 个字符，已停止读取`,
      en: `A cell${row === null ? '' : ` in row ${row}`} of the roster holds more than ${fmt(l.maxCellChars)} characters; reading stopped`,
    }),
  inflated: (l: RosterLimits) =>
    new AppError('FILE_TOO_LARGE', {
      zh: `Excel 文件解压后超过 ${Math.round(l.maxInflatedBytes / 1024 / 1024)} MB（疑似压缩炸弹），已停止读取`,
      en: `The Excel file inflates to more than ${Math.round(l.maxInflatedBytes / 1024 / 1024)} MB (a zip bomb?); reading stopped`,
    }),
  memory: (l: RosterLimits) =>
    new AppError('FILE_TOO_LARGE', { zh: `读取名单需要超过 ${l.maxHeapMb} MB 内存，已停止`, en: `Reading the roster needs more than ${l.maxHeapMb} MB of memory; stopped` }),
  time: (l: RosterLimits) =>
    new AppError('FILE_TOO_LARGE', { zh: `读取名单超过 ${l.timeoutMs / 1000} 秒，已停止`, en: `Reading the roster took more than ${l.timeoutMs / 1000} s; stopped` }),
};
