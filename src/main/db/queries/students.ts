import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';
import { liveOrderIdSql } from './orders.js';

export interface StudentRow {
  id: string;
  task_code: string;
  name: string;
  name_initials: string;
  gender: '男' | '女' | null;
  id_enc: string | null;
  id_hmac: string | null;
  id_masked: string | null;
  id_last4: string | null;
  student_no: string | null;
  exam_no: string | null;
  school_name: string;
  school_code: string | null;
  department: string | null;
  major: string | null;
  edu_level: '专科' | '本科' | '硕士' | '博士' | null;
  edu_category: string | null;
  class_name: string | null;
  xuexin_digest: string | null;
  feature_code_digest: string | null;
  admission_photo_ref: string | null;
  source: 'roster' | 'walkin';
  /** A 学信网 code that matched nobody, sealed, for the server to resolve. */
  pending_code_enc: string | null;
  walkin_request_id: string | null;
  /** The central server's id for this student, once a roster pull has met it (null before). */
  server_id?: string | null;
}

export type StudentInsert = StudentRow;

const COLUMNS = [
  'id', 'task_code', 'name', 'name_initials', 'gender', 'id_enc', 'id_hmac', 'id_masked', 'id_last4', 'student_no', 'exam_no',
  'school_name', 'school_code', 'department', 'major', 'edu_level', 'edu_category', 'class_name', 'xuexin_digest',
  'feature_code_digest', 'admission_photo_ref', 'source', 'pending_code_enc', 'walkin_request_id',
] as const;

/** Roster columns a re-import may refresh; identity (id, task, ID number) and digests stay. */
const REFRESHABLE = ['name', 'name_initials', 'gender', 'student_no', 'exam_no', 'school_name', 'school_code', 'department', 'major', 'edu_level', 'edu_category', 'class_name'] as const;

export function insertStudent(db: Db, s: StudentInsert, now: string): void {
  stmt(
    db,
    `INSERT INTO students (${COLUMNS.join(', ')}, created_at, updated_at) VALUES (${COLUMNS.map((c) => '@' + c).join(', ')}, @now, @now)`,
  ).run({ ...s, now });
}

export function updateStudentFromRoster(db: Db, id: string, s: StudentInsert, now: string): void {
  stmt(
    db,
    `UPDATE students SET ${REFRESHABLE.map((c) => `${c} = @${c}`).join(', ')},
       xuexin_digest = COALESCE(@xuexin_digest, xuexin_digest), feature_code_digest = COALESCE(@feature_code_digest, feature_code_digest),
       updated_at = @now WHERE id = @id`,
  ).run({ ...s, id, now });
}

export function findStudentIdByIdHmac(db: Db, taskCode: string, idHmac: string): string | undefined {
  return stmt<[string, string], { id: string }>(db, 'SELECT id FROM students WHERE task_code = ? AND id_hmac = ?').get(taskCode, idHmac)?.id;
}

export function getStudentAnyTask(db: Db, id: string): StudentRow | undefined {
  return stmt<[string], StudentRow>(db, 'SELECT * FROM students WHERE id = ?').get(id);
}

export function getStudent(db: Db, taskCode: string, id: string): StudentRow | undefined {
  return stmt<[string, string], StudentRow>(db, 'SELECT * FROM students WHERE task_code = ? AND id = ?').get(taskCode, id);
}

export interface StudentSearchRow {
  id: string;
  name: string;
  id_masked: string | null;
  student_no: string | null;
  department: string | null;
  edu_level: StudentRow['edu_level'];
  order_status: string | null;
}

const SEARCH_SELECT = `SELECT s.id, s.name, s.id_masked, s.student_no, s.department, s.edu_level, o.status AS order_status
  FROM students s
  LEFT JOIN orders o ON o.id = ${liveOrderIdSql('s.task_code', 's.id')}
  WHERE s.task_code = @task AND `;
const SEARCH_ORDER = ' ORDER BY s.name, s.student_no LIMIT @limit';

export type StudentSearchKind = 'last4' | 'number' | 'initials' | 'name';

/** One query per kind of input; the caller decides the kind from what was typed. */
export function searchStudents(db: Db, taskCode: string, kind: StudentSearchKind, q: string, limit: number): StudentSearchRow[] {
  const params = { task: taskCode, q, prefix: `${escapeLike(q)}%`, contains: `%${escapeLike(q)}%`, limit };
  switch (kind) {
    case 'last4':
      return stmt<[typeof params], StudentSearchRow>(
        db,
        SEARCH_SELECT + "(s.id_last4 = @q OR s.student_no = @q OR s.exam_no = @q OR s.student_no LIKE @prefix ESCAPE '\\')" + SEARCH_ORDER,
      ).all(params);
    case 'number':
      return stmt<[typeof params], StudentSearchRow>(
        db,
        SEARCH_SELECT + "(s.student_no LIKE @prefix ESCAPE '\\' OR s.exam_no LIKE @prefix ESCAPE '\\')" + SEARCH_ORDER,
      ).all(params);
    case 'initials':
      return stmt<[typeof params], StudentSearchRow>(
        db,
        SEARCH_SELECT + "(s.name_initials LIKE @prefix ESCAPE '\\' OR s.student_no LIKE @prefix ESCAPE '\\')" + SEARCH_ORDER,
      ).all(params);
    case 'name':
      return stmt<[typeof params], StudentSearchRow>(db, SEARCH_SELECT + "s.name LIKE @contains ESCAPE '\\'" + SEARCH_ORDER).all(params);
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

export function findStudentIdByStudentNo(db: Db, taskCode: string, studentNo: string): string | undefined {
  return stmt<[string, string], { id: string }>(db, 'SELECT id FROM students WHERE task_code = ? AND student_no = ? LIMIT 1').get(taskCode, studentNo)?.id;
}

export function findStudentIdByXuexinDigest(db: Db, taskCode: string, digest: string): string | undefined {
  // A roster row wins over a walk-in registered with the same code before the roster arrived.
  return stmt<[string, string], { id: string }>(
    db,
    "SELECT id FROM students WHERE task_code = ? AND xuexin_digest = ? ORDER BY source = 'roster' DESC, created_at LIMIT 1",
  ).get(taskCode, digest)?.id;
}

export function findStudentIdByWalkinRequest(db: Db, requestId: string): string | undefined {
  return stmt<[string], { id: string }>(db, 'SELECT id FROM students WHERE walkin_request_id = ?').get(requestId)?.id;
}

/** The mini-program's manual path: ID last 4 narrows by index, the 特征码 digest decides. */
export function findStudentsByFeatureCode(db: Db, taskCode: string, last4: string, digest: string): StudentSearchRow[] {
  return stmt<[{ task: string; last4: string; digest: string }], StudentSearchRow>(
    db,
    SEARCH_SELECT + 's.id_last4 = @last4 AND s.feature_code_digest = @digest ORDER BY s.name LIMIT 10',
  ).all({ task: taskCode, last4, digest });
}

/** Fields a photographer may correct on site (with a reason, audited by the caller). */
export const CORRECTABLE_COLUMNS = [
  'name', 'name_initials', 'gender', 'id_enc', 'id_hmac', 'id_masked', 'id_last4', 'student_no', 'exam_no', 'department', 'major',
  'edu_level', 'edu_category', 'class_name',
] as const;
export type CorrectableColumn = (typeof CORRECTABLE_COLUMNS)[number];

export function updateStudentColumns(db: Db, id: string, values: Partial<Pick<StudentRow, CorrectableColumn>>, now: string): void {
  const cols = CORRECTABLE_COLUMNS.filter((c) => c in values);
  if (cols.length === 0) return;
  // Column names come from the fixed list above, never from the caller's keys.
  stmt(db, `UPDATE students SET ${cols.map((c) => `${c} = @${c}`).join(', ')}, updated_at = @now WHERE id = @id`).run({ ...values, id, now });
}
