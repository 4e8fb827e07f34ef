import { z } from 'zod';
import { TaskCode } from '../domain/entities.js';
import { ERROR_CODES } from '../errors.js';

/** The day batch export (DESIGN §9): what the site manager asks for and what comes back. */

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式为 YYYY-MM-DD');

/** Folders per 院系, 专业 or 班级 inside photos/ (and originals/), or none. */
export const FOLDER_MODES = ['none', 'department', 'major', 'class'] as const;
export const FolderMode = z.enum(FOLDER_MODES);
export type FolderMode = z.infer<typeof FolderMode>;

/** The templates offered on the screen; any other built from the same placeholders is accepted. */
export const NAME_TEMPLATE_PRESETS = ['{身份证号}', '{学号}', '{考生号}', '{学校编码}_{学号}', '{姓名}_{学号}', '{学号}_{姓名}'] as const;
export const DEFAULT_NAME_TEMPLATE = '{身份证号}';

/** A range longer than this is a task export, not a day's: refused so a mistyped year cannot run for an hour. */
export const MAX_EXPORT_DAYS = 62;

export const ExportRequest = z
  .object({
    taskCode: TaskCode,
    from: IsoDate,
    to: IsoDate,
    /** e.g. {身份证号} or {学校编码}_{学号}; `.jpg` is added (a trailing .jpg is accepted and dropped). */
    template: z.string().trim().min(1).max(120),
    folders: FolderMode,
    /** Also copy the untouched originals (several MB each) into originals/. */
    originals: z.boolean(),
    /** Also write one .zip of the whole export beside the folder. */
    zip: z.boolean(),
    /** A folder on this machine: a removable drive's mount point, or any writable folder. */
    outDir: z.string().trim().min(1).max(1024),
    /** Why (for whom) the export is made: kept in the audit log. */
    reason: z.string().trim().max(200).optional(),
  })
  .strict()
  .refine((r) => r.from <= r.to, { message: '开始日期晚于结束日期 / from is after to', path: ['to'] })
  .refine((r) => daysBetween(r.from, r.to) < MAX_EXPORT_DAYS, { message: `最多导出 ${MAX_EXPORT_DAYS} 天 / at most ${MAX_EXPORT_DAYS} days`, path: ['to'] });
export type ExportRequest = z.infer<typeof ExportRequest>;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export const EXPORT_PHASES = ['plan', 'photos', 'originals', 'manifest', 'zip', 'verify', 'done'] as const;
export const ExportPhase = z.enum(EXPORT_PHASES);
export type ExportPhase = z.infer<typeof ExportPhase>;

/** Pushed while an export runs (event `export.progress`), a few times a second at most. */
export const ExportProgress = z.object({
  exportId: z.string(),
  phase: ExportPhase,
  /** Files (or verified entries) done in this phase, of how many. */
  done: z.number().int(),
  total: z.number().int(),
  /** Over the whole export: bytes copied, zipped and re-read so far, of the total planned. */
  bytesDone: z.number(),
  bytesTotal: z.number(),
});
export type ExportProgress = z.infer<typeof ExportProgress>;

export const EXPORT_PROBLEM_KINDS = ['name_collision', 'missing_field', 'photo_missing', 'photo_changed', 'no_id_number'] as const;
export const ExportProblem = z.object({
  kind: z.enum(EXPORT_PROBLEM_KINDS),
  /** The student's name and 学号 (never the ID number), to find the row in the manifest. */
  student: z.string(),
  file: z.string().nullable(),
  zh: z.string(),
  en: z.string(),
});
export type ExportProblem = z.infer<typeof ExportProblem>;

/**
 * What an export wrote. `campus-capture export --json` prints exactly this (with ok: true): other
 * tools read it, so fields are added, never renamed or removed.
 */
export const ExportResult = z.object({
  exportId: z.string(),
  taskCode: z.string(),
  from: z.string(),
  to: z.string(),
  template: z.string(),
  folders: FolderMode,
  /** The export folder (photos/, originals/, manifest.xlsx, manifest.csv, SHA256SUMS). */
  folder: z.string(),
  /** The .zip beside it, and its SHA-256 (also in <zip>.sha256); null when no zip was asked for. */
  zip: z.string().nullable(),
  zipSha256: z.string().nullable(),
  /** Manifest rows: one per student of the day. */
  students: z.number().int(),
  /** Finished photos written (one per captured student), and originals when asked for. */
  photos: z.number().int(),
  originals: z.number().int(),
  /** Expected that day (a reservation) but never checked in anywhere. */
  noShows: z.number().int(),
  /** Checked in here but no accepted photo. */
  notCaptured: z.number().int(),
  /** Rejected by the central review: to photograph again. */
  retakesPending: z.number().int(),
  /** Every file written, and their bytes (the zip not counted). */
  files: z.number().int(),
  bytes: z.number(),
  /** Every file was read back from the destination and matched its SHA-256. */
  verified: z.boolean(),
  problems: z.array(ExportProblem),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type ExportResult = z.infer<typeof ExportResult>;

export const ExportError = z.object({ code: z.enum(ERROR_CODES), zh: z.string(), en: z.string() });

/** Event `export.finished`: one per export, whichever way it ended. */
export const ExportFinished = z.object({
  exportId: z.string(),
  result: ExportResult.nullable(),
  error: ExportError.nullable(),
});
export type ExportFinished = z.infer<typeof ExportFinished>;

/** What the export screen shows before anything is written. */
export const ExportPlanSummary = z.object({
  students: z.number().int(),
  photos: z.number().int(),
  noShows: z.number().int(),
  notCaptured: z.number().int(),
  retakesPending: z.number().int(),
  otherStation: z.number().int(),
  /** Bytes the export will need on the destination (with the zip when asked for). */
  bytesNeeded: z.number(),
  /** The first few file names as the template makes them. */
  sampleNames: z.array(z.string()),
  problems: z.array(ExportProblem),
});
export type ExportPlanSummary = z.infer<typeof ExportPlanSummary>;

export const DESTINATION_KINDS = ['station', 'removable', 'mount'] as const;
export const ExportDestination = z.object({
  path: z.string(),
  kind: z.enum(DESTINATION_KINDS),
  label: z.string(),
  /** Free bytes for this user; null when the folder cannot be examined. */
  freeBytes: z.number().nullable(),
  writable: z.boolean(),
});
export type ExportDestination = z.infer<typeof ExportDestination>;

/** `export.status`: the export under way (if any) and how the last one ended. */
export const ExportStatus = z.object({
  running: z
    .object({ exportId: z.string(), taskCode: z.string(), from: z.string(), to: z.string(), outDir: z.string(), startedAt: z.string(), progress: ExportProgress.nullable() })
    .nullable(),
  last: ExportFinished.nullable(),
});
export type ExportStatus = z.infer<typeof ExportStatus>;
