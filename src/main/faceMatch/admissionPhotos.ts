import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { FaceIssue } from '../../shared/faceMatch/decision.js';
import { maskIdNumber } from '../../shared/idNumber.js';
import { ADMISSION_PHOTO_MAX_BYTES } from '../../shared/sync/protocol.js';
import { writeAudit } from '../db/queries/audit.js';
import { ownOrderIdsOfStudent } from '../db/queries/admissionSync.js';
import { enqueueJob } from '../db/queries/outbox.js';
import { refreshOrderSyncState } from '../db/queries/syncQueue.js';
import { findStudentIdsByStudentNo, getAdmissionPhoto, setAdmissionEmbedding, upsertAdmissionPhoto, type AdmissionPhotoRow } from '../db/queries/admissionPhotos.js';
import { findStudentIdByIdHmac, getStudent, getStudentAnyTask } from '../db/queries/students.js';
import { getTask } from '../db/queries/tasks.js';
import { createLogger } from '../log/logger.js';
import { writeDurably } from '../photos/durableWrite.js';
import type { AppContext } from '../services/AppContext.js';
import { analyseFace } from './analyseFace.js';
import { EMBEDDER_ID } from './faceModels.js';

const log = createLogger('faceMatch');

/** Admission photos are ID-photo sized (tens of KB); anything past this is not one (the server refuses it too). */
export const ADMISSION_MAX_BYTES = ADMISSION_PHOTO_MAX_BYTES;
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff']);
const ID_NUMBER_RE = /^\d{17}[\dX]$/;

export type AdmissionSource = AdmissionPhotoRow['source'];

function sealEmbedding(ctx: AppContext, e: Float32Array | null): string | null {
  return e ? ctx.pii.encrypt(Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString('base64')) : null;
}

function openEmbedding(ctx: AppContext, sealed: string | null): Float32Array | null {
  if (!sealed) return null;
  const bytes = Buffer.from(ctx.pii.decrypt(sealed), 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function parseIssues(json: string | null): FaceIssue[] {
  if (!json) return [];
  const parsed = FaceIssue.array().safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : [];
}

export interface StoredAdmission {
  issues: FaceIssue[];
  faceFound: boolean;
  /** The same bytes were already stored for this student (nothing changed). */
  unchanged: boolean;
}

/**
 * Stores one student's admission photo: sealed file written durably first, then the row with its
 * embedding (computed here, once) and its issues. The folder import calls it now; the roster feed
 * from the server will call it with source 'sync'. Throws the decoder's AppError for a file that is
 * not a usable image (nothing is stored then).
 */
export async function storeAdmissionPhoto(
  ctx: AppContext,
  input: { taskCode: string; studentId: string; bytes: Buffer; source: AdmissionSource; operatorId: string | null },
): Promise<StoredAdmission> {
  if (input.bytes.length > ADMISSION_MAX_BYTES) throw new AppError('FILE_TOO_LARGE');
  const ref = ctx.pii.hmacBytes(input.bytes);
  const existing = getAdmissionPhoto(ctx.db, input.studentId);
  if (existing && existing.ref === ref && existing.embedder === EMBEDDER_ID) {
    const issues = parseIssues(existing.issues);
    return { issues, faceFound: existing.embedding_enc !== null, unchanged: true };
  }
  const analysis = await analyseFace(input.bytes, 'admission');
  const path = join(ctx.dataDir, 'admission', input.taskCode, `${randomUUID()}.sealed`);
  await writeDurably(path, ctx.pii.sealBytes(input.bytes));
  const now = ctx.now().toISOString();
  try {
    ctx.db.transaction(() => {
      upsertAdmissionPhoto(
        ctx.db,
        {
          student_id: input.studentId,
          task_code: input.taskCode,
          ref,
          source: input.source,
          photo_path: path,
          photo_bytes: input.bytes.length,
          width: analysis.width,
          height: analysis.height,
          embedder: EMBEDDER_ID,
          embedding_enc: sealEmbedding(ctx, analysis.embedding),
          issues: JSON.stringify(analysis.issues),
          imported_by: input.operatorId,
          imported_at: now,
        },
        now,
      );
      queueAdmissionSync(ctx, input.studentId, now);
    })();
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  if (existing?.photo_path && existing.photo_path !== path) await rm(existing.photo_path, { force: true });
  return { issues: analysis.issues, faceFound: analysis.embedding !== null, unchanged: false };
}

/**
 * The reviewer sets the admission photo beside the capture, so it goes up with the student's orders.
 * An order read for sending names it (OrderUpload.admissionPhoto) and the server's answer says
 * whether it still needs the bytes; for an order already sent, the order is sent again (the same
 * revision: no change on the server but its answer). Called in the import's transaction.
 */
function queueAdmissionSync(ctx: AppContext, studentId: string, now: string): void {
  for (const orderId of ownOrderIdsOfStudent(ctx.db, studentId, ctx.stationId)) {
    enqueueJob(ctx.db, { id: `order:${orderId}:admission:${now}`, kind: 'order.upsert', order_id: orderId, payload: { orderId, admission: true } }, now);
    refreshOrderSyncState(ctx.db, orderId);
  }
}

export interface AdmissionUpload {
  /** The sealed file; `read()` gives its plain bytes, in memory only. */
  path: string;
  sha256: string;
  bytes: number;
  read(): Promise<Buffer>;
}

/** sha256 and size of each sealed admission file's plain bytes, by its keyed digest (`ref`): worked out once. */
const plainDigests = new Map<string, { sha256: string; bytes: number }>();

/**
 * The student's admission photo as the sync sends it (sha256 of the plain bytes, which the server
 * checks on arrival), or null when there is none or its file cannot be opened: the order then goes
 * up without it, as before, and the failure is logged.
 */
export function admissionPhotoForSync(ctx: AppContext, studentId: string): AdmissionUpload | null {
  const row = getAdmissionPhoto(ctx.db, studentId);
  if (!row?.photo_path) return null;
  const path = row.photo_path;
  let digest = plainDigests.get(row.ref);
  if (!digest) {
    try {
      const plain = ctx.pii.openBytes(readFileSync(path));
      digest = { sha256: createHash('sha256').update(plain).digest('hex'), bytes: plain.length };
    } catch (err) {
      log.warn('admission photo cannot be read for sync', { studentId, error: err instanceof Error ? err.message : String(err) });
      return null;
    }
    if (plainDigests.size >= 5000) plainDigests.clear();
    plainDigests.set(row.ref, digest);
  }
  if (digest.bytes > ADMISSION_MAX_BYTES) return null;
  return { path, ...digest, read: async () => ctx.pii.openBytes(await readFile(path)) };
}

/** The photo's plain bytes (decrypted in memory only), or null when only an embedding is held. */
export async function readAdmissionPhoto(ctx: AppContext, row: AdmissionPhotoRow): Promise<Buffer | null> {
  if (!row.photo_path) return null;
  return ctx.pii.openBytes(await readFile(row.photo_path));
}

/** The cached embedding; recomputed (and cached again) when it was made by another model. */
export async function admissionEmbedding(ctx: AppContext, row: AdmissionPhotoRow): Promise<{ embedding: Float32Array | null; issues: FaceIssue[] }> {
  if (row.embedder === EMBEDDER_ID || !row.photo_path) return { embedding: openEmbedding(ctx, row.embedding_enc), issues: parseIssues(row.issues) };
  const bytes = await readAdmissionPhoto(ctx, row);
  const analysis = await analyseFace(bytes!, 'admission');
  setAdmissionEmbedding(ctx.db, row.student_id, { embedder: EMBEDDER_ID, embedding_enc: sealEmbedding(ctx, analysis.embedding), issues: JSON.stringify(analysis.issues) }, ctx.now().toISOString());
  log.info('admission embedding recomputed for a new model', { studentId: row.student_id, embedder: EMBEDDER_ID });
  return { embedding: analysis.embedding, issues: analysis.issues };
}

export interface AdmissionView {
  present: boolean;
  /** A small JPEG for the screen (≤ 360×480), or null. */
  photoJpegBase64: string | null;
  issues: FaceIssue[];
  faceFound: boolean;
  source: AdmissionSource | null;
  importedAt: string | null;
}

export async function admissionView(ctx: AppContext, studentId: string): Promise<AdmissionView> {
  if (!getStudentAnyTask(ctx.db, studentId)) throw new AppError('NOT_FOUND', { zh: '名单中没有这位学生', en: 'No such student in this task' });
  const row = getAdmissionPhoto(ctx.db, studentId);
  if (!row) return { present: false, photoJpegBase64: null, issues: [], faceFound: false, source: null, importedAt: null };
  const bytes = await readAdmissionPhoto(ctx, row);
  const jpeg = bytes ? await sharp(bytes).rotate().resize(360, 480, { fit: 'inside' }).flatten({ background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer() : null;
  return {
    present: true,
    photoJpegBase64: jpeg?.toString('base64') ?? null,
    issues: parseIssues(row.issues),
    faceFound: row.embedding_enc !== null,
    source: row.source,
    importedAt: row.imported_at,
  };
}

// ---- folder import ------------------------------------------------------------------------------

export interface AdmissionImportReport {
  folder: string;
  /** Files looked at (images and others, hidden files left out). */
  files: number;
  imported: Array<{ file: string; studentId: string; studentName: string; matchedBy: 'idNumber' | 'studentNo'; faceFound: boolean; issues: FaceIssue[]; replaced: boolean }>;
  unchanged: Array<{ file: string; studentName: string }>;
  /** Named by nobody on this task's roster. */
  unknown: string[];
  /** A 学号 that more than one student of the task has. */
  ambiguous: string[];
  failed: Array<{ file: string; code: string; zh: string; en: string }>;
}

/** File names are ID numbers or 学号: an ID number is never shown or logged whole. */
function displayName(name: string): string {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  return ID_NUMBER_RE.test(stem.toUpperCase()) ? maskIdNumber(stem.toUpperCase()) + ext : name;
}

function resolveStem(ctx: AppContext, taskCode: string, stem: string): { kind: 'found'; id: string; by: 'idNumber' | 'studentNo' } | { kind: 'unknown' } | { kind: 'ambiguous' } {
  const upper = stem.toUpperCase();
  if (ID_NUMBER_RE.test(upper)) {
    const id = findStudentIdByIdHmac(ctx.db, taskCode, ctx.pii.hmac(upper));
    if (id) return { kind: 'found', id, by: 'idNumber' };
  }
  const byNo = findStudentIdsByStudentNo(ctx.db, taskCode, stem);
  if (byNo.length === 1) return { kind: 'found', id: byNo[0]!, by: 'studentNo' };
  return byNo.length > 1 ? { kind: 'ambiguous' } : { kind: 'unknown' };
}

/**
 * Imports every photo in a folder (not its subfolders), each named by the student's ID number or
 * 学号 (`440106200001011234.jpg`, `2020123456.png`): unknown and ambiguous names and unusable files
 * are reported, the rest stored. Re-importing the same folder changes nothing. Audited once.
 */
export async function importAdmissionFolder(ctx: AppContext, operator: Operator | null, taskCode: string, folder: string): Promise<AdmissionImportReport> {
  if (!getTask(ctx.db, taskCode)) throw new AppError('NOT_FOUND', { zh: '没有这个任务', en: 'No such task' });
  let names: string[];
  try {
    if (!statSync(folder).isDirectory()) throw new AppError('BAD_INPUT', { zh: '不是文件夹', en: 'Not a folder' });
    names = readdirSync(folder).filter((n) => !n.startsWith('.')).sort();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('NOT_FOUND', { zh: `找不到文件夹：${folder}`, en: `No such folder: ${folder}` });
  }
  const report: AdmissionImportReport = { folder, files: 0, imported: [], unchanged: [], unknown: [], ambiguous: [], failed: [] };
  for (const name of names) {
    const path = join(folder, name);
    let isFile = false;
    try {
      isFile = statSync(path).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) continue;
    report.files++;
    const shown = displayName(name);
    const ext = extname(name).toLowerCase();
    if (!IMAGE_EXTENSIONS.has(ext)) {
      report.failed.push({ file: shown, code: 'BAD_INPUT', zh: '不是照片文件（jpg、png、webp、tif）', en: 'Not a photo file (jpg, png, webp, tif)' });
      continue;
    }
    const target = resolveStem(ctx, taskCode, name.slice(0, name.length - ext.length).trim());
    if (target.kind === 'unknown') {
      report.unknown.push(shown);
      continue;
    }
    if (target.kind === 'ambiguous') {
      report.ambiguous.push(shown);
      continue;
    }
    const student = getStudent(ctx.db, taskCode, target.id)!;
    try {
      const hadOne = getAdmissionPhoto(ctx.db, target.id) !== undefined;
      const bytes = await readFile(path);
      const stored = await storeAdmissionPhoto(ctx, { taskCode, studentId: target.id, bytes, source: 'folder', operatorId: operator?.id ?? null });
      if (stored.unchanged) report.unchanged.push({ file: shown, studentName: student.name });
      else report.imported.push({ file: shown, studentId: target.id, studentName: student.name, matchedBy: target.by, faceFound: stored.faceFound, issues: stored.issues, replaced: hadOne });
    } catch (err) {
      if (err instanceof AppError) report.failed.push({ file: shown, code: err.code, zh: err.zh, en: err.en });
      else {
        log.error('admission photo import failed', { studentId: target.id, error: err instanceof Error ? err.message : String(err) });
        report.failed.push({ file: shown, code: 'INTERNAL', zh: '导入失败（已记录日志）', en: 'Import failed (logged)' });
      }
    }
  }
  writeAudit(ctx.db, {
    at: ctx.now().toISOString(),
    operatorId: operator?.id ?? null,
    action: 'admission_photos.import',
    entity: 'task',
    entityId: taskCode,
    detail: { files: report.files, imported: report.imported.length, unchanged: report.unchanged.length, unknown: report.unknown.length, ambiguous: report.ambiguous.length, failed: report.failed.length },
  });
  return report;
}
