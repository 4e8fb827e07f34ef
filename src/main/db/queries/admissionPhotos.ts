import type { FaceMatchDecision } from '../../../shared/faceMatch/decision.js';
import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

export interface AdmissionPhotoRow {
  student_id: string;
  task_code: string;
  ref: string;
  source: 'folder' | 'sync';
  photo_path: string | null;
  photo_bytes: number | null;
  width: number | null;
  height: number | null;
  embedder: string | null;
  embedding_enc: string | null;
  /** JSON array of FaceIssue. */
  issues: string;
  imported_by: string | null;
  imported_at: string;
  updated_at: string;
}

export function getAdmissionPhoto(db: Db, studentId: string): AdmissionPhotoRow | undefined {
  return stmt<[string], AdmissionPhotoRow>(db, 'SELECT * FROM admission_photos WHERE student_id = ?').get(studentId);
}

/**
 * One admission photo per student: a newer one (another import, the server's feed) replaces it.
 * students.admission_photo_ref mirrors `ref` so the student card knows without a join.
 */
export function upsertAdmissionPhoto(db: Db, row: Omit<AdmissionPhotoRow, 'updated_at'>, now: string): void {
  stmt(
    db,
    `INSERT INTO admission_photos (student_id, task_code, ref, source, photo_path, photo_bytes, width, height, embedder, embedding_enc, issues,
       imported_by, imported_at, updated_at)
     VALUES (@student_id, @task_code, @ref, @source, @photo_path, @photo_bytes, @width, @height, @embedder, @embedding_enc, @issues,
       @imported_by, @imported_at, @now)
     ON CONFLICT(student_id) DO UPDATE SET task_code = excluded.task_code, ref = excluded.ref, source = excluded.source,
       photo_path = excluded.photo_path, photo_bytes = excluded.photo_bytes, width = excluded.width, height = excluded.height,
       embedder = excluded.embedder, embedding_enc = excluded.embedding_enc, issues = excluded.issues,
       imported_by = excluded.imported_by, imported_at = excluded.imported_at, updated_at = excluded.updated_at`,
  ).run({ ...row, now });
  stmt(db, 'UPDATE students SET admission_photo_ref = ? WHERE id = ?').run(row.ref, row.student_id);
}

/** The cached embedding, recomputed when the model changed. */
export function setAdmissionEmbedding(db: Db, studentId: string, e: { embedder: string; embedding_enc: string | null; issues: string }, now: string): void {
  stmt(db, 'UPDATE admission_photos SET embedder = @embedder, embedding_enc = @embedding_enc, issues = @issues, updated_at = @now WHERE student_id = @id').run({
    ...e,
    now,
    id: studentId,
  });
}

export function countAdmissionPhotos(db: Db, taskCode: string): number {
  return stmt<[string], { n: number }>(db, 'SELECT count(*) AS n FROM admission_photos WHERE task_code = ?').get(taskCode)!.n;
}

/** Students of a task by 学号, for naming photos by student number (more than one: ambiguous). */
export function findStudentIdsByStudentNo(db: Db, taskCode: string, studentNo: string): string[] {
  return stmt<[string, string], { id: string }>(db, 'SELECT id FROM students WHERE task_code = ? AND student_no = ?')
    .all(taskCode, studentNo)
    .map((r) => r.id);
}

export interface CaptureFaceMatchRow {
  capture_id: string;
  admission_ref: string;
  embedder: string;
  score: number | null;
  decision: Exclude<FaceMatchDecision, '未比对'>;
  /** JSON array of SidedIssue. */
  issues: string;
  computed_at: string;
}

export function getCaptureFaceMatch(db: Db, captureId: string): CaptureFaceMatchRow | undefined {
  return stmt<[string], CaptureFaceMatchRow>(db, 'SELECT * FROM capture_face_matches WHERE capture_id = ?').get(captureId);
}

export function putCaptureFaceMatch(db: Db, row: CaptureFaceMatchRow): void {
  stmt(
    db,
    `INSERT INTO capture_face_matches (capture_id, admission_ref, embedder, score, decision, issues, computed_at)
     VALUES (@capture_id, @admission_ref, @embedder, @score, @decision, @issues, @computed_at)
     ON CONFLICT(capture_id) DO UPDATE SET admission_ref = excluded.admission_ref, embedder = excluded.embedder, score = excluded.score,
       decision = excluded.decision, issues = excluded.issues, computed_at = excluded.computed_at`,
  ).run(row);
}

/** The accepted shot's comparison, on the order, in the acceptance's transaction. */
export function setOrderFaceMatch(
  db: Db,
  orderId: string,
  m: { score: number | null; decision: FaceMatchDecision; overrideReason: string | null; issues: string | null },
): void {
  stmt(
    db,
    `UPDATE orders SET face_match_score = @score, face_match_decision = @decision, face_match_override_reason = @overrideReason,
       face_match_issues = @issues WHERE id = @id`,
  ).run({ ...m, id: orderId });
}

export interface OrderFaceMatchRow {
  face_match_score: number | null;
  face_match_decision: FaceMatchDecision | null;
  face_match_override_reason: string | null;
  face_match_issues: string | null;
}

/** What the sync engine sends as OrderUpload.faceMatch (null decision: accepted before 0005, or not yet accepted). */
export function getOrderFaceMatch(db: Db, orderId: string): OrderFaceMatchRow | undefined {
  return stmt<[string], OrderFaceMatchRow>(
    db,
    'SELECT face_match_score, face_match_decision, face_match_override_reason, face_match_issues FROM orders WHERE id = ?',
  ).get(orderId);
}
