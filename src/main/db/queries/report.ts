import type { OrderStatus, SyncState } from '../../../shared/domain/status.js';
import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';
import type { DayRange } from './export.js';

/** The day report's counts, straight from the store. Ranges are [dayStart, dayEnd) instants and
 * [fromDate, toDate] local dates (for reservation slots), as in queries/export.ts. */

export interface ReportOrderRow {
  id: string;
  station_id: string;
  status: OrderStatus;
  reservation_id: string | null;
  checked_in_at: string | null;
  captured_at: string | null;
  sync_state: SyncState;
  face_match_decision: string | null;
  face_match_override_reason: string | null;
  operator_name: string | null;
  captures: number;
}

/** Orders checked in or accepted in the range (any station; only this station's carry times). */
export function listReportOrders(db: Db, r: DayRange): ReportOrderRow[] {
  return stmt<[DayRange], ReportOrderRow>(
    db,
    `SELECT o.id, o.station_id, o.status, o.reservation_id, o.checked_in_at, o.captured_at, o.sync_state,
       o.face_match_decision, o.face_match_override_reason, op.name AS operator_name,
       (SELECT count(*) FROM captures c WHERE c.order_id = o.id) AS captures
     FROM orders o LEFT JOIN operators op ON op.id = o.operator_id
     WHERE o.task_code = @task
       AND ((o.checked_in_at >= @dayStart AND o.checked_in_at < @dayEnd) OR (o.captured_at >= @dayStart AND o.captured_at < @dayEnd))`,
  ).all(r);
}

export interface ExpectedStudentRow {
  student_id: string;
  order_station: string | null;
  order_status: OrderStatus | null;
}

/** Students with a reservation for one of the range's slots (not cancelled), with their order if any. */
export function listExpectedStudents(db: Db, r: DayRange): ExpectedStudentRow[] {
  return stmt<[DayRange], ExpectedStudentRow>(
    db,
    `WITH slot_dates AS (
       SELECT json_extract(j.value, '$.id') AS slot_id, json_extract(j.value, '$.date') AS date
       FROM tasks t, json_each(t.slots) j WHERE t.code = @task
     ),
     expected AS (
       SELECT DISTINCT r.student_id FROM reservations r JOIN slot_dates sd ON sd.slot_id = r.slot_id
       WHERE r.task_code = @task AND r.state <> 'cancelled' AND sd.date >= @fromDate AND sd.date <= @toDate
     )
     SELECT e.student_id, o.station_id AS order_station, o.status AS order_status
     FROM expected e LEFT JOIN orders o ON o.task_code = @task AND o.student_id = e.student_id`,
  ).all(r);
}

/** Shots taken in the range, per check they failed. */
export function countFailedChecks(db: Db, r: DayRange): { check_id: string; n: number }[] {
  return stmt<[DayRange], { check_id: string; n: number }>(
    db,
    `SELECT json_extract(j.value, '$.id') AS check_id, count(*) AS n
     FROM captures c JOIN orders o ON o.id = c.order_id, json_each(c.still_checks, '$.checks') j
     WHERE o.task_code = @task AND c.taken_at >= @dayStart AND c.taken_at < @dayEnd AND c.still_checks IS NOT NULL
       AND json_extract(j.value, '$.status') = 'fail'
     GROUP BY check_id`,
  ).all(r);
}

export function countShots(db: Db, r: DayRange): number {
  return stmt<[DayRange], { n: number }>(
    db,
    `SELECT count(*) AS n FROM captures c JOIN orders o ON o.id = c.order_id
     WHERE o.task_code = @task AND c.taken_at >= @dayStart AND c.taken_at < @dayEnd`,
  ).get(r)!.n;
}

/** Failed checks accepted with a reason in the range, per check. */
export function countCheckOverrides(db: Db, r: DayRange): { check_id: string; n: number }[] {
  return stmt<[DayRange], { check_id: string; n: number }>(
    db,
    `SELECT json_extract(a.detail, '$.checkId') AS check_id, count(*) AS n
     FROM audit_log a JOIN orders o ON o.id = a.entity_id
     WHERE a.action = 'check.override' AND a.entity = 'order' AND o.task_code = @task AND a.at >= @dayStart AND a.at < @dayEnd
     GROUP BY check_id`,
  ).all(r);
}

/** Photos accepted in the range for an order that had one accepted before: retakes done. */
export function countRetakesDone(db: Db, r: DayRange): number {
  return stmt<[DayRange], { n: number }>(
    db,
    `SELECT count(*) AS n FROM audit_log a JOIN orders o ON o.id = a.entity_id
     WHERE a.action = 'capture.accept' AND a.entity = 'order' AND o.task_code = @task AND a.at >= @dayStart AND a.at < @dayEnd
       AND EXISTS (SELECT 1 FROM audit_log b WHERE b.action = 'capture.accept' AND b.entity = 'order' AND b.entity_id = a.entity_id AND b.id < a.id)`,
  ).get(r)!.n;
}

export function countRetakes(db: Db, r: DayRange): { pending: number; rejected_in_range: number } {
  return stmt<[DayRange], { pending: number; rejected_in_range: number }>(
    db,
    `SELECT
       (SELECT count(*) FROM orders WHERE task_code = @task AND status = '被驳回') AS pending,
       (SELECT count(*) FROM orders WHERE task_code = @task AND status = '被驳回' AND decided_at >= @dayStart AND decided_at < @dayEnd) AS rejected_in_range`,
  ).get(r)!;
}

export function syncQueueFigures(db: Db): { parked: number; oldest_queued_at: string | null } {
  return stmt<[], { parked: number; oldest_queued_at: string | null }>(
    db,
    `SELECT (SELECT count(*) FROM outbox_jobs WHERE state = 'parked') AS parked,
       (SELECT MIN(created_at) FROM outbox_jobs WHERE state IN ('queued', 'active')) AS oldest_queued_at`,
  ).get()!;
}
