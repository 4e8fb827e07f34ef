import type { Migration } from './types.js';

/**
 * Printing (issue 9):
 * - orders.receipt_token: 128 random bits (base64url) made once per order, printed on the receipt
 *   slip as `<server>/r/<token>`; it names the order to the central server and reveals nothing by
 *   itself. Unique, so a token finds exactly one order.
 * - orders.prints: the prints a student asked for at the station (加洗, added on site), JSON
 *   [{layoutId, background, copies}]. Reservations carry none yet.
 * - print_jobs: prints queued like orders, with a deterministic id per request so a repeated
 *   request or a crash never loses or duplicates one. queued → submitted (cups_job_id) →
 *   done | failed, or cancelled; submit_started_at marks a hand-over to CUPS that may have
 *   happened before a crash, resolved by looking the job's title up in CUPS, never by re-sending.
 */
export const m0006Printing: Migration = {
  version: 6,
  name: 'printing',
  up: `
ALTER TABLE orders ADD COLUMN receipt_token TEXT;
ALTER TABLE orders ADD COLUMN prints TEXT;
CREATE UNIQUE INDEX orders_receipt_token ON orders(receipt_token) WHERE receipt_token IS NOT NULL;

CREATE TABLE print_jobs (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  kind TEXT NOT NULL CHECK (kind IN ('sheet', 'receipt')),
  layout_id TEXT,
  paper_id TEXT NOT NULL,
  background TEXT CHECK (background IN ('blue', 'white')),
  copies INTEGER NOT NULL DEFAULT 1 CHECK (copies BETWEEN 1 AND 20),
  printer TEXT NOT NULL,
  tray TEXT,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'submitted', 'done', 'failed', 'cancelled')),
  attempt INTEGER NOT NULL DEFAULT 1,
  submit_started_at TEXT,
  cups_job_id INTEGER,
  cups_state TEXT,
  problem TEXT,                  -- JSON PrinterProblem while the job waits at the printer
  error TEXT,                    -- JSON {zh, en} when failed
  document_path TEXT,            -- the rendered PDF handed to lp, kept for a retry
  media TEXT,                    -- CUPS media for it (lp -o media=…)
  operator_id TEXT REFERENCES operators(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT,
  CHECK ((state = 'submitted') = (cups_job_id IS NOT NULL) OR state IN ('done', 'failed', 'cancelled')),
  CHECK (kind = 'receipt' OR layout_id IS NOT NULL)
) STRICT;
CREATE INDEX print_jobs_order ON print_jobs(order_id, created_at);
CREATE INDEX print_jobs_active ON print_jobs(state) WHERE state IN ('queued', 'submitted');
`,
};
