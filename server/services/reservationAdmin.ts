import { z } from 'zod';
import { signReservationToken } from '../../src/shared/checkin/reservationToken.js';
import { endOfLocalDay, lastSessionDate } from '../../src/shared/checkin/taskRules.js';
import type { TimeSlot } from '../../src/shared/domain/entities.js';
import type { PaymentState } from '../../src/shared/domain/status.js';
import type { ReservationItem } from '../../src/shared/sync/protocol.js';
import { recordChanges } from '../db/feedLog.js';
import {
  getReservation,
  insertReservation,
  insertSessionClosure,
  listReservations,
  liveReservationsOf,
  noShowReservations,
  updateReservation,
  type ReservationRow,
} from '../db/reservations.js';
import { getStudent, studentsByIds } from '../db/students.js';
import { getTask } from '../db/tasks.js';
import { inTransaction } from '../db/tx.js';
import { CAPTURED_STATUSES } from '../domain/orderStatus.js';
import type { ReservationBody } from '../http/adminSchemas.js';
import { ServerFailure } from '../http/ServerFailure.js';
import { randomToken } from '../security/secrets.js';
import { nowIso, type ServerContext } from '../ServerContext.js';
import { reservationItem } from './feedItems.js';
import type { Settlement } from './settlement.js';
import { taskSecret } from './taskAdmin.js';

export type ReservationView = ReservationItem & { settlement: Settlement; slotDate: string | null; cancelReason: string | null; updatedAt: string };

export function reservationView(r: ReservationRow): ReservationView {
  return { ...reservationItem(r), settlement: r.settlement as Settlement, slotDate: r.slot_date, cancelReason: r.cancel_reason, updatedAt: r.updated_at };
}

const notFound = () => new ServerFailure('NOT_FOUND', { zh: '没有这个预约', en: 'No such reservation' });

/** Books a student into a slot and signs the CC1 token with the task's key (DESIGN §4). One live
 * reservation per student and task. */
export async function createReservation(ctx: ServerContext, body: z.infer<typeof ReservationBody>): Promise<ReservationView> {
  const now = nowIso(ctx);
  return inTransaction(ctx.tx, async (t) => {
    const task = await getTask(t, body.taskCode);
    if (!task) throw new ServerFailure('UNKNOWN_TASK');
    const student = await getStudent(t, body.studentId, { lock: true });
    if (!student || student.task_code !== task.code) throw new ServerFailure('NOT_FOUND', { zh: '该任务中没有这个学生', en: 'No such student in this task' });
    if ((await liveReservationsOf(t, task.code, student.id)).length > 0) {
      throw new ServerFailure('CONFLICT', { zh: '该学生已有有效预约', en: 'This student already has a live reservation' });
    }
    const slots = JSON.parse(task.slots) as TimeSlot[];
    const slot = body.slotId ? slots.find((s) => s.id === body.slotId) : undefined;
    if (body.slotId && !slot) throw new ServerFailure('BAD_REQUEST', { zh: '没有这个时段', en: 'No such slot in the task', details: [`slotId: ${body.slotId}`] });
    // Good at any session of the task, not only the booked slot's day (高校学生图像采集, 注意事项 3):
    // a student who missed the slot comes to a later session. Stations also apply the task's dates
    // to tokens signed before this rule, so exp here is what a station without the task's dates sees.
    const validUntil = lastSessionDate(JSON.parse(task.session_dates) as string[])!;
    const id = `${task.code}-R${randomToken(9)}`;
    const token = signReservationToken({ rid: id, sid: student.id, task: task.code, slot: slot?.id ?? null, exp: endOfLocalDay(validUntil) }, taskSecret(ctx, task));
    const row: ReservationRow = {
      id,
      task_code: task.code,
      student_id: student.id,
      slot_id: slot?.id ?? null,
      slot_date: slot?.date ?? null,
      payment_state: body.paymentState,
      state: 'active',
      settlement: 'none',
      token,
      created_at: now,
      updated_at: now,
      cancelled_at: null,
      cancel_reason: null,
    };
    await insertReservation(t, row);
    await recordChanges(t, [{ feed: 'reservations', key: id }]);
    return reservationView(row);
  });
}

/** Cancels a reservation: stations learn it through the reservations and revocations feeds and
 * refuse its token; a pre-authorised payment is marked for refund. */
export async function cancelReservation(ctx: ServerContext, id: string, reason: string): Promise<ReservationView> {
  const now = nowIso(ctx);
  return inTransaction(ctx.tx, async (t) => {
    const r = await getReservation(t, id, { lock: true });
    if (!r) throw notFound();
    if (r.state === 'cancelled') return reservationView(r);
    if (r.state !== 'active') throw new ServerFailure('CONFLICT', { zh: '预约已使用，不能取消', en: 'The reservation was used and cannot be cancelled' });
    const settlement = r.payment_state === '预授权' && r.settlement === 'none' ? 'to_refund' : r.settlement;
    await updateReservation(t, id, { state: 'cancelled', cancelled_at: now, cancel_reason: reason, settlement, updated_at: now });
    await recordChanges(t, [
      { feed: 'reservations', key: id },
      { feed: 'revocations', key: id },
    ]);
    return reservationView((await getReservation(t, id))!);
  });
}

export interface NoShow {
  reservationId: string;
  studentId: string;
  studentName: string;
  slotId: string | null;
  paymentState: PaymentState;
  settlement: Settlement;
}

/**
 * Closes one session date of a task: its reservations whose student has no captured order are the
 * no-shows; a pre-authorised payment among them is marked for refund. Closing again is harmless
 * (and lists the same no-shows, minus any whose order has arrived since).
 */
export async function closeSession(ctx: ServerContext, taskCode: string, date: string): Promise<{ taskCode: string; date: string; closedAt: string; noShows: NoShow[] }> {
  const now = nowIso(ctx);
  return inTransaction(ctx.tx, async (t) => {
    const task = await getTask(t, taskCode);
    if (!task) throw new ServerFailure('UNKNOWN_TASK');
    const rows = await noShowReservations(t, taskCode, date, CAPTURED_STATUSES);
    const names = new Map((await studentsByIds(t, [...new Set(rows.map((r) => r.student_id))])).map((s) => [s.id, s.name]));
    const noShows: NoShow[] = [];
    for (const r of rows) {
      let settlement = r.settlement as Settlement;
      if (r.payment_state === '预授权' && settlement === 'none') {
        settlement = 'to_refund';
        await updateReservation(t, r.id, { settlement, updated_at: now });
      }
      noShows.push({ reservationId: r.id, studentId: r.student_id, studentName: names.get(r.student_id) ?? '', slotId: r.slot_id, paymentState: r.payment_state as PaymentState, settlement });
    }
    await insertSessionClosure(t, taskCode, date, now);
    return { taskCode, date, closedAt: now, noShows };
  });
}

export async function reservationViews(ctx: ServerContext, filter: { taskCode?: string | undefined; settlement?: string | undefined; date?: string | undefined }): Promise<ReservationView[]> {
  const f: { taskCode?: string; settlement?: string; date?: string } = {};
  if (filter.taskCode) f.taskCode = filter.taskCode;
  if (filter.settlement) f.settlement = filter.settlement;
  if (filter.date) f.date = filter.date;
  return (await listReservations(ctx.tx, f)).map(reservationView);
}

/** Records what the payment provider did (no provider is called here): to_settle → settled
 * (已扣款), to_refund → refunded (已退款). */
export async function recordSettlement(ctx: ServerContext, id: string, outcome: 'settled' | 'refunded'): Promise<ReservationView> {
  const now = nowIso(ctx);
  return inTransaction(ctx.tx, async (t) => {
    const r = await getReservation(t, id, { lock: true });
    if (!r) throw notFound();
    const from = outcome === 'settled' ? 'to_settle' : 'to_refund';
    if (r.settlement === outcome) return reservationView(r);
    if (r.settlement !== from) throw new ServerFailure('CONFLICT', { zh: `预约结算状态为 ${r.settlement}，不能标记为 ${outcome}`, en: `Settlement is ${r.settlement}; cannot mark ${outcome}` });
    await updateReservation(t, id, { settlement: outcome, payment_state: outcome === 'settled' ? '已扣款' : '已退款', updated_at: now });
    await recordChanges(t, [{ feed: 'reservations', key: id }]);
    return reservationView((await getReservation(t, id))!);
  });
}
