import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

/**
 * The orders this station made for a student (not the ones it mirrors from another station): an
 * admission photo imported for the student goes up with each of them on the next sync.
 */
export function ownOrderIdsOfStudent(db: Db, studentId: string, stationId: string): string[] {
  return stmt<[string, string], { id: string }>(db, 'SELECT id FROM orders WHERE student_id = ? AND station_id = ? ORDER BY created_at')
    .all(studentId, stationId)
    .map((r) => r.id);
}

/** Whose order this is: the admission photo sent with it is that student's. */
export function orderStudentId(db: Db, orderId: string): string | undefined {
  return stmt<[string], { student_id: string }>(db, 'SELECT student_id FROM orders WHERE id = ?').get(orderId)?.student_id;
}
