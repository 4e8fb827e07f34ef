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
  voided_at: string | null;
  /** Shots of this order taken in the range (not its shots of other days). */
  shots_in_range: number;
}

/** Orders checked in, accepted or voided in the range (any station; only this station's carry times). */
export function listReportOrders(db: Db, r: DayRange): ReportOrderRow[] {
  return stmt<[DayRange], ReportOrderRow>(
    db,
    `SELECT o.id, o.station_id, o.status, o.reservation_id, o.checked_in_at, o.captured_at, o.sync_state,
       o.face_match_decision, o.face_match_override_reason, op.name AS operator_name, o.voided_at,
       (SELECT count(*) FROM captures c WHERE c.order_id = o.id AND c.taken_at >= @dayStart AND c.taken_at < @dayEnd) AS shots_in_range
     FROM orders o LEFT JOIN operators op ON op.id = o.operator_id
     WHERE o.task_code = @task
       AND ((o.checked_in_at >= @dayStart AND o.checked_in_at < @dayEnd) OR (o.captured_at >= @dayStart AND o.captured_at < @dayEnd)
            OR (o.voided_at >= @dayStart AND o.voided_at < @dayEnd))`,
  ).all(r);
}

export interface ExpectedStudentRow {
  student_id: string;
  order_station: string | null;
  order_status: OrderStatus | null;
}

/** Students with a reservation for one of the range's slots (not cancelled), one row each, with the
 * order that says where they are: this station's live one, else another station's mirrored here (a
 * student rejected there may be retaken here), else the latest void one. */
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
     FROM expected e LEFT JOIN orders o ON o.id = (
       SELECT x.id FROM orders x WHERE x.task_code = @task AND x.student_id = e.student_id
       ORDER BY x.status = '已作废', x.mirror, x.updated_at DESC LIMIT 1)`,
  ).all(r);
}

/** Shots taken in the range, per check they failed (each shot once per check). */
export function countFailedChecks(db: Db, r: DayRange): { check_id: string; n: number }[] {
  return stmt<[DayRange], { check_id: string; n: number }>(
    db,
    `SELECT json_extract(j.value, '$.id') AS check_id, count(DISTINCT c.id) AS n
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

/**
 * Of the shots countFailedChecks counts, per check, those accepted with a reason: a subset, so it can
 * never exceed the failed shots. A shot counts once per check however often it was accepted (again
 * after a retake, or accepted anew), and a shot taken before the range counts on its own day.
 */
export function countCheckOverrides(db: Db, r: DayRange): { check_id: string; n: number }[] {
  return stmt<[DayRange], { check_id: string; n: number }>(
    db,
    `SELECT json_extract(a.detail, '$.checkId') AS check_id, count(DISTINCT c.id) AS n
     FROM audit_log a JOIN orders o ON o.id = a.entity_id
       JOIN captures c ON c.id = json_extract(a.detail, '$.captureId') AND c.order_id = o.id
     WHERE a.action = 'check.override' AND a.entity = 'order' AND o.task_code = @task
       AND c.taken_at >= @dayStart AND c.taken_at < @dayEnd AND c.still_checks IS NOT NULL
       AND EXISTS (SELECT 1 FROM json_each(c.still_checks, '$.checks') j
                   WHERE json_extract(j.value, '$.id') = json_extract(a.detail, '$.checkId') AND json_extract(j.value, '$.status') = 'fail')
     GROUP BY check_id`,
  ).all(r);
}

/** Students with a photo accepted in the range for an order that had one accepted before: retakes
 * done, each student once however many times they were retaken. */
export function countRetakesDone(db: Db, r: DayRange): number {
  return stmt<[DayRange], { n: number }>(
    db,
    `SELECT count(DISTINCT o.student_id) AS n FROM audit_log a JOIN orders o ON o.id = a.entity_id
     WHERE a.action = 'capture.accept' AND a.entity = 'order' AND o.task_code = @task AND a.at >= @dayStart AND a.at < @dayEnd
       AND EXISTS (SELECT 1 FROM audit_log b WHERE b.action = 'capture.accept' AND b.entity = 'order' AND b.entity_id = a.entity_id AND b.id < a.id)`,
  ).get(r)!.n;
}

/**
 * pending: students of the task whose photo the review rejected and who have no other live order
 * since (another station's rejection retaken here is done). rejected_in_range: students whose order
 * the review rejected in the range, retaken since or not: the order keeps the rejection's reason and
 * time until the next decision (a rejection overtaken by an approval within the range is not kept).
 */
export function countRetakes(db: Db, r: DayRange): { pending: number; rejected_in_range: number } {
  return stmt<[DayRange], { pending: number; rejected_in_range: number }>(
    db,
    `SELECT
       (SELECT count(DISTINCT o.student_id) FROM orders o WHERE o.task_code = @task AND o.status = '被驳回'
          AND NOT EXISTS (SELECT 1 FROM orders x WHERE x.task_code = o.task_code AND x.student_id = o.student_id AND x.id <> o.id
                            AND x.status NOT IN ('被驳回', '已作废'))) AS pending,
       (SELECT count(DISTINCT student_id) FROM orders WHERE task_code = @task
          AND (status = '被驳回' OR rejection_reason IS NOT NULL) AND decided_at >= @dayStart AND decided_at < @dayEnd) AS rejected_in_range`,
  ).get(r)!;
}

export function syncQueueFigures(db: Db): { parked: number; oldest_queued_at: string | null } {
  return stmt<[], { parked: number; oldest_queued_at: string | null }>(
    db,
    `SELECT (SELECT count(*) FROM outbox_jobs WHERE state = 'parked') AS parked,
       (SELECT MIN(created_at) FROM outbox_jobs WHERE state IN ('queued', 'active')) AS oldest_queued_at`,
  ).get()!;
}
