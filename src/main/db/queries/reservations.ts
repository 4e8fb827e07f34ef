import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

export interface ReservationRow {
  id: string;
  task_code: string;
  student_id: string;
  slot_id: string | null;
  payment_state: '预授权' | '已扣款' | '已退款' | '未支付';
  state: 'active' | 'used' | 'cancelled';
  token: string | null;
}

export function upsertReservation(db: Db, r: ReservationRow, now: string): void {
  stmt(
    db,
    `INSERT INTO reservations (id, task_code, student_id, slot_id, payment_state, state, token, updated_at)
     VALUES (@id, @task_code, @student_id, @slot_id, @payment_state, @state, @token, @now)
     ON CONFLICT(id) DO UPDATE SET slot_id = excluded.slot_id, payment_state = excluded.payment_state, state = excluded.state,
       token = excluded.token, updated_at = excluded.updated_at`,
  ).run({ ...r, now });
}

/** The student's live reservation if any, else the most recent one (a cancelled one still explains things). */
export function getReservationForStudent(db: Db, studentId: string): ReservationRow | undefined {
  return stmt<[string], ReservationRow>(
    db,
    `SELECT id, task_code, student_id, slot_id, payment_state, state, token FROM reservations WHERE student_id = ?
     ORDER BY CASE state WHEN 'active' THEN 0 WHEN 'used' THEN 1 ELSE 2 END, updated_at DESC LIMIT 1`,
  ).get(studentId);
}

export function getReservation(db: Db, id: string): ReservationRow | undefined {
  return stmt<[string], ReservationRow>(db, 'SELECT id, task_code, student_id, slot_id, payment_state, state, token FROM reservations WHERE id = ?').get(id);
}
