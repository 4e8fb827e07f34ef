import type { Database } from 'better-sqlite3';
import type { Migration } from './types.js';

/**
 * The collection centres' order rules (issue 14):
 * - 已作废: a site manager voids an order with a reason; its photos are kept aside and the student may
 *   be checked in again. One *live* order of this station's own per student and task, so the table's
 *   UNIQUE (task_code, student_id) becomes a partial unique index that ignores void orders and other
 *   stations' orders mirrored here (a student rejected at another station is retaken here in an order
 *   of this station's own: the server owns orders by station). SQLite cannot drop a table
 *   constraint, so the table is rebuilt (SQLite's documented procedure: migrate() switches foreign
 *   keys off around it and checks every reference before the commit).
 * - 撤回审核: an order taken back out of review for a new photo keeps, until the server answers,
 *   what it was (to restore it if a reviewer had already decided).
 * - A photo rejected by review is never accepted again: shots taken before a rejection are marked.
 */
function up(db: Database): void {
  db.exec(`
CREATE TABLE orders_new (
  id TEXT PRIMARY KEY,
  task_code TEXT NOT NULL REFERENCES tasks(code),
  student_id TEXT NOT NULL REFERENCES students(id),
  reservation_id TEXT REFERENCES reservations(id),
  status TEXT NOT NULL CHECK (status IN ('已签到', '采集中', '已采集', '待审核', '被驳回', '待制作', '已完成', '已作废')),
  chosen_capture_id TEXT,
  finished_path TEXT,
  checks TEXT,
  face_match_score REAL,
  operator_id TEXT REFERENCES operators(id),
  station_id TEXT NOT NULL,
  rejection_reason TEXT,
  needs_match INTEGER NOT NULL DEFAULT 0,
  revision INTEGER NOT NULL DEFAULT 1,
  sync_state TEXT NOT NULL DEFAULT 'pending' CHECK (sync_state IN ('pending', 'synced', 'failed')),
  synced_revision INTEGER,
  sync_error TEXT,
  checked_in_at TEXT,
  captured_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  server_revision INTEGER,
  server_current INTEGER NOT NULL DEFAULT 1,
  conflict INTEGER NOT NULL DEFAULT 0,
  decided_at TEXT,
  face_match_decision TEXT CHECK (face_match_decision IN ('比对通过', '比对不通过', '需人工确认', '未比对')),
  face_match_override_reason TEXT,
  face_match_issues TEXT,
  receipt_token TEXT,
  prints TEXT,
  void_reason TEXT,
  voided_at TEXT,
  withdrawal_reason TEXT,
  withdrawal_at TEXT,
  -- JSON {chosen_capture_id, finished_path, checks, captured_at} before the withdrawal, until the server answers
  withdrawn_state TEXT,
  -- 1: another station's order, mirrored so check-in here can say so; never this station's to change
  mirror INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO orders_new (id, task_code, student_id, reservation_id, status, chosen_capture_id, finished_path, checks, face_match_score,
  operator_id, station_id, rejection_reason, needs_match, revision, sync_state, synced_revision, sync_error, checked_in_at, captured_at,
  created_at, updated_at, server_revision, server_current, conflict, decided_at, face_match_decision, face_match_override_reason,
  face_match_issues, receipt_token, prints)
SELECT id, task_code, student_id, reservation_id, status, chosen_capture_id, finished_path, checks, face_match_score,
  operator_id, station_id, rejection_reason, needs_match, revision, sync_state, synced_revision, sync_error, checked_in_at, captured_at,
  created_at, updated_at, server_revision, server_current, conflict, decided_at, face_match_decision, face_match_override_reason,
  face_match_issues, receipt_token, prints FROM orders;
UPDATE orders_new SET mirror = 1 WHERE station_id <> COALESCE((SELECT value FROM settings WHERE key = 'station.id'), station_id);
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE UNIQUE INDEX orders_live_student ON orders(task_code, student_id) WHERE status <> '已作废' AND mirror = 0;
CREATE INDEX orders_task_updated ON orders(task_code, updated_at);
CREATE UNIQUE INDEX orders_receipt_token ON orders(receipt_token) WHERE receipt_token IS NOT NULL;
CREATE INDEX orders_task_captured ON orders(task_code, captured_at);
CREATE INDEX orders_task_checked_in ON orders(task_code, checked_in_at);
CREATE INDEX orders_student ON orders(task_code, student_id);

ALTER TABLE captures ADD COLUMN rejected_reason TEXT;
ALTER TABLE captures ADD COLUMN before_rejection INTEGER NOT NULL DEFAULT 0;
-- Orders already rejected: the rejected photo and every shot taken up to its acceptance.
UPDATE captures SET before_rejection = 1
  WHERE EXISTS (SELECT 1 FROM orders o WHERE o.id = captures.order_id AND o.status = '被驳回' AND captures.taken_at <= COALESCE(o.captured_at, captures.taken_at));
UPDATE captures SET rejected_reason = (SELECT rejection_reason FROM orders o WHERE o.chosen_capture_id = captures.id AND o.status = '被驳回')
  WHERE id IN (SELECT chosen_capture_id FROM orders WHERE status = '被驳回');
`);
}

export const m0009OrderLifecycle: Migration = { version: 9, name: 'order-lifecycle', up, rebuildsTables: true };
