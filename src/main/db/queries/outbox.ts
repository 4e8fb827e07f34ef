import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

export interface OutboxJobInsert {
  id: string;
  kind: 'order.upsert' | 'photo.upload' | 'student.correction';
  order_id: string | null;
  payload: Record<string, unknown>;
  /** What the job will send, for the backlog figure (photos; an order's JSON is negligible). */
  bytes?: number;
}

/** An order goes up before its photos: the server's answer says which photos it already holds. */
const PRIORITY: Record<OutboxJobInsert['kind'], number> = { 'order.upsert': 0, 'photo.upload': 1, 'student.correction': 2 };

/** Deterministic ids make this idempotent: enqueueing the same revision twice leaves one job. */
export function enqueueJob(db: Db, job: OutboxJobInsert, now: string): void {
  stmt(
    db,
    `INSERT INTO outbox_jobs (id, kind, order_id, payload, state, attempts, next_attempt_at, created_at, updated_at, bytes, priority)
     VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
  ).run(job.id, job.kind, job.order_id, JSON.stringify(job.payload), now, now, now, job.bytes ?? 0, PRIORITY[job.kind]);
}

export interface OutboxJobRow {
  id: string;
  kind: string;
  order_id: string | null;
  payload: string;
  state: 'queued' | 'active' | 'parked' | 'done';
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
}

export function listJobsForOrder(db: Db, orderId: string): OutboxJobRow[] {
  return stmt<[string], OutboxJobRow>(db, 'SELECT id, kind, order_id, payload, state, attempts, next_attempt_at, last_error FROM outbox_jobs WHERE order_id = ? ORDER BY created_at').all(orderId);
}
