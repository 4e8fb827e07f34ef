import type { OrderStatus } from '../../../shared/domain/status.js';
import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

/** Reading an order for upload, and writing what the server's feeds say back into the station. */

export interface OrderForUploadRow {
  id: string;
  task_code: string;
  student_id: string;
  student_server_id: string | null;
  student_source: 'roster' | 'walkin';
  student_name: string;
  student_gender: '男' | '女' | null;
  student_id_enc: string | null;
  student_no: string | null;
  student_department: string | null;
  student_pending_code_enc: string | null;
  reservation_id: string | null;
  status: OrderStatus;
  revision: number;
  operator_id: string | null;
  operator_name: string | null;
  station_id: string;
  checked_in_at: string | null;
  captured_at: string | null;
  checks: string | null;
  original_path: string | null;
  original_sha256: string | null;
  finished_path: string | null;
  finished_sha256: string | null;
  receipt_token: string | null;
  void_reason: string | null;
  withdrawal_reason: string | null;
  withdrawal_at: string | null;
}

export function getOrderForUpload(db: Db, orderId: string): OrderForUploadRow | undefined {
  return stmt<[string], OrderForUploadRow>(
    db,
    `SELECT o.id, o.task_code, o.student_id, s.server_id AS student_server_id, s.source AS student_source, s.name AS student_name,
       s.gender AS student_gender, s.id_enc AS student_id_enc, s.student_no, s.department AS student_department,
       s.pending_code_enc AS student_pending_code_enc, o.reservation_id, o.status, o.revision, o.operator_id, op.name AS operator_name,
       o.station_id, o.checked_in_at, o.captured_at, o.checks, o.receipt_token, o.void_reason, o.withdrawal_reason, o.withdrawal_at,
       c.original_path, c.sha256 AS original_sha256, c.finished_path, c.finished_sha256
     FROM orders o JOIN students s ON s.id = o.student_id
     LEFT JOIN operators op ON op.id = o.operator_id
     LEFT JOIN captures c ON c.id = o.chosen_capture_id
     WHERE o.id = ?`,
  ).get(orderId);
}

export function listCheckOverrides(db: Db, orderId: string): { checkId: string; reason: string }[] {
  return stmt<[string], { checkId: string; reason: string }>(
    db,
    `SELECT json_extract(detail, '$.checkId') AS checkId, reason FROM audit_log
     WHERE action = 'check.override' AND entity = 'order' AND entity_id = ? AND reason IS NOT NULL ORDER BY id`,
  ).all(orderId);
}

export function getCapturePaths(db: Db, captureId: string): { original_path: string; sha256: string; finished_path: string | null; finished_sha256: string | null } | undefined {
  return stmt<[string], { original_path: string; sha256: string; finished_path: string | null; finished_sha256: string | null }>(
    db,
    'SELECT original_path, sha256, finished_path, finished_sha256 FROM captures WHERE id = ?',
  ).get(captureId);
}

/** The station's row for a server student: one it already knows by server id, or the same row id. */
export function findStudentByServerId(db: Db, taskCode: string, serverId: string): string | undefined {
  return stmt<[{ task: string; sid: string }], { id: string }>(
    db,
    `SELECT id FROM students WHERE task_code = @task AND (server_id = @sid OR id = @sid) ORDER BY server_id IS NULL LIMIT 1`,
  ).get({ task: taskCode, sid: serverId })?.id;
}

export function setStudentServerId(db: Db, id: string, serverId: string, now: string): void {
  stmt(db, 'UPDATE students SET server_id = ?, updated_at = ? WHERE id = ?').run(serverId, now, id);
}

export function setStudentIdentityIfMissing(db: Db, id: string, cols: { id_enc: string; id_hmac: string; id_masked: string; id_last4: string }, now: string): void {
  stmt(
    db,
    `UPDATE students SET id_enc = @id_enc, id_hmac = @id_hmac, id_masked = @id_masked, id_last4 = @id_last4, updated_at = @now
     WHERE id = @id AND id_enc IS NULL`,
  ).run({ ...cols, id, now });
}

export function getLocalOrder(db: Db, orderId: string): { id: string; revision: number; status: OrderStatus; task_code: string } | undefined {
  return stmt<[string], { id: string; revision: number; status: OrderStatus; task_code: string }>(db, 'SELECT id, revision, status, task_code FROM orders WHERE id = ?').get(orderId);
}

export interface ReviewApply {
  orderId: string;
  status: OrderStatus;
  reason: string | null;
  serverRevision: number;
  current?: boolean;
  conflict?: boolean;
  decidedAt?: string | null;
  now: string;
}

/**
 * What the server holds for the revision it has; the status only moves if that is our latest one
 * (a newer local change is on its way up and will be answered in turn). Flags and times move when
 * given (the reviews feed has them; an upload's answer does not).
 */
export function applyReview(db: Db, r: ReviewApply): boolean {
  const res = stmt(
    db,
    `UPDATE orders SET
       status = CASE WHEN @serverRevision >= revision THEN @status ELSE status END,
       rejection_reason = CASE WHEN @serverRevision >= revision THEN @reason ELSE rejection_reason END,
       server_revision = MAX(COALESCE(server_revision, 0), @serverRevision),
       server_current = COALESCE(@current, server_current), conflict = COALESCE(@conflict, conflict),
       decided_at = CASE WHEN @hasDecision THEN @decidedAt ELSE decided_at END, updated_at = @now
     WHERE id = @orderId`,
  ).run({ ...r, current: r.current === undefined ? null : r.current ? 1 : 0, conflict: r.conflict === undefined ? null : r.conflict ? 1 : 0, hasDecision: r.decidedAt === undefined ? 0 : 1, decidedAt: r.decidedAt ?? null });
  return res.changes > 0;
}

/** Another live (not void) order of this station's own for this order's student and task. */
export function hasOtherLiveOrder(db: Db, orderId: string): boolean {
  return (
    stmt<[string], { n: number }>(
      db,
      `SELECT count(*) AS n FROM orders o JOIN orders me ON me.id = ? AND o.task_code = me.task_code AND o.student_id = me.student_id
       WHERE o.id <> me.id AND o.status <> '已作废' AND o.mirror = 0`,
    ).get(orderId)!.n > 0
  );
}

/**
 * A rejection is final for the photo it judged and every shot taken up to its acceptance: none may be
 * accepted again. A shot taken after that acceptance is a new photograph of the student (perhaps taken
 * before the station heard of the rejection) and stays acceptable. Both times are this station's clock.
 */
export function markShotsRejected(db: Db, orderId: string, reason: string | null): void {
  stmt(
    db,
    `UPDATE captures SET before_rejection = 1
     WHERE order_id = @orderId AND taken_at <= COALESCE((SELECT captured_at FROM orders WHERE id = @orderId), taken_at)`,
  ).run({ orderId });
  stmt(db, 'UPDATE captures SET rejected_reason = @reason WHERE id = (SELECT chosen_capture_id FROM orders WHERE id = @orderId)').run({ orderId, reason });
}

/** The server answered a withdrawal: it is settled either way; refused, the order is as it was. */
export function settleWithdrawal(db: Db, orderId: string, refused: boolean, now: string): void {
  if (refused) {
    stmt(
      db,
      `UPDATE orders SET chosen_capture_id = json_extract(withdrawn_state, '$.chosen_capture_id'),
         finished_path = json_extract(withdrawn_state, '$.finished_path'), checks = json_extract(withdrawn_state, '$.checks'),
         captured_at = json_extract(withdrawn_state, '$.captured_at'), updated_at = @now
       WHERE id = @orderId AND withdrawn_state IS NOT NULL`,
    ).run({ orderId, now });
  }
  stmt(db, 'UPDATE orders SET withdrawn_state = NULL, withdrawal_reason = NULL, withdrawal_at = NULL WHERE id = ?').run(orderId);
}

export interface MirroredOrder {
  id: string;
  task_code: string;
  student_id: string;
  status: OrderStatus;
  station_id: string;
  revision: number;
  reason: string | null;
  current: boolean;
  conflict: boolean;
}

/** Another station's order for a student this station has no live order for: so check-in here says so. */
export function insertMirroredOrder(db: Db, o: MirroredOrder, now: string): void {
  stmt(
    db,
    `INSERT INTO orders (id, task_code, student_id, status, station_id, revision, sync_state, synced_revision, server_revision,
       rejection_reason, server_current, conflict, mirror, created_at, updated_at)
     SELECT @id, @task_code, @student_id, @status, @station_id, @revision, 'synced', @revision, @revision,
       @reason, @current, @conflict, 1, @now, @now
     WHERE NOT EXISTS (SELECT 1 FROM orders WHERE task_code = @task_code AND student_id = @student_id AND status <> '已作废')
     ON CONFLICT(id) DO NOTHING`,
  ).run({ ...o, current: o.current ? 1 : 0, conflict: o.conflict ? 1 : 0, now });
}

export function cancelReservation(db: Db, id: string, now: string): void {
  stmt(db, `UPDATE reservations SET state = 'cancelled', updated_at = ? WHERE id = ?`).run(now, id);
}

export interface RetakeRow {
  order_id: string;
  student_id: string;
  student_name: string;
  student_no: string | null;
  id_masked: string | null;
  department: string | null;
  reason: string | null;
  decided_at: string | null;
}

/** Students the central review sent back: to be photographed again when they come. */
export function listRetakes(db: Db, taskCode: string): RetakeRow[] {
  return stmt<[string], RetakeRow>(
    db,
    `SELECT o.id AS order_id, s.id AS student_id, s.name AS student_name, s.student_no, s.id_masked, s.department,
       o.rejection_reason AS reason, o.decided_at
     FROM orders o JOIN students s ON s.id = o.student_id
     WHERE o.task_code = ? AND o.status = '被驳回'
       -- another station's rejection that this station has since retaken in an order of its own
       AND NOT EXISTS (SELECT 1 FROM orders x WHERE x.task_code = o.task_code AND x.student_id = o.student_id AND x.id <> o.id
                         AND x.mirror = 0 AND x.status NOT IN ('被驳回', '已作废'))
     ORDER BY COALESCE(o.decided_at, o.updated_at) DESC`,
  ).all(taskCode);
}
