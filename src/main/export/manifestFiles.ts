import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import { MANIFEST_COLUMNS, manifestCsv, type ManifestRow } from '../../shared/export/manifestColumns.js';
import type { ExportRetakeRow } from '../db/queries/export.js';
import { localDateTime, type ExportPlan } from './exportPlan.js';
import { openPrivateFile } from '../security/privateFiles.js';
import type { Digest } from './fileDigest.js';

/** The notice every export carries: why ID numbers are in it, and what to do with them. */
export const ID_NUMBER_NOTICE = {
  zh: '本导出包含学生身份证号，仅因学校导入学信网图像所需。请仅交给学校指定的负责人，用后删除，勿转发或公开。',
  en: "This export contains students' ID numbers only because the school's import needs them. Hand it only to the person the school named, delete it after use, never forward or publish it.",
};

export function csvBytes(rows: readonly ManifestRow[]): Buffer {
  return Buffer.from(manifestCsv(rows), 'utf8');
}

/**
 * manifest.xlsx: 名单 (every student, as the CSV), 未到 (no-shows), 待重拍 (the task's pending
 * retakes, with the review's reason), 说明 (what this export is). Every cell is written as text,
 * so an 18-digit ID number or a 考生号 with a leading zero stays exact. Streamed row by row into a
 * new file (exceljs' streaming writer): a whole workbook in memory cost ~100 MB for 2,000 rows.
 */
export async function writeXlsx(plan: ExportPlan, rows: readonly ManifestRow[], stationName: string, path: string): Promise<Digest> {
  const out = (await openPrivateFile(path)).createWriteStream();
  // The bytes are digested on their way to the file, so reading back later is a real comparison.
  const hash = createHash('sha256');
  let crc = 0;
  let bytes = 0;
  const digesting = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      crc = crc32(chunk, crc);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  const done = new Promise<void>((resolve, reject) => {
    out.once('close', resolve);
    out.once('error', reject);
    digesting.once('error', reject);
  });
  digesting.pipe(out);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: digesting, useStyles: true, useSharedStrings: false });
  wb.creator = 'Campus Capture';
  wb.created = plan.startedAt;
  const textColumns = (cols: { header: string; key: string; width: number; text?: boolean }[]) =>
    cols.map((c) => ({ header: c.header, key: c.key, width: c.width, ...(c.text ? { style: { numFmt: '@' } } : {}) }));
  const sheetOf = (name: string, cols: { header: string; key: string; width: number; text?: boolean }[]) => {
    const sheet = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = textColumns(cols);
    sheet.getRow(1).font = { bold: true };
    return sheet;
  };
  const manifestCols = MANIFEST_COLUMNS.map((c) => ({ header: c.zh, key: c.key, width: c.width, text: 'text' in c && c.text }));
  for (const [name, subset] of [
    ['名单', rows],
    ['未到', rows.filter((r) => r.category === '未到')],
  ] as const) {
    const sheet = sheetOf(name, manifestCols);
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: MANIFEST_COLUMNS.length } };
    for (const r of subset) sheet.addRow(r).commit();
    sheet.commit();
  }

  const retakes = sheetOf('待重拍', [
    { header: '姓名', key: 'name', width: 10 },
    { header: '学号', key: 'studentNo', width: 14, text: true },
    { header: '院系', key: 'department', width: 16 },
    { header: '班级', key: 'className', width: 12 },
    { header: '驳回原因', key: 'reason', width: 40 },
    { header: '驳回时间', key: 'decidedAt', width: 20 },
    { header: '订单号', key: 'orderId', width: 38, text: true },
  ]);
  for (const r of plan.retakes) retakes.addRow(retakeCells(r)).commit();
  retakes.commit();

  const about = sheetOf('说明', [
    { header: '项目', key: 'k', width: 18 },
    { header: '内容', key: 'v', width: 90 },
  ]);
  const req = plan.request;
  const lines: [string, string][] = [
    ['任务代码', req.taskCode],
    ['任务名称', plan.task.name],
    ['学校', `${plan.task.school_name}（${plan.task.school_code}）`],
    ['采集地点', plan.task.site],
    ['采集站', stationName],
    ['日期', req.from === req.to ? req.from : `${req.from} 至 ${req.to}`],
    ['导出时间', localDateTime(plan.startedAt.toISOString())],
    ['照片命名模板', `${plan.template.source}.jpg`],
    ['分文件夹', { none: '不分', department: '按院系', major: '按专业', class: '按班级' }[req.folders]],
    ['学生人数', String(plan.counts.students)],
    ['导出照片', String(plan.counts.photos)],
    ['原片', req.originals ? String(plan.counts.originals) : '未导出'],
    ['未到', String(plan.counts.noShows)],
    ['已签到未采集', String(plan.counts.notCaptured)],
    ['待重拍（本任务）', String(plan.counts.retakesPending)],
    ['校验', 'SHA256SUMS 列出每个文件的 SHA-256（sha256sum -c SHA256SUMS）'],
    ['身份证号', ID_NUMBER_NOTICE.zh],
  ];
  for (const [k, v] of lines) about.addRow({ k, v }).commit();
  about.commit();
  // A full or vanished drive fails the file stream; exceljs would wait on it forever.
  const committing = wb.commit();
  committing.catch(() => undefined); // its failure is the stream's, reported through `done`
  await Promise.all([committing, done]);
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { bytes, sha256: hash.digest('hex'), crc32: crc };
}

function retakeCells(r: ExportRetakeRow): Record<string, string> {
  return {
    name: r.name,
    studentNo: r.student_no ?? '',
    department: r.department ?? '',
    className: r.class_name ?? '',
    reason: r.reason ?? '',
    decidedAt: localDateTime(r.decided_at),
    orderId: r.order_id,
  };
}

/** GNU coreutils format (`sha256sum -c SHA256SUMS` checks the folder), sorted by path. */
export function sha256sums(files: ReadonlyMap<string, string>): Buffer {
  const lines = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([rel, sha]) => `${sha}  ${rel}\n`);
  return Buffer.from(lines.join(''), 'utf8');
}

/** A short text beside the manifests, readable without Excel. */
export function readmeText(plan: ExportPlan, stationName: string): Buffer {
  const req = plan.request;
  const text = [
    `采集站导出 / Campus Capture export`,
    `任务 Task: ${req.taskCode} ${plan.task.name}`,
    `学校 School: ${plan.task.school_name} (${plan.task.school_code})`,
    `采集站 Station: ${stationName}`,
    `日期 Dates: ${req.from}${req.to !== req.from ? ` ~ ${req.to}` : ''}`,
    `导出时间 Made: ${localDateTime(plan.startedAt.toISOString())}`,
    '',
    'photos/        成品照片 finished photos (480×640, 学信网规格)',
    ...(req.originals ? ['originals/     原片 untouched originals'] : []),
    'manifest.xlsx  名单（每名学生一行）/ one row per student',
    'manifest.csv   同上，UTF-8 / the same as CSV',
    'SHA256SUMS     校验 / checksums: sha256sum -c SHA256SUMS',
    '',
    ID_NUMBER_NOTICE.zh,
    ID_NUMBER_NOTICE.en,
    '',
  ].join('\r\n');
  return Buffer.from(`\uFEFF${text}`, 'utf8');
}
