import { join } from 'node:path';
import { classifyCode, type CodeKind } from '../../shared/checkin/codeKind.js';
import type { ScanOutcome } from '../../shared/checkin/scanOutcome.js';
import { AppError } from '../../shared/errors.js';
import { fileError, readInputFile } from './fileError.js';
import { resolveScan } from '../checkin/resolveScan.js';
import { openDatabaseReadOnly, type Db } from '../db/openDatabase.js';
import { getTask } from '../db/queries/tasks.js';
import { decodeImageBytes } from '../qr/decodeImageFile.js';

/** One line of `decode --json`. Other tools read this shape: add fields, never rename or remove. */
export interface DecodeReport {
  file: string;
  found: boolean;
  text: string | null;
  kind: CodeKind | null;
  /** Only when --task was given and a code was found. */
  verification: ScanOutcome | null;
  error: { code: string; zh: string; en: string } | null;
}

/** A saved 采集码 PNG is kilobytes, a phone photo a few megabytes; larger files are refused by their
 * size before a byte is read. */
export const DECODE_MAX_BYTES = 25 * 1024 * 1024;

export interface DecodeOptions {
  files: string[];
  json: boolean;
  taskCode?: string;
  dataDir: string;
}

/** `campus-capture decode`: per image, was a code found, what it says, what kind it is, and (with
 * --task) what the station would do with it. A bad image is a line in the report, not a failure. */
export async function decodeCommand(opts: DecodeOptions): Promise<number> {
  let db: Db | undefined;
  if (opts.taskCode) {
    db = openDatabaseReadOnly(join(opts.dataDir, 'station.sqlite'));
    if (!getTask(db, opts.taskCode)) {
      db.close();
      throw new AppError('NOT_FOUND', { zh: `本站没有任务 ${opts.taskCode}`, en: `This station has no task ${opts.taskCode}` });
    }
  }
  try {
    const reports: DecodeReport[] = [];
    for (const file of opts.files) {
      const report = await decodeOne(file, db, opts.taskCode);
      reports.push(report);
      if (!opts.json) process.stdout.write(formatReport(report));
    }
    if (opts.json) process.stdout.write(JSON.stringify({ results: reports }, null, 2) + '\n');
    return 0;
  } finally {
    db?.close();
  }
}

async function decodeOne(file: string, db: Db | undefined, taskCode: string | undefined): Promise<DecodeReport> {
  const base: DecodeReport = { file, found: false, text: null, kind: null, verification: null, error: null };
  try {
    const decoded = await decodeImageBytes(await readInputFile(file, DECODE_MAX_BYTES), { maxBytes: DECODE_MAX_BYTES });
    if (!decoded.found) return base;
    const text = decoded.text.trim();
    return {
      ...base,
      found: true,
      text,
      kind: classifyCode(text),
      verification: db && taskCode ? resolveScan({ db, now: () => new Date() }, taskCode, text) : null,
    };
  } catch (err) {
    return { ...base, error: fileError(err) };
  }
}

const KIND_LABEL: Record<CodeKind, string> = { reservation: '预约码 / reservation', xuexin: '学信网采集码 / CHSI code', unknown: '未知 / unknown' };

function formatReport(r: DecodeReport): string {
  if (r.error) return `${r.file}: ${r.error.zh} / ${r.error.en}\n`;
  if (!r.found) return `${r.file}: 未找到二维码 / no QR code found\n`;
  const lines = [`${r.file}: ${KIND_LABEL[r.kind!]}`, `  ${r.text}`];
  const v = r.verification;
  if (v) {
    if (v.kind === 'student') lines.push(`  通过 / accepted: student ${v.studentId} (${v.via})`);
    else lines.push(`  ${v.zh}`, `  ${v.en}`);
  }
  return lines.join('\n') + '\n';
}
