import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

export interface CaptureRow {
  id: string;
  order_id: string;
  original_path: string;
  sha256: string;
  camera: string;
  taken_at: string;
  width: number | null;
  height: number | null;
  still_checks: string | null;
  verdict_status: 'pass' | 'warn' | 'fail' | null;
  finished_path: string | null;
  finished_sha256: string | null;
  face: string | null;
  /** 1: taken before the order's rejection in review (0009): never to be accepted again. */
  before_rejection: number;
  rejected_reason: string | null;
}

export function insertCapture(
  db: Db,
  c: Pick<CaptureRow, 'id' | 'order_id' | 'original_path' | 'sha256' | 'camera' | 'taken_at' | 'width' | 'height'>,
): void {
  stmt(
    db,
    `INSERT INTO captures (id, order_id, original_path, sha256, camera, taken_at, width, height)
     VALUES (@id, @order_id, @original_path, @sha256, @camera, @taken_at, @width, @height)`,
  ).run(c);
}

export function getCapture(db: Db, id: string): CaptureRow | undefined {
  return stmt<[string], CaptureRow>(db, 'SELECT * FROM captures WHERE id = ?').get(id);
}

export function listCapturesForOrder(db: Db, orderId: string): CaptureRow[] {
  return stmt<[string], CaptureRow>(db, 'SELECT * FROM captures WHERE order_id = ? ORDER BY taken_at, id').all(orderId);
}

/** Records a shot's result once; false when it already had one (a finish is final). */
export function setCaptureResult(
  db: Db,
  id: string,
  r: Pick<CaptureRow, 'finished_path' | 'finished_sha256' | 'verdict_status' | 'still_checks' | 'face'>,
): boolean {
  return (
    stmt(
      db,
      `UPDATE captures SET finished_path = @finished_path, finished_sha256 = @finished_sha256, verdict_status = @verdict_status,
         still_checks = @still_checks, face = @face WHERE id = @id AND still_checks IS NULL`,
    ).run({ ...r, id }).changes === 1
  );
}
