import type { OrderStatus, SyncState } from '../../../shared/domain/status.js';
import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

/** Reconciliation's reads and its one write (a done or parked job back in the queue). */

export interface ReconcileOrderRow {
  id: string;
  status: OrderStatus;
  revision: number;
  synced_revision: number | null;
  server_revision: number | null;
  sync_state: SyncState;
  sync_error: string | null;
  updated_at: string;
  chosen_capture_id: string | null;
  student_name: string;
  student_no: string | null;
  original_path: string | null;
  original_sha256: string | null;
  finished_path: string | null;
  finished_sha256: string | null;
}

export function listStationOrders(db: Db, task: string, stationId: string): ReconcileOrderRow[] {
  return stmt<[string, string], ReconcileOrderRow>(
    db,
    `SELECT o.id, o.status, o.revision, o.synced_revision, o.server_revision, o.sync_state, o.sync_error, o.updated_at, o.chosen_capture_id,
       s.name AS student_name, s.student_no, c.original_path, c.sha256 AS original_sha256, c.finished_path, c.finished_sha256
     FROM orders o JOIN students s ON s.id = o.student_id LEFT JOIN captures c ON c.id = o.chosen_capture_id
     WHERE o.task_code = ? AND o.station_id = ? ORDER BY o.updated_at DESC`,
  ).all(task, stationId);
}

export function countOtherStationOrders(db: Db, task: string, stationId: string): number {
  return stmt<[string, string], { n: number }>(db, 'SELECT count(*) AS n FROM orders WHERE task_code = ? AND station_id <> ?').get(task, stationId)!.n;
}

export interface ReconcileJobRow {
  id: string;
  kind: 'order.upsert' | 'photo.upload';
  order_id: string;
  state: 'queued' | 'active' | 'parked' | 'done';
  last_error: string | null;
}

export function listOrderJobs(db: Db, task: string): ReconcileJobRow[] {
  return stmt<[string], ReconcileJobRow>(
    db,
    `SELECT j.id, j.kind, j.order_id, j.state, j.last_error FROM outbox_jobs j JOIN orders o ON o.id = j.order_id
     WHERE o.task_code = ? AND j.kind IN ('order.upsert', 'photo.upload')`,
  ).all(task);
}

/** A job that finished without the server's acknowledgement on record, or was parked, runs again. */
export function requeueJob(db: Db, id: string, now: string): boolean {
  return (
    stmt(
      db,
      `UPDATE outbox_jobs SET state = 'queued', attempts = 0, next_attempt_at = @now, upload_url = NULL, updated_at = @now
       WHERE id = @id AND state IN ('done', 'parked')`,
    ).run({ id, now }).changes === 1
  );
}
