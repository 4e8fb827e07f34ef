import type { Selectable } from 'kysely';
import type { ReservationsTable } from './schema.js';
import { lockRows, type Tx } from './tx.js';

export type ReservationRow = Selectable<ReservationsTable>;

export async function getReservation(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<ReservationRow | undefined> {
  const q = tx.db.selectFrom('reservations').selectAll().where('id', '=', id);
  return (opts.lock ? lockRows(tx, q) : q).executeTakeFirst();
}

export async function reservationsByIds(tx: Tx, ids: readonly string[]): Promise<ReservationRow[]> {
  if (ids.length === 0) return [];
  return tx.db.selectFrom('reservations').selectAll().where('id', 'in', ids).execute();
}

/** The student's reservations in a task that are not cancelled, newest first, locked. */
export async function liveReservationsOf(tx: Tx, taskCode: string, studentId: string): Promise<ReservationRow[]> {
  const q = tx.db
    .selectFrom('reservations')
    .selectAll()
    .where('task_code', '=', taskCode)
    .where('student_id', '=', studentId)
    .where('state', '!=', 'cancelled')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  return lockRows(tx, q).execute();
}

export async function insertReservation(tx: Tx, row: ReservationRow): Promise<void> {
  await tx.db.insertInto('reservations').values(row).execute();
}

export async function updateReservation(tx: Tx, id: string, row: Partial<Omit<ReservationRow, 'id' | 'created_at'>>): Promise<void> {
  await tx.db.updateTable('reservations').set(row).where('id', '=', id).execute();
}

export async function listReservations(tx: Tx, filter: { taskCode?: string; settlement?: string; date?: string }): Promise<ReservationRow[]> {
  let q = tx.db.selectFrom('reservations').selectAll();
  if (filter.taskCode) q = q.where('task_code', '=', filter.taskCode);
  if (filter.settlement) q = q.where('settlement', '=', filter.settlement);
  if (filter.date) q = q.where('slot_date', '=', filter.date);
  return q.orderBy('task_code').orderBy('slot_date').orderBy('id').execute();
}

/** Reservations of one session date that are not cancelled and whose student has no captured
 * order in the task: the no-shows. Locked, since closing the session changes them. */
export async function noShowReservations(tx: Tx, taskCode: string, date: string, capturedStatuses: readonly string[]): Promise<ReservationRow[]> {
  const q = tx.db
    .selectFrom('reservations as r')
    .selectAll('r')
    .where('r.task_code', '=', taskCode)
    .where('r.slot_date', '=', date)
    .where('r.state', '!=', 'cancelled')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('orders as o')
            .select('o.id')
            .whereRef('o.task_code', '=', 'r.task_code')
            .whereRef('o.student_id', '=', 'r.student_id')
            .where('o.status', 'in', capturedStatuses),
        ),
      ),
    )
    .orderBy('r.id');
  return lockRows(tx, q).execute();
}

export async function insertSessionClosure(tx: Tx, taskCode: string, date: string, now: string): Promise<void> {
  await tx.db
    .insertInto('session_closures')
    .values({ task_code: taskCode, date, closed_at: now })
    .onConflict((oc) => oc.columns(['task_code', 'date']).doUpdateSet({ closed_at: now }))
    .execute();
}
