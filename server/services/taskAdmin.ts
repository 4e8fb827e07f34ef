import { publicKeyFromSecret, newSigningKey } from '../../src/shared/checkin/reservationToken.js';
import { DEFAULT_CHECKIN_MODE, DEFAULT_FEATURE_CODE_FORMAT } from '../../src/shared/checkin/taskRules.js';
import { DEFAULT_TASK_RIGHTS, taskRightsFromRow } from '../../src/shared/domain/taskRights.js';
import type { RosterItem, TaskItem } from '../../src/shared/sync/protocol.js';
import { recordChanges, type FeedChange } from '../db/feedLog.js';
import { findStudentByIdHmac, insertStudent, listStudents, updateStudent, type StudentRow } from '../db/students.js';
import { getTask, insertTask, updateTask, type TaskRow } from '../db/tasks.js';
import { inTransaction, lockRows } from '../db/tx.js';
import type { StudentRowBody, TaskBody } from '../http/adminSchemas.js';
import { ServerFailure } from '../http/ServerFailure.js';
import { randomToken, sha256Hex } from '../security/secrets.js';
import { nowIso, type ServerContext } from '../ServerContext.js';
import { rosterItem, taskItem } from './feedItems.js';

/** The task's signing secret, unsealed. */
export function taskSecret(ctx: ServerContext, task: TaskRow): Uint8Array {
  return new Uint8Array(ctx.keys.open(task.secret_sealed));
}

/**
 * Creates a task (the server makes its Ed25519 key; only the public half leaves) or updates what
 * an admin may change. `secret` is for the demo task only, whose key is public by design.
 */
export async function putTask(ctx: ServerContext, code: string, body: TaskBody, opts: { secret?: Uint8Array } = {}): Promise<{ task: TaskItem; created: boolean }> {
  const now = nowIso(ctx);
  return inTransaction(ctx.tx, async (t) => {
    const existing = await lockRows(t, t.db.selectFrom('tasks').selectAll().where('code', '=', code)).executeTakeFirst();
    // Check-in rules left out of an update stay as they are (an admin moving a date must not turn a
    // 4-digit task back into a 6-character one); a new task gets what stations always enforced.
    const format = body.featureCodeFormat ?? (existing ? { length: existing.feature_code_length, alphabet: existing.feature_code_alphabet } : DEFAULT_FEATURE_CODE_FORMAT);
    const mode = body.checkinMode ?? existing?.checkin_mode ?? DEFAULT_CHECKIN_MODE;
    // Rights left out of an update stay as the admin last set them, for the same reason.
    const rights = existing ? taskRightsFromRow(existing) : DEFAULT_TASK_RIGHTS;
    const mayWithdraw = body.photographerMayWithdraw ?? rights.photographerMayWithdraw;
    const maySetCamera = body.photographerMaySetCamera ?? rights.photographerMaySetCamera;
    const fields = {
      name: body.name,
      school_name: body.schoolName,
      school_code: body.schoolCode,
      site: body.site,
      session_dates: JSON.stringify(body.sessionDates),
      slots: JSON.stringify(body.slots),
      spec_id: body.specId,
      price_cents: body.priceCents,
      feature_code_length: format.length,
      feature_code_alphabet: format.alphabet,
      checkin_mode: mode,
      photographer_may_withdraw: mayWithdraw ? 1 : 0,
      photographer_may_set_camera: maySetCamera ? 1 : 0,
      updated_at: now,
    };
    if (existing) await updateTask(t, code, fields);
    else {
      const secret = opts.secret ?? newSigningKey();
      await insertTask(t, {
        code,
        ...fields,
        public_key: Buffer.from(publicKeyFromSecret(secret)).toString('base64'),
        secret_sealed: ctx.keys.seal(secret),
        created_at: now,
      });
    }
    await recordChanges(t, [{ feed: 'tasks', key: code }]);
    return { task: taskItem((await getTask(t, code))!), created: !existing };
  });
}

function studentColumns(ctx: ServerContext, task: TaskRow, r: StudentRowBody): Omit<StudentRow, 'id' | 'task_code' | 'created_at' | 'updated_at' | 'source' | 'replaces_student_id' | 'walkin_sealed' | 'corrected_at'> {
  const id = r.idNumber ?? null;
  return {
    name: r.name,
    gender: r.gender ?? null,
    id_number_sealed: id ? ctx.keys.sealText(id) : null,
    id_number_hmac: id ? ctx.keys.lookupDigest(`${task.code}:${id}`) : null,
    id_last4: id ? id.slice(-4) : null,
    student_no: r.studentNo ?? null,
    exam_no: r.examNo ?? null,
    school_name: r.schoolName ?? task.school_name,
    school_code: r.schoolCode ?? task.school_code,
    department: r.department ?? null,
    major: r.major ?? null,
    edu_level: r.eduLevel ?? null,
    edu_category: r.eduCategory ?? null,
    class_name: r.className ?? null,
    // The same digests the station computes (src/main/security/digest.ts): plain SHA-256 of the
    // raw 学信网 payload, and of the trimmed upper-case 特征码.
    xuexin_digest: r.xuexinDigest ?? (r.xuexinCode ? sha256Hex(r.xuexinCode) : null),
    feature_code_digest: r.featureCodeDigest ?? (r.featureCode ? sha256Hex(r.featureCode.trim().toUpperCase()) : null),
  };
}

export interface ImportResult {
  imported: number;
  updated: number;
  /** In input order: the id the server gave (or already had for) each row. */
  students: { id: string; name: string; studentNo: string | null; idLast4: string | null }[];
}

/** Imports roster rows into a task: new students get server ids; a row whose ID number is already
 * in the task updates that student. One transaction; every touched student goes to the roster feed. */
export async function importStudents(ctx: ServerContext, taskCode: string, rows: readonly StudentRowBody[], opts: { ids?: readonly string[] } = {}): Promise<ImportResult> {
  const now = nowIso(ctx);
  return inTransaction(ctx.tx, async (t) => {
    const task = await getTask(t, taskCode);
    if (!task) throw new ServerFailure('UNKNOWN_TASK');
    const seen = new Set<string>();
    const out: ImportResult = { imported: 0, updated: 0, students: [] };
    const changes: FeedChange[] = [];
    for (const [i, r] of rows.entries()) {
      const cols = studentColumns(ctx, task, r);
      if (cols.id_number_hmac) {
        if (seen.has(cols.id_number_hmac)) throw new ServerFailure('BAD_REQUEST', { zh: `第 ${i + 1} 行身份证号重复`, en: `Row ${i + 1} repeats an ID number`, details: [`[${i}].idNumber: duplicate in this import`] });
        seen.add(cols.id_number_hmac);
      }
      const existing = cols.id_number_hmac ? await findStudentByIdHmac(t, taskCode, cols.id_number_hmac) : undefined;
      let id: string;
      if (existing) {
        id = existing.id;
        await updateStudent(t, id, { ...cols, updated_at: now });
        out.updated++;
      } else {
        id = opts.ids?.[i] ?? `${taskCode}-${randomToken(9)}`;
        await insertStudent(t, { id, task_code: taskCode, source: 'roster', ...cols, replaces_student_id: null, walkin_sealed: null, corrected_at: null, created_at: now, updated_at: now });
        out.imported++;
      }
      changes.push({ feed: 'roster', key: id });
      out.students.push({ id, name: r.name, studentNo: cols.student_no, idLast4: cols.id_last4 });
    }
    await recordChanges(t, changes);
    return out;
  });
}

export type StudentView = Omit<RosterItem, 'idNumber'> & { idMasked: string | null; source: string };

/** The admin's list: ID numbers masked, as anywhere a person looks at them. */
export async function studentViews(ctx: ServerContext, taskCode: string): Promise<StudentView[]> {
  return (await listStudents(ctx.tx, taskCode)).map((s) => {
    const { idNumber: _, ...item } = rosterItem({ ...s, id_number_sealed: null }, ctx.keys);
    return { ...item, idMasked: s.id_last4 ? `**************${s.id_last4}` : null, source: s.source };
  });
}
