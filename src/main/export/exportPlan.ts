import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { isCaptured } from '../../shared/domain/status.js';
import { AppError } from '../../shared/errors.js';
import type { ExportProblem, ExportRequest } from '../../shared/export/exportTypes.js';
import { assignNames, exportFolderName, FIELD_LABELS, parseTemplate, TemplateError, type NameRequest, type ParsedTemplate, type TemplateValues } from '../../shared/export/fileNames.js';
import { MANIFEST_CATEGORIES, type ManifestCategory, type ManifestRow } from '../../shared/export/manifestColumns.js';
import { checkLabel, SYNC_STATE_LABELS, VERDICT_LABELS } from '../../shared/report/reportLabels.js';
import { localDayBounds } from '../../shared/localDate.js';
import type { Verdict } from '../../shared/vision/verdict.js';
import { listAcceptedCheckOverrides, listExportStudents, listPendingRetakes, type ExportRetakeRow, type ExportStudentRow } from '../db/queries/export.js';
import { getTask, type TaskRow } from '../db/queries/tasks.js';
import type { AppContext } from '../services/AppContext.js';

/** What an export needs of the station: the CLI builds this without the rest of the kiosk. */
export type ExportContext = Pick<AppContext, 'db' | 'pii' | 'dataDir' | 'stationId' | 'stationName' | 'now'>;

export interface PlannedFile {
  /** Relative to the export folder, with / separators. */
  rel: string;
  source: string;
  size: number;
  /** What the store says the file's SHA-256 is (the copy is checked against it). */
  expectedSha256: string | null;
  kind: 'photo' | 'original';
  /** Index into rows, to fill in the manifest's file and sha256 columns. */
  row: number;
}

export interface PlannedRow {
  category: ManifestCategory;
  /** The manifest row without the file columns (filled after copying). */
  cells: ManifestRow;
  label: string;
}

export interface ExportPlan {
  request: ExportRequest;
  template: ParsedTemplate;
  task: TaskRow;
  folderName: string;
  rows: PlannedRow[];
  files: PlannedFile[];
  retakes: ExportRetakeRow[];
  problems: ExportProblem[];
  counts: { students: number; photos: number; originals: number; noShows: number; notCaptured: number; retakesPending: number; otherStation: number };
  startedAt: Date;
}

const CATEGORY_ORDER: ManifestCategory[] = ['captured', 'retake', 'notCaptured', 'noShow', 'otherStation', 'void'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Stored instants are UTC; the school reads the station's local clock. */
export function localDateTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function categoryOf(ctx: ExportContext, r: ExportStudentRow): ManifestCategory {
  if (!r.order_id || !r.status) return 'noShow';
  if (r.status === '已作废') return 'void';
  if (r.station_id !== ctx.stationId) return 'otherStation';
  if (r.status === '被驳回') return 'retake';
  if (isCaptured(r.status)) return 'captured';
  return 'notCaptured';
}

function studentLabel(r: { name: string; student_no: string | null }): string {
  return r.student_no ? `${r.name}（${r.student_no}）` : r.name;
}

/**
 * Reads the day from the store in one read transaction and decides every name, before anything is
 * written. ID numbers are decrypted here and only here, because the school's import needs them.
 */
export function planExport(ctx: ExportContext, request: ExportRequest): ExportPlan {
  let template: ParsedTemplate;
  try {
    template = parseTemplate(request.template);
  } catch (err) {
    if (err instanceof TemplateError) throw new AppError('BAD_INPUT', { zh: err.zh, en: err.en });
    throw err;
  }
  const task = getTask(ctx.db, request.taskCode);
  if (!task) throw new AppError('NOT_FOUND', { zh: `本站没有任务 ${request.taskCode}`, en: `This station has no task ${request.taskCode}` });
  const startedAt = ctx.now();
  const dayStart = localDayBounds(request.from, startedAt).start;
  const dayEnd = localDayBounds(request.to, startedAt).end;
  const range = { task: request.taskCode, fromDate: request.from, toDate: request.to, dayStart, dayEnd };

  const { students, overrides, retakes } = ctx.db.transaction(() => ({
    students: listExportStudents(ctx.db, range),
    overrides: listAcceptedCheckOverrides(ctx.db, request.taskCode),
    retakes: listPendingRetakes(ctx.db, request.taskCode),
  }))();
  const overridesByOrder = new Map<string, string[]>();
  for (const o of overrides) {
    const list = overridesByOrder.get(o.order_id) ?? [];
    list.push(`${checkLabel(o.check_id, 'zh')}：${o.reason}`);
    overridesByOrder.set(o.order_id, list);
  }

  const problems: ExportProblem[] = [];
  const sorted = students
    .map((r) => ({ r, category: categoryOf(ctx, r) }))
    .sort((a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category));

  const rows: PlannedRow[] = [];
  const photoRows: { row: number; r: ExportStudentRow; values: TemplateValues; idNumber: string | null }[] = [];
  for (const { r, category } of sorted) {
    const idNumber = r.id_enc ? ctx.pii.decrypt(r.id_enc) : null;
    const verdict = r.checks ? (JSON.parse(r.checks) as Verdict) : null;
    let note = '';
    const inRange = r.captured_at !== null && r.captured_at >= dayStart && r.captured_at < dayEnd;
    if (category === 'retake') note = `被驳回：${r.rejection_reason ?? '（无原因）'}`;
    else if (category === 'noShow') note = '预约未到';
    else if (category === 'notCaptured') note = r.status === '采集中' ? '已拍摄未采用' : '已签到未拍摄';
    else if (category === 'otherStation') note = `在其他采集站${r.status ? `（${r.status}）` : ''}`;
    else if (category === 'captured' && !inRange) note = `采集于 ${localDateTime(r.captured_at).slice(0, 10)}，不在本次导出日期内，照片未导出`;
    const cells: ManifestRow = {
      seq: String(rows.length + 1),
      category: MANIFEST_CATEGORIES[category].zh,
      name: r.name,
      gender: r.gender ?? '',
      idNumber: idNumber ?? '',
      studentNo: r.student_no ?? '',
      examNo: r.exam_no ?? '',
      schoolName: r.school_name,
      schoolCode: r.school_code ?? task.school_code,
      department: r.department ?? '',
      major: r.major ?? '',
      className: r.class_name ?? '',
      eduLevel: r.edu_level ?? '',
      reservation: r.slot ?? '',
      orderId: r.order_id ?? '',
      orderStatus: r.status ?? '',
      syncState: r.sync_state ? SYNC_STATE_LABELS[r.sync_state].zh : '',
      verdict: verdict ? VERDICT_LABELS[verdict.status].zh : '',
      failedChecks: verdict ? verdict.checks.filter((c) => c.status === 'fail').map((c) => checkLabel(c.id, 'zh')).join('；') : '',
      checkOverrides: r.order_id ? (overridesByOrder.get(r.order_id) ?? []).join('；') : '',
      faceMatch: r.face_match_decision ?? (category === 'captured' ? '未比对' : ''),
      faceMatchScore: r.face_match_score === null ? '' : r.face_match_score.toFixed(2),
      faceMatchOverride: r.face_match_override_reason ?? '',
      station: r.station_id ? (r.station_id === ctx.stationId ? ctx.stationName : `其他采集站 ${r.station_id.slice(0, 8)}`) : '',
      operator: r.operator_name ?? '',
      checkedInAt: localDateTime(r.checked_in_at),
      capturedAt: localDateTime(r.captured_at),
      file: '',
      sha256: '',
      originalFile: '',
      originalSha256: '',
      note,
    };
    const index = rows.length;
    rows.push({ category, cells, label: studentLabel(r) });
    if (category === 'captured' && inRange) {
      if (!r.finished_path || !fileSize(r.finished_path)) {
        cells.note = '照片文件缺失';
        problems.push({ kind: 'photo_missing', student: studentLabel(r), file: null, zh: `${studentLabel(r)} 的成品照片文件不在本机`, en: `The finished photo of ${studentLabel(r)} is missing on this station` });
        continue;
      }
      photoRows.push({
        row: index,
        r,
        idNumber,
        values: {
          idNumber,
          studentNo: r.student_no,
          examNo: r.exam_no,
          schoolCode: r.school_code ?? task.school_code,
          name: r.name,
          department: r.department,
          major: r.major,
          className: r.class_name,
          taskCode: request.taskCode,
          orderId: r.order_id,
        },
      });
    }
  }

  const folderOf = (r: ExportStudentRow): string | null =>
    request.folders === 'none' ? null : request.folders === 'department' ? (r.department ?? '') : request.folders === 'major' ? (r.major ?? '') : (r.class_name ?? '');
  const requests: NameRequest[] = photoRows.map((p) => ({ values: p.values, folder: folderOf(p.r), fallbackId: p.r.order_id!.slice(0, 8) }));
  const names = assignNames(template, requests);
  const files: PlannedFile[] = [];
  names.forEach((n, i) => {
    const p = photoRows[i]!;
    const label = studentLabel(p.r);
    if (n.missing.length > 0) {
      const zhFields = n.missing.map((f) => FIELD_LABELS[f].zh).join('、');
      const enFields = n.missing.map((f) => FIELD_LABELS[f].en).join(', ');
      problems.push({
        kind: n.missing.includes('idNumber') ? 'no_id_number' : 'missing_field',
        student: label,
        file: `photos/${n.path}`,
        zh: `${label} 缺少模板字段（${zhFields}），照片命名为 ${n.path}`,
        en: `${label} lacks template fields (${enFields}); the photo is named ${n.path}`,
      });
    }
    if (n.collided) {
      problems.push({ kind: 'name_collision', student: label, file: `photos/${n.path}`, zh: `${label} 与他人文件名相同，已改为 ${n.path}`, en: `${label} had the same file name as another student; named ${n.path}` });
    }
    files.push({ rel: `photos/${n.path}`, source: p.r.finished_path!, size: fileSize(p.r.finished_path!)!, expectedSha256: p.r.finished_sha256, kind: 'photo', row: p.row });
  });
  let originals = 0;
  if (request.originals) {
    names.forEach((n, i) => {
      const p = photoRows[i]!;
      const size = p.r.original_path ? fileSize(p.r.original_path) : null;
      if (!p.r.original_path || size === null) return;
      const ext = (extname(p.r.original_path).toLowerCase() || '.jpg').replace('.jpeg', '.jpg');
      files.push({ rel: `originals/${n.path.replace(/\.jpg$/, ext)}`, source: p.r.original_path, size, expectedSha256: p.r.original_sha256, kind: 'original', row: p.row });
      originals++;
    });
  }
  const count = (c: ManifestCategory) => rows.filter((r) => r.category === c).length;
  return {
    request,
    template,
    task,
    folderName: exportFolderName(request.taskCode, request.from, request.to, startedAt),
    rows,
    files,
    retakes,
    problems,
    counts: {
      students: rows.length,
      photos: names.length,
      originals,
      noShows: count('noShow'),
      notCaptured: count('notCaptured'),
      retakesPending: retakes.length,
      otherStation: count('otherStation'),
    },
    startedAt,
  };
}

function fileSize(path: string): number | null {
  try {
    const s = statSync(path);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}
