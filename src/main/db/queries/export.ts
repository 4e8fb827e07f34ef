import type { OrderStatus, SyncState } from '../../../shared/domain/status.js';
import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';
import { liveOrderIdSql } from './orders.js';

/**
 * The day batch export's reads. The students of a day are those expected that day (a reservation
 * for one of the day's slots, not cancelled) and those whose order was checked in or captured that
 * day, each with the task's order (at most one per student), its accepted capture and operator.
 * `dayStart`/`dayEnd` are the instants bounding the local days; `fromDate`/`toDate` the dates.
 */

export interface ExportStudentRow {
  student_id: string;
  name: string;
  gender: string | null;
  id_enc: string | null;
  id_masked: string | null;
  student_no: string | null;
  exam_no: string | null;
  school_name: string;
  school_code: string | null;
  department: string | null;
  major: string | null;
  class_name: string | null;
  edu_level: string | null;
  source: 'roster' | 'walkin';
  /** The reserved slot in the range (else the order's own), as `YYYY-MM-DD HH:MM-HH:MM`. */
  slot: string | null;
  expected: 0 | 1;
  order_id: string | null;
  status: OrderStatus | null;
  sync_state: SyncState | null;
  station_id: string | null;
  operator_name: string | null;
  checked_in_at: string | null;
  captured_at: string | null;
  checks: string | null;
  rejection_reason: string | null;
  face_match_decision: string | null;
  face_match_score: number | null;
  face_match_override_reason: string | null;
  chosen_capture_id: string | null;
  finished_path: string | null;
  finished_sha256: string | null;
  original_path: string | null;
  original_sha256: string | null;
}

export interface DayRange {
  task: string;
  fromDate: string;
  toDate: string;
  dayStart: string;
  dayEnd: string;
}

const SLOT_DATES = `
  slot_dates AS (
    SELECT json_extract(j.value, '$.id') AS slot_id, json_extract(j.value, '$.date') AS date,
      json_extract(j.value, '$.start') AS start_time, json_extract(j.value, '$.end') AS end_time
    FROM tasks t, json_each(t.slots) j WHERE t.code = @task
  ),
  expected AS (
    SELECT r.student_id, sd.date, sd.start_time, sd.end_time
    FROM reservations r JOIN slot_dates sd ON sd.slot_id = r.slot_id
    WHERE r.task_code = @task AND r.state <> 'cancelled' AND sd.date >= @fromDate AND sd.date <= @toDate
  )`;

export function listExportStudents(db: Db, r: DayRange): ExportStudentRow[] {
  return stmt<[DayRange], ExportStudentRow>(
    db,
    `WITH ${SLOT_DATES},
     day_orders AS (
       SELECT student_id FROM orders WHERE task_code = @task AND status <> '已作废'
         AND ((checked_in_at >= @dayStart AND checked_in_at < @dayEnd) OR (captured_at >= @dayStart AND captured_at < @dayEnd))
     ),
     ids AS (SELECT student_id FROM expected UNION SELECT student_id FROM day_orders)
     SELECT s.id AS student_id, s.name, s.gender, s.id_enc, s.id_masked, s.student_no, s.exam_no, s.school_name, s.school_code,
       s.department, s.major, s.class_name, s.edu_level, s.source,
       COALESCE(
         (SELECT e.date || ' ' || e.start_time || '-' || e.end_time FROM expected e WHERE e.student_id = s.id ORDER BY e.date, e.start_time LIMIT 1),
         (SELECT sd.date || ' ' || sd.start_time || '-' || sd.end_time FROM reservations rr JOIN slot_dates sd ON sd.slot_id = rr.slot_id WHERE rr.id = o.reservation_id)
       ) AS slot,
       EXISTS (SELECT 1 FROM expected e WHERE e.student_id = s.id) AS expected,
       o.id AS order_id, o.status, o.sync_state, o.station_id, op.name AS operator_name, o.checked_in_at, o.captured_at, o.checks,
       o.rejection_reason, o.face_match_decision, o.face_match_score, o.face_match_override_reason, o.chosen_capture_id,
       o.finished_path, c.finished_sha256, c.original_path, c.sha256 AS original_sha256
     FROM ids JOIN students s ON s.id = ids.student_id
     -- A void order's photos are kept aside, never exported: the student's live order is (this station's own first).
     LEFT JOIN orders o ON o.id = ${liveOrderIdSql('@task', 's.id')}
     LEFT JOIN captures c ON c.id = o.chosen_capture_id
     LEFT JOIN operators op ON op.id = o.operator_id
     ORDER BY s.department, s.class_name, s.student_no, s.name, s.id`,
  ).all(r);
}

/** Reasons given for accepting failed checks on the accepted shot of each of the task's orders. */
export function listAcceptedCheckOverrides(db: Db, task: string): { order_id: string; check_id: string; reason: string }[] {
  return stmt<[string], { order_id: string; check_id: string; reason: string }>(
    db,
    `SELECT a.entity_id AS order_id, json_extract(a.detail, '$.checkId') AS check_id, a.reason
     FROM audit_log a JOIN orders o ON o.id = a.entity_id
     WHERE a.action = 'check.override' AND a.entity = 'order' AND o.task_code = ? AND a.reason IS NOT NULL
       AND json_extract(a.detail, '$.captureId') = o.chosen_capture_id
     ORDER BY a.id`,
  ).all(task);
}

export interface ExportRetakeRow {
  order_id: string;
  name: string;
  student_no: string | null;
  department: string | null;
  class_name: string | null;
  reason: string | null;
  decided_at: string | null;
}

/** Every order of the task the central review sent back (被驳回) and not yet photographed again. */
export function listPendingRetakes(db: Db, task: string): ExportRetakeRow[] {
  return stmt<[string], ExportRetakeRow>(
    db,
    `SELECT o.id AS order_id, s.name, s.student_no, s.department, s.class_name, o.rejection_reason AS reason, o.decided_at
     FROM orders o JOIN students s ON s.id = o.student_id
     WHERE o.task_code = ? AND o.status = '被驳回' ORDER BY s.department, s.class_name, s.student_no, s.name`,
  ).all(task);
}
