import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

/** The outbox as the sync engine works it: claim, complete, retry, park. */

export interface ClaimedJobRow {
  id: string;
  kind: string;
  order_id: string | null;
  payload: string;
  attempts: number;
  upload_url: string | null;
}

export function resetActiveJobs(db: Db, now: string): number {
  return stmt(db, `UPDATE outbox_jobs SET state = 'queued', updated_at = ? WHERE state = 'active'`).run(now).changes;
}

/** Orders before photos, then oldest due first; claimed in the same statement so two loops never share a job. */
export function claimDueJob(db: Db, now: string): ClaimedJobRow | undefined {
  return stmt<[{ now: string }], ClaimedJobRow>(
    db,
    `UPDATE outbox_jobs SET state = 'active', updated_at = @now
     WHERE id = (SELECT id FROM outbox_jobs WHERE state = 'queued' AND next_attempt_at <= @now
                 ORDER BY priority, next_attempt_at, created_at LIMIT 1)
     RETURNING id, kind, order_id, payload, attempts, upload_url`,
  ).get({ now });
}

export function nextDueAt(db: Db): string | null {
  return stmt<[], { at: string | null }>(db, `SELECT MIN(next_attempt_at) AS at FROM outbox_jobs WHERE state = 'queued'`).get()?.at ?? null;
}

export function completeJob(db: Db, id: string, now: string): void {
  stmt(db, `UPDATE outbox_jobs SET state = 'done', upload_url = NULL, last_error = NULL, updated_at = ? WHERE id = ?`).run(now, id);
}

export function retryJob(db: Db, id: string, nextAt: string, error: string, now: string): void {
  stmt(db, `UPDATE outbox_jobs SET state = 'queued', attempts = attempts + 1, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?`).run(nextAt, error, now, id);
}

export function parkJob(db: Db, id: string, reason: string, now: string): void {
  stmt(db, `UPDATE outbox_jobs SET state = 'parked', last_error = ?, updated_at = ? WHERE id = ?`).run(reason, now, id);
}

export function setUploadUrl(db: Db, id: string, url: string | null, now: string): void {
  stmt(db, `UPDATE outbox_jobs SET upload_url = ?, updated_at = ? WHERE id = ?`).run(url, now, id);
}

/** Parked jobs back in the queue, and the orders they belong to (whose sync state changes). */
export function requeueParked(db: Db, now: string): { jobs: number; orderIds: string[] } {
  const rows = stmt<[string, string], { order_id: string | null }>(
    db,
    `UPDATE outbox_jobs SET state = 'queued', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE state = 'parked' RETURNING order_id`,
  ).all(now, now);
  return { jobs: rows.length, orderIds: [...new Set(rows.flatMap((r) => (r.order_id ? [r.order_id] : [])))] };
}

/** Photo jobs of this order for photos the server holds are done without sending a byte. */
export function completeHeldPhotoJobs(db: Db, orderId: string, heldSha256: readonly string[], now: string): number {
  return stmt(
    db,
    `UPDATE outbox_jobs SET state = 'done', upload_url = NULL, last_error = NULL, updated_at = @now
     WHERE order_id = @orderId AND kind = 'photo.upload' AND state IN ('queued', 'parked')
       AND json_extract(payload, '$.sha256') IN (SELECT value FROM json_each(@held))`,
  ).run({ orderId, held: JSON.stringify(heldSha256), now }).changes;
}

/** Order jobs for revisions the server now holds (the check-in's r1 once r2 went up) are done unsent. */
export function completeSubsumedOrderJobs(db: Db, orderId: string, revision: number, now: string): number {
  return stmt(
    db,
    `UPDATE outbox_jobs SET state = 'done', last_error = NULL, updated_at = @now
     WHERE order_id = @orderId AND kind = 'order.upsert' AND state IN ('queued', 'parked')
       AND json_extract(payload, '$.revision') IS NOT NULL AND json_extract(payload, '$.revision') <= @revision`,
  ).run({ orderId, revision, now }).changes;
}

export function recordServerRevision(db: Db, orderId: string, revision: number, serverRevision: number): void {
  stmt(
    db,
    `UPDATE orders SET synced_revision = MAX(COALESCE(synced_revision, 0), @revision), server_revision = @serverRevision WHERE id = @orderId`,
  ).run({ orderId, revision, serverRevision });
}

/** pending while work is queued, failed when a job is parked (with its reason), else synced. */
export function refreshOrderSyncState(db: Db, orderId: string): void {
  stmt(
    db,
    `UPDATE orders SET
       sync_state = CASE
         WHEN EXISTS (SELECT 1 FROM outbox_jobs WHERE order_id = @id AND state = 'parked') THEN 'failed'
         WHEN EXISTS (SELECT 1 FROM outbox_jobs WHERE order_id = @id AND state IN ('queued', 'active')) THEN 'pending'
         ELSE 'synced' END,
       sync_error = (SELECT last_error FROM outbox_jobs WHERE order_id = @id AND state = 'parked' ORDER BY updated_at DESC LIMIT 1)
     WHERE id = @id`,
  ).run({ id: orderId });
}

export interface BacklogRow {
  jobs: number;
  bytes: number;
}

export function backlog(db: Db): BacklogRow {
  return stmt<[], BacklogRow>(db, `SELECT COUNT(*) AS jobs, COALESCE(SUM(bytes), 0) AS bytes FROM outbox_jobs WHERE state IN ('queued', 'active')`).get()!;
}

export interface ParkedJobRow {
  id: string;
  kind: string;
  order_id: string | null;
  student_name: string | null;
  last_error: string | null;
  updated_at: string;
}

export function listParkedJobs(db: Db, limit = 50): ParkedJobRow[] {
  return stmt<[number], ParkedJobRow>(
    db,
    `SELECT j.id, j.kind, j.order_id, s.name AS student_name, j.last_error, j.updated_at
     FROM outbox_jobs j LEFT JOIN orders o ON o.id = j.order_id LEFT JOIN students s ON s.id = o.student_id
     WHERE j.state = 'parked' ORDER BY j.updated_at DESC LIMIT ?`,
  ).all(limit);
}

export function getFeedCursor(db: Db, feed: string): string {
  return stmt<[string], { cursor: string }>(db, 'SELECT cursor FROM feed_cursors WHERE feed = ?').get(feed)?.cursor ?? '0';
}

export function setFeedCursor(db: Db, feed: string, cursor: string, now: string): void {
  stmt(
    db,
    `INSERT INTO feed_cursors (feed, cursor, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(feed) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
  ).run(feed, cursor, now);
}
