import type { OrderStatus, SyncState } from '../../../shared/domain/status.js';
import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

export interface OrderRowDb {
  id: string;
  task_code: string;
  student_id: string;
  reservation_id: string | null;
  status: OrderStatus;
  operator_id: string | null;
  station_id: string;
  revision: number;
  sync_state: SyncState;
  rejection_reason: string | null;
  /** Set by a pull: another station photographed the same student (the server keeps the later). */
  conflict: number;
  /** 1: another station's order, mirrored here; this station never changes it. */
  mirror: number;
  checked_in_at: string | null;
  captured_at: string | null;
  updated_at: string;
}

/**
 * SQL for the id of a student's live order in a task: this station's own, else another station's
 * mirrored here (a void one has made way for a new check-in). One definition for every query that
 * shows a student with "their" order, so a student with a void or mirrored order is listed once.
 */
export function liveOrderIdSql(taskExpr: string, studentExpr: string): string {
  return `(SELECT lo.id FROM orders lo WHERE lo.task_code = ${taskExpr} AND lo.student_id = ${studentExpr} AND lo.status <> '已作废' ORDER BY lo.mirror LIMIT 1)`;
}

export function getOrderForStudent(db: Db, taskCode: string, studentId: string): OrderRowDb | undefined {
  return stmt<[{ task: string; student: string }], OrderRowDb>(db, `SELECT * FROM orders WHERE id = ${liveOrderIdSql('@task', '@student')}`).get({ task: taskCode, student: studentId });
}

export interface NewOrder {
  id: string;
  task_code: string;
  student_id: string;
  reservation_id: string | null;
  operator_id: string;
  station_id: string;
  needs_match: 0 | 1;
}

export function insertCheckedInOrder(db: Db, o: NewOrder, now: string): void {
  stmt(
    db,
    `INSERT INTO orders (id, task_code, student_id, reservation_id, status, operator_id, station_id, needs_match, revision, sync_state,
       checked_in_at, created_at, updated_at)
     VALUES (@id, @task_code, @student_id, @reservation_id, '已签到', @operator_id, @station_id, @needs_match, 1, 'pending', @now, @now, @now)`,
  ).run({ ...o, now });
}

export interface OrderListRow {
  id: string;
  student_id: string;
  student_name: string;
  student_no: string | null;
  status: OrderStatus;
  sync_state: SyncState;
  operator_name: string | null;
  checked_in_at: string | null;
  captured_at: string | null;
  updated_at: string;
  rejection_reason: string | null;
}

/** A day's queue: orders checked in that day, and older ones that changed that day (a review
 * result arriving, a retake). `dayStart`/`dayEnd` are ISO instants bounding the local day. */
export function listOrdersForDay(db: Db, taskCode: string, dayStart: string, dayEnd: string): OrderListRow[] {
  return stmt<[{ task: string; start: string; end: string }], OrderListRow>(
    db,
    `SELECT o.id, o.student_id, s.name AS student_name, s.student_no, o.status, o.sync_state, op.name AS operator_name,
       o.checked_in_at, o.captured_at, o.updated_at, o.rejection_reason
     FROM orders o JOIN students s ON s.id = o.student_id LEFT JOIN operators op ON op.id = o.operator_id
     WHERE o.task_code = @task AND ((o.checked_in_at >= @start AND o.checked_in_at < @end) OR (o.updated_at >= @start AND o.updated_at < @end))
     ORDER BY o.updated_at DESC`,
  ).all({ task: taskCode, start: dayStart, end: dayEnd });
}

export function getOrder(db: Db, id: string): (OrderRowDb & { chosen_capture_id: string | null; finished_path: string | null; checks: string | null }) | undefined {
  return stmt<[string], OrderRowDb & { chosen_capture_id: string | null; finished_path: string | null; checks: string | null }>(
    db,
    'SELECT * FROM orders WHERE id = ?',
  ).get(id);
}

/** 已签到 → 采集中 when the first shot is taken, at a new revision (the server shows where capture
 * stands, as the station does); any other state is left alone. The new revision, or null. */
export function markCapturing(db: Db, id: string, now: string): number | null {
  const row = stmt<[string, string], { revision: number }>(
    db,
    `UPDATE orders SET status = '采集中', revision = revision + 1, sync_state = 'pending', updated_at = ? WHERE id = ? AND status = '已签到' RETURNING revision`,
  ).get(now, id);
  return row?.revision ?? null;
}

/** The accepted shot: the order becomes 已采集 at a new revision, to be synced again. */
export function acceptCaptureForOrder(
  db: Db,
  o: { id: string; captureId: string; finishedPath: string; checks: string; operatorId: string; now: string },
): number {
  const row = stmt<[typeof o], { revision: number }>(
    db,
    `UPDATE orders SET status = '已采集', chosen_capture_id = @captureId, finished_path = @finishedPath, checks = @checks,
       operator_id = @operatorId, captured_at = @now, updated_at = @now, revision = revision + 1, sync_state = 'pending'
     WHERE id = @id RETURNING revision`,
  ).get(o);
  return row!.revision;
}

/** 已作废 at a new revision, to be synced; the shots stay on disk, kept aside. */
export function voidOrderRow(db: Db, o: { id: string; reason: string; operatorId: string; now: string }): number {
  return stmt<[typeof o], { revision: number }>(
    db,
    `UPDATE orders SET status = '已作废', void_reason = @reason, voided_at = @now, operator_id = @operatorId,
       revision = revision + 1, sync_state = 'pending', updated_at = @now
     WHERE id = @id RETURNING revision`,
  ).get(o)!.revision;
}

/**
 * 撤回审核: back to capture at a new revision. What the order was is kept until the server answers,
 * so a withdrawal a reviewer overtook can be undone; a second withdrawal before that keeps the first's.
 */
export function withdrawOrderRow(db: Db, o: { id: string; reason: string; operatorId: string; now: string }): number {
  return stmt<[typeof o], { revision: number }>(
    db,
    `UPDATE orders SET
       withdrawn_state = COALESCE(withdrawn_state, json_object('chosen_capture_id', chosen_capture_id, 'finished_path', finished_path,
         'checks', checks, 'captured_at', captured_at)),
       status = '采集中', chosen_capture_id = NULL, finished_path = NULL, checks = NULL, captured_at = NULL,
       withdrawal_reason = @reason, withdrawal_at = @now, operator_id = @operatorId,
       revision = revision + 1, sync_state = 'pending', updated_at = @now
     WHERE id = @id RETURNING revision`,
  ).get(o)!.revision;
}
