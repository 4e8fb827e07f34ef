import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

/** All SQL of printing (issue 9): print_jobs, and the two order columns migration 0006 added. */

export type PrintJobStateDb = 'queued' | 'submitted' | 'done' | 'failed' | 'cancelled';

export interface PrintJobRow {
  id: string;
  order_id: string;
  kind: 'sheet' | 'receipt';
  layout_id: string | null;
  paper_id: string;
  background: 'blue' | 'white' | null;
  copies: number;
  printer: string;
  tray: string | null;
  state: PrintJobStateDb;
  attempt: number;
  submit_started_at: string | null;
  cups_job_id: number | null;
  cups_state: string | null;
  problem: string | null;
  error: string | null;
  document_path: string | null;
  media: string | null;
  operator_id: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export type PrintJobWithName = PrintJobRow & { student_name: string };

const SELECT_WITH_NAME = `SELECT j.*, s.name AS student_name FROM print_jobs j JOIN orders o ON o.id = j.order_id JOIN students s ON s.id = o.student_id`;

export type NewPrintJob = Pick<PrintJobRow, 'id' | 'order_id' | 'kind' | 'layout_id' | 'paper_id' | 'background' | 'copies' | 'printer' | 'tray' | 'operator_id'>;

/** Deterministic ids make this idempotent: the same request twice leaves one job. True when new. */
export function insertPrintJob(db: Db, j: NewPrintJob, now: string): boolean {
  return (
    stmt(
      db,
      `INSERT INTO print_jobs (id, order_id, kind, layout_id, paper_id, background, copies, printer, tray, state, attempt, operator_id, created_at, updated_at)
       VALUES (@id, @order_id, @kind, @layout_id, @paper_id, @background, @copies, @printer, @tray, 'queued', 1, @operator_id, @now, @now)
       ON CONFLICT(id) DO NOTHING`,
    ).run({ ...j, now }).changes === 1
  );
}

export function getPrintJob(db: Db, id: string): PrintJobWithName | undefined {
  return stmt<[string], PrintJobWithName>(db, `${SELECT_WITH_NAME} WHERE j.id = ?`).get(id);
}

export function listPrintJobsForOrder(db: Db, orderId: string): PrintJobWithName[] {
  return stmt<[string], PrintJobWithName>(db, `${SELECT_WITH_NAME} WHERE j.order_id = ? ORDER BY j.created_at DESC, j.id`).all(orderId);
}

/** The day's jobs (created or changed since `since`) and every job still under way, newest first. */
export function listRecentPrintJobs(db: Db, since: string, limit: number): PrintJobWithName[] {
  return stmt<[string, string, number], PrintJobWithName>(
    db,
    `${SELECT_WITH_NAME} WHERE j.updated_at >= ? OR j.created_at >= ? OR j.state IN ('queued', 'submitted') ORDER BY j.created_at DESC, j.id LIMIT ?`,
  ).all(since, since, limit);
}

export function listActivePrintJobs(db: Db): PrintJobRow[] {
  return stmt<[], PrintJobRow>(db, `SELECT * FROM print_jobs WHERE state IN ('queued', 'submitted') ORDER BY created_at, id`).all();
}

export function setDocument(db: Db, id: string, attempt: number, path: string, media: string | null, now: string): void {
  stmt(db, `UPDATE print_jobs SET document_path = ?, media = ?, updated_at = ? WHERE id = ? AND attempt = ?`).run(path, media, now, id, attempt);
}

/**
 * Written just before lp runs: after a crash, this attempt may already be in CUPS. A claim: it only
 * succeeds over the value the caller read, so two hands can never both send the same attempt.
 */
export function markSubmitStarted(db: Db, id: string, attempt: number, previous: string | null, now: string): boolean {
  return (
    stmt(db, `UPDATE print_jobs SET submit_started_at = ?, updated_at = ? WHERE id = ? AND attempt = ? AND state = 'queued' AND submit_started_at IS ?`).run(
      now,
      now,
      id,
      attempt,
      previous,
    ).changes === 1
  );
}

export function markSubmitted(db: Db, id: string, attempt: number, cupsJobId: number, now: string): boolean {
  return (
    stmt(db, `UPDATE print_jobs SET state = 'submitted', cups_job_id = ?, cups_state = 'pending', updated_at = ? WHERE id = ? AND attempt = ? AND state = 'queued'`).run(
      cupsJobId,
      now,
      id,
      attempt,
    ).changes === 1
  );
}

/** What CUPS and the printer say while the job is under way; false when nothing changed. */
export function updateCupsProgress(db: Db, id: string, attempt: number, cupsState: string, problem: string | null, now: string): boolean {
  return (
    stmt(
      db,
      `UPDATE print_jobs SET cups_state = ?, problem = ?, updated_at = ?
       WHERE id = ? AND attempt = ? AND state = 'submitted' AND (cups_state IS NOT ? OR problem IS NOT ?)`,
    ).run(cupsState, problem, now, id, attempt, cupsState, problem).changes === 1
  );
}

export function markPrintDone(db: Db, id: string, attempt: number, now: string): boolean {
  return (
    stmt(db, `UPDATE print_jobs SET state = 'done', cups_state = 'completed', problem = NULL, error = NULL, updated_at = ?, finished_at = ? WHERE id = ? AND attempt = ? AND state = 'submitted'`).run(
      now,
      now,
      id,
      attempt,
    ).changes === 1
  );
}

export function markPrintFailed(db: Db, id: string, attempt: number, error: string, cupsState: string | null, now: string): boolean {
  return (
    stmt(
      db,
      `UPDATE print_jobs SET state = 'failed', error = ?, cups_state = coalesce(?, cups_state), updated_at = ?, finished_at = ?
       WHERE id = ? AND attempt = ? AND state IN ('queued', 'submitted')`,
    ).run(error, cupsState, now, now, id, attempt).changes === 1
  );
}

export function markPrintCancelled(db: Db, id: string, now: string): boolean {
  return (
    stmt(db, `UPDATE print_jobs SET state = 'cancelled', problem = NULL, updated_at = ?, finished_at = ? WHERE id = ? AND state IN ('queued', 'submitted')`).run(now, now, id)
      .changes === 1
  );
}

/** A failed or cancelled job goes back to the queue as its next attempt, maybe to another printer. */
export function requeuePrintJob(db: Db, id: string, printer: string, tray: string | null, now: string): boolean {
  return (
    stmt(
      db,
      `UPDATE print_jobs SET state = 'queued', attempt = attempt + 1, printer = ?, tray = ?, submit_started_at = NULL, cups_job_id = NULL,
         cups_state = NULL, problem = NULL, error = NULL, finished_at = NULL, updated_at = ?
       WHERE id = ? AND state IN ('failed', 'cancelled')`,
    ).run(printer, tray, now, id).changes === 1
  );
}

// ---- orders: receipt token and prints added on site ----

export function getReceiptToken(db: Db, orderId: string): string | null | undefined {
  const row = stmt<[string], { receipt_token: string | null }>(db, 'SELECT receipt_token FROM orders WHERE id = ?').get(orderId);
  return row ? row.receipt_token : undefined;
}

/** Sets the token only when the order has none: the first one made wins, for good. */
export function setReceiptTokenOnce(db: Db, orderId: string, token: string): void {
  stmt(db, 'UPDATE orders SET receipt_token = ? WHERE id = ? AND receipt_token IS NULL').run(token, orderId);
}

export function getOrderPrints(db: Db, orderId: string): string | null {
  return stmt<[string], { prints: string | null }>(db, 'SELECT prints FROM orders WHERE id = ?').get(orderId)?.prints ?? null;
}

export function setOrderPrints(db: Db, orderId: string, prints: string | null, now: string): boolean {
  return stmt(db, 'UPDATE orders SET prints = ?, updated_at = ? WHERE id = ?').run(prints, now, orderId).changes === 1;
}

export interface OrderForPrint {
  id: string;
  task_code: string;
  status: string;
  student_name: string;
  student_no: string | null;
  spec_id: string | null;
  school_name: string;
  captured_at: string | null;
  receipt_token: string | null;
  prints: string | null;
  capture_id: string | null;
  original_path: string | null;
  finished_path: string | null;
  finished_sha256: string | null;
  face: string | null;
  width: number | null;
  height: number | null;
}

/** The order with what printing needs of its student, task and chosen shot. */
export function getOrderForPrint(db: Db, orderId: string): OrderForPrint | undefined {
  return stmt<[string], OrderForPrint>(
    db,
    `SELECT o.id, o.task_code, o.status, s.name AS student_name, s.student_no, t.spec_id, t.school_name, o.captured_at, o.receipt_token, o.prints,
       c.id AS capture_id, c.original_path, coalesce(o.finished_path, c.finished_path) AS finished_path, c.finished_sha256, c.face, c.width, c.height
     FROM orders o JOIN students s ON s.id = o.student_id LEFT JOIN tasks t ON t.code = o.task_code LEFT JOIN captures c ON c.id = o.chosen_capture_id
     WHERE o.id = ?`,
  ).get(orderId);
}
