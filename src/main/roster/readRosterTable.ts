import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { AppError } from '../../shared/errors.js';

export interface RosterTable {
  encoding: 'utf-8' | 'gbk' | 'xlsx';
  /** Rows as strings, with their 1-based row number in the file as a person sees it. */
  rows: { rowNumber: number; cells: string[]; lossyNumberCells?: Set<number> }[];
}

export const MAX_ROSTER_BYTES = 20 * 1024 * 1024;
const MAX_ROWS = 100_000;

/** Excel saves CSV as GBK on Chinese Windows; everything else sends UTF-8. A strict UTF-8 decode
 * that fails is the reliable tell. */
export function decodeText(buf: Buffer): { text: string; encoding: 'utf-8' | 'gbk' } {
  const body = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(body), encoding: 'gbk' };
  }
}

function isZip(buf: Buffer): boolean {
  return buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;
}

export async function readRosterTable(fileName: string, buf: Buffer): Promise<RosterTable> {
  if (buf.length > MAX_ROSTER_BYTES) throw new AppError('FILE_TOO_LARGE', { zh: '名单文件超过 20 MB', en: 'The roster file is over 20 MB' });
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.xls') && !isZip(buf)) {
    throw new AppError('ROSTER_UNREADABLE', { zh: '不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv', en: 'Legacy .xls is not supported; save as .xlsx or .csv in Excel' });
  }
  if (lower.endsWith('.xlsx') || isZip(buf)) return readXlsx(buf);
  return readCsv(buf);
}

function readCsv(buf: Buffer): RosterTable {
  if (buf.includes(0)) throw new AppError('ROSTER_UNREADABLE', { zh: '文件不是文本表格（CSV）', en: 'The file is not a text table (CSV)' });
  const { text, encoding } = decodeText(buf);
  const delimiter = sniffDelimiter(text);
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, trim: true, bom: true }) as string[][];
  } catch (err) {
    throw new AppError('ROSTER_UNREADABLE', { zh: `CSV 格式错误：${(err as Error).message}`, en: `Malformed CSV: ${(err as Error).message}` });
  }
  if (records.length > MAX_ROWS) throw new AppError('FILE_TOO_LARGE', { zh: '名单超过 10 万行', en: 'The roster has over 100,000 rows' });
  return { encoding, rows: records.map((cells, i) => ({ rowNumber: i + 1, cells })) };
}

function sniffDelimiter(text: string): string {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  const counts = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![0];
}

async function readXlsx(buf: Buffer): Promise<RosterTable> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (err) {
    throw new AppError('ROSTER_UNREADABLE', { zh: 'Excel 文件已损坏或不是 .xlsx', en: `The Excel file is damaged or not .xlsx (${(err as Error).message})` });
  }
  const sheet = wb.worksheets.find((ws) => ws.actualRowCount > 0);
  if (!sheet) return { encoding: 'xlsx', rows: [] };
  if (sheet.rowCount > MAX_ROWS) throw new AppError('FILE_TOO_LARGE', { zh: '名单超过 10 万行', en: 'The roster has over 100,000 rows' });
  const rows: RosterTable['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    const lossy = new Set<number>();
    for (let c = 1; c <= row.cellCount; c++) {
      const v = row.getCell(c).value;
      if (typeof v === 'number' && !Number.isSafeInteger(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER) lossy.add(c - 1);
      cells.push(cellText(v));
    }
    rows.push({ rowNumber, cells, ...(lossy.size ? { lossyNumberCells: lossy } : {}) });
  });
  return { encoding: 'xlsx', rows };
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') {
    // Beyond 2^53 Excel has already lost the last digits; the row is flagged (lossyNumberCells)
    // so the import can say why instead of guessing.
    return Number.isSafeInteger(v) ? String(v) : v.toPrecision(18).replace(/\.?0+$/, '');
  }
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if ('richText' in v) return v.richText.map((r) => r.text).join('').trim();
  if ('text' in v && typeof v.text === 'string') return v.text.trim();
  if ('result' in v) return cellText((v.result ?? null) as ExcelJS.CellValue);
  return '';
}
