import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { AppError } from '../../shared/errors.js';
import { bufferReader, parseCentralDirectory, type ZipEntryInfo } from '../export/zipReader.js';
import { maxMarkupRun, refuse, ROSTER_LIMITS, type RosterLimits } from './rosterLimits.js';

export interface RosterTable {
  encoding: 'utf-8' | 'gbk' | 'xlsx';
  /** Rows as strings, with their 1-based row number in the file as a person sees it. */
  rows: { rowNumber: number; cells: string[]; lossyNumberCells?: Set<number> }[];
}

export const MAX_ROSTER_BYTES = ROSTER_LIMITS.maxFileBytes;

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

/**
 * Reads a roster file, stopping at the first limit it crosses (rows, columns, cell length, bytes
 * inflated). Streams both formats; the kiosk runs this in a worker (readRosterInWorker.ts), which
 * adds the time and memory bounds a parser cannot enforce on itself.
 */
export async function readRosterTable(fileName: string, buf: Buffer, limits: RosterLimits = ROSTER_LIMITS): Promise<RosterTable> {
  if (buf.length > limits.maxFileBytes) throw refuse.fileBytes(limits);
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.xls') && !isZip(buf)) {
    throw new AppError('ROSTER_UNREADABLE', { zh: '不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv', en: 'Legacy .xls is not supported; save as .xlsx or .csv in Excel' });
  }
  if (lower.endsWith('.xlsx') || isZip(buf)) return readXlsx(buf, limits);
  return readCsv(buf, limits);
}

/** Cells with trailing empties dropped; the limits checked on what is left. */
function checkedRow(cells: string[], rowNumber: number, limits: RosterLimits): string[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === '') end--;
  if (end > limits.maxColumns) throw refuse.columns(limits, rowNumber);
  const kept = end === cells.length ? cells : cells.slice(0, end);
  for (const c of kept) if (c.length > limits.maxCellChars) throw refuse.cell(limits, rowNumber);
  return kept;
}

async function readCsv(buf: Buffer, limits: RosterLimits): Promise<RosterTable> {
  if (buf.includes(0)) throw new AppError('ROSTER_UNREADABLE', { zh: '文件不是文本表格（CSV）', en: 'The file is not a text table (CSV)' });
  const { text, encoding } = decodeText(buf);
  const parser = parse({
    delimiter: sniffDelimiter(text),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    trim: true,
    bom: true,
    // An unclosed quote would otherwise swallow the rest of the file into one field.
    max_record_size: limits.maxColumns * (limits.maxCellChars + 1),
  });
  const CHUNK = 64 * 1024;
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < text.length; i += CHUNK) yield text.slice(i, i + CHUNK);
    })(),
  );
  source.pipe(parser);
  const rows: RosterTable['rows'] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const rowNumber = rows.length + 1;
      if (rowNumber > limits.maxRows) throw refuse.rows(limits);
      rows.push({ rowNumber, cells: checkedRow(record, rowNumber, limits) });
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    // The parser reads ahead of this loop: the record it was on is its own count, not ours.
    const e = err as { code?: string; records?: number };
    if (e.code === 'CSV_MAX_RECORD_SIZE') throw refuse.cell(limits, (typeof e.records === 'number' ? e.records : rows.length) + 1);
    throw new AppError('ROSTER_UNREADABLE', { zh: `CSV 格式错误：${(err as Error).message}`, en: `Malformed CSV: ${(err as Error).message}` });
  } finally {
    source.destroy();
    parser.destroy();
  }
  return { encoding, rows };
}

function sniffDelimiter(text: string): string {
  const firstLine = text.slice(0, Math.min(text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'), 64 * 1024));
  const counts = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![0];
}

// ---- .xlsx ----

function damaged(detail: string): AppError {
  return new AppError('ROSTER_UNREADABLE', { zh: 'Excel 文件已损坏或不是 .xlsx', en: `The Excel file is damaged or not .xlsx (${detail})` });
}

/** The parts of exceljs' streaming reader (4.4) that parse one part of the package each. Its public
 * read() unzips with its own streaming unzip, which cannot count what it inflates and spools
 * worksheets met before the shared strings into temporary files (a roster's ID numbers, on disk).
 * Here the parts are handed over in the order they are needed, each through the limits. */
interface ExcelStreamParts {
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseWorksheet(iterator: AsyncIterable<string>, sheetNo: string): Generator<{ eventType: string; value: AsyncIterable<ExcelJS.Row> }>;
  workbookRels?: { Id: string; Target: string }[];
  model?: { sheets?: { rId: string }[] };
}

function excelParts(): ExcelStreamParts {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Styles tell a date cell from a number.
    styles: 'cache',
    entries: 'ignore',
  }) as unknown as ExcelStreamParts;
  for (const m of ['_parseRels', '_parseWorkbook', '_parseStyles', '_parseSharedStrings', '_parseWorksheet'] as const) {
    if (typeof reader[m] !== 'function') throw new Error(`exceljs' streaming reader has no ${m}: check the exceljs version`);
  }
  return reader;
}

/** Bytes inflated so far across every part, against the limit. */
class InflateBudget {
  used = 0;
  constructor(readonly limits: RosterLimits) {}
}

/** One part of the package, inflated piece by piece and decoded as UTF-8 across piece boundaries;
 * the limits are checked on the bytes before the XML parser sees them. */
async function* partText(buf: Buffer, entry: ZipEntryInfo, budget: InflateBudget): AsyncGenerator<string> {
  const head = await bufferReader(buf)(entry.offset, 30).catch(() => {
    throw damaged(`${entry.name}: outside the file`);
  });
  if (head.readUInt32LE(0) !== 0x04034b50) throw damaged(`${entry.name}: bad local header`);
  const start = entry.offset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  if (start + entry.compressedSize > buf.length) throw damaged(`${entry.name}: outside the file`);
  const data = buf.subarray(start, start + entry.compressedSize);
  let pieces: AsyncIterable<Buffer>;
  if (entry.method === 0) {
    pieces = (async function* () {
      for (let i = 0; i < data.length; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
    })();
  } else if (entry.method === 8) {
    // Output is made as it is read: a zip bomb never inflates further than the limit.
    const inflater = createInflateRaw({ chunkSize: 64 * 1024 });
    inflater.end(data);
    pieces = inflater;
  } else {
    throw damaged(`${entry.name}: compression method ${entry.method}`);
  }
  const limits = budget.limits;
  const maxRun = maxMarkupRun(limits);
  const decoder = new TextDecoder('utf-8');
  let run = 0;
  try {
    for await (const piece of pieces) {
      budget.used += piece.length;
      if (budget.used > limits.maxInflatedBytes) throw refuse.inflated(limits);
      let pos = 0;
      for (let lt = piece.indexOf(0x3c, pos); lt !== -1; lt = piece.indexOf(0x3c, pos)) {
        if (run + lt - pos > maxRun) throw refuse.cell(limits, null);
        run = 0;
        pos = lt + 1;
      }
      run += piece.length - pos;
      if (run > maxRun) throw refuse.cell(limits, null);
      yield decoder.decode(piece, { stream: true });
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw damaged(`${entry.name}: ${(err as Error).message}`);
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** Where the workbook's relationship target points inside the package. */
function partPath(target: string): string {
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

async function readXlsx(buf: Buffer, limits: RosterLimits): Promise<RosterTable> {
  let entries: Map<string, ZipEntryInfo>;
  try {
    entries = new Map((await parseCentralDirectory(bufferReader(buf), buf.length)).entries.map((e) => [e.name, e]));
  } catch (err) {
    throw damaged((err as Error).message);
  }
  if (!entries.has('xl/workbook.xml')) throw damaged('no xl/workbook.xml');
  const budget = new InflateBudget(limits);
  const excel = excelParts();
  const stream = (name: string) => Readable.from(partText(buf, entries.get(name)!, budget));
  const run = async <T>(what: () => Promise<T>): Promise<T> => {
    try {
      return await what();
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw damaged((err as Error).message);
    }
  };
  await run(async () => {
    if (entries.has('xl/_rels/workbook.xml.rels')) await excel._parseRels(stream('xl/_rels/workbook.xml.rels'));
    await excel._parseWorkbook(stream('xl/workbook.xml'));
    if (entries.has('xl/styles.xml')) await excel._parseStyles(stream('xl/styles.xml'));
    if (entries.has('xl/sharedStrings.xml')) for await (const _ of excel._parseSharedStrings(stream('xl/sharedStrings.xml'))) void _;
  });

  // The sheets in the workbook's order; a package without relationships, by their file numbers.
  const rels = new Map((excel.workbookRels ?? []).map((r) => [r.Id, partPath(r.Target)]));
  let sheets = (excel.model?.sheets ?? []).map((s) => rels.get(s.rId)).filter((p): p is string => p !== undefined && entries.has(p));
  if (sheets.length === 0) {
    sheets = [...entries.keys()].filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).sort((a, b) => Number(/\d+/.exec(a.slice(14))) - Number(/\d+/.exec(b.slice(14))));
  }
  for (const [i, path] of sheets.entries()) {
    const rows = await run(() => readSheet(excel, partText(buf, entries.get(path)!, budget), String(i + 1), limits));
    // The roster is the first sheet holding anything (a cover sheet may be empty).
    if (rows.length > 0) return { encoding: 'xlsx', rows };
  }
  return { encoding: 'xlsx', rows: [] };
}

async function readSheet(excel: ExcelStreamParts, text: AsyncIterable<string>, sheetNo: string, limits: RosterLimits): Promise<RosterTable['rows']> {
  let reader: AsyncIterable<ExcelJS.Row> | undefined;
  for (const ev of excel._parseWorksheet(text, sheetNo)) if (ev.eventType === 'worksheet') reader = ev.value;
  if (!reader) return [];
  const rows: RosterTable['rows'] = [];
  let elements = 0;
  let lastNumber = 0;
  for await (const row of reader) {
    if (++elements > limits.maxRows) throw refuse.rows(limits);
    // A row without its r attribute follows the one before (as Excel reads it).
    const rowNumber = Number.isSafeInteger(row.number) && row.number > 0 ? row.number : lastNumber + 1;
    lastNumber = rowNumber;
    if (!row.hasValues) continue;
    if (rowNumber > limits.maxRows) throw refuse.rows(limits);
    const cells: string[] = [];
    const lossy = new Set<number>();
    let last = 0;
    row.eachCell({ includeEmpty: false }, (_cell, c) => {
      if (c > last) last = c;
    });
    if (last > limits.maxColumns) throw refuse.columns(limits, rowNumber);
    for (let c = 1; c <= last; c++) {
      const v = row.getCell(c).value;
      if (typeof v === 'number' && !Number.isSafeInteger(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER) lossy.add(c - 1);
      const s = cellText(v);
      if (s.length > limits.maxCellChars) throw refuse.cell(limits, rowNumber);
      cells.push(s);
    }
    rows.push({ rowNumber, cells, ...(lossy.size ? { lossyNumberCells: lossy } : {}) });
  }
  return rows;
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
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if ('richText' in v) return (v.richText ?? []).map((r) => r.text ?? '').join('').trim();
  if ('text' in v && typeof v.text === 'string') return v.text.trim();
  if ('result' in v) return cellText((v.result ?? null) as ExcelJS.CellValue);
  return '';
}
