import type { Migration } from './types.js';

/**
 * What the sync engine needs to survive a crash and to mirror the server:
 * - a cursor per change feed, written in the same transaction as the page it acknowledges;
 * - on an outbox job: the tus upload URL (so a killed upload resumes where it stopped), the bytes
 *   still to send (the backlog in bytes at a glance) and a priority (an order goes up before its
 *   photos, so the server can say which photos it already holds);
 * - on an order: what the server last said about it (its revision, whether it is the current one
 *   when two stations captured the same student, the conflict flag);
 * - on a student: the server's id, when the row was first made here (roster import, walk-in).
 */
export const m0004Sync: Migration = {
  version: 4,
  name: 'sync',
  up: `
CREATE TABLE feed_cursors (
  feed TEXT PRIMARY KEY,
  cursor TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

ALTER TABLE outbox_jobs ADD COLUMN upload_url TEXT;
ALTER TABLE outbox_jobs ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox_jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
UPDATE outbox_jobs SET priority = CASE kind WHEN 'order.upsert' THEN 0 WHEN 'photo.upload' THEN 1 ELSE 2 END;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox_jobs(state, priority, next_attempt_at);

ALTER TABLE orders ADD COLUMN server_revision INTEGER;
ALTER TABLE orders ADD COLUMN server_current INTEGER NOT NULL DEFAULT 1;
ALTER TABLE orders ADD COLUMN conflict INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN decided_at TEXT;

ALTER TABLE students ADD COLUMN server_id TEXT;
CREATE UNIQUE INDEX students_server_id ON students(task_code, server_id) WHERE server_id IS NOT NULL;
`,
};
