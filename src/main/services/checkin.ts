import { randomUUID } from 'node:crypto';
import type { Operator } from '../../shared/domain/entities.js';
import type { OrderStatus } from '../../shared/domain/status.js';
import { AppError } from '../../shared/errors.js';
import { writeAudit } from '../db/queries/audit.js';
import { getOrderForStudent, insertCheckedInOrder } from '../db/queries/orders.js';
import { enqueueJob } from '../db/queries/outbox.js';
import { getReservationForStudent } from '../db/queries/reservations.js';
import { getStudent } from '../db/queries/students.js';
import type { AppContext } from './AppContext.js';

export interface CheckinResult {
  orderId: string;
  status: OrderStatus;
  alreadyCheckedIn: boolean;
}

/** Opens the student's order (已签到). Idempotent: a second confirm returns the existing order.
 * The order row and its sync job commit together, so a crash never leaves one without the other. */
export function confirmCheckin(ctx: AppContext, operator: Operator, taskCode: string, studentId: string, overrideReason: string | null): CheckinResult {
  const result = ctx.db.transaction(() => openOrderInTransaction(ctx, operator, taskCode, studentId, overrideReason)).immediate();
  if (!result.alreadyCheckedIn) ctx.emit('orders.changed', { taskCode, orderId: result.orderId });
  return result;
}

/**
 * For callers that create the student in the same transaction (walk-ins); they emit the event.
 * A student whose only reservation was cancelled (and perhaps refunded) is checked in only with a
 * reason, which goes to the audit log: the scan said so, and so does the service.
 */
export function openOrderInTransaction(ctx: AppContext, operator: Operator, taskCode: string, studentId: string, overrideReason: string | null): CheckinResult {
  const student = getStudent(ctx.db, taskCode, studentId);
  if (!student) throw new AppError('NOT_FOUND', { zh: '名单中没有这位学生', en: 'No such student in this task' });
  const existing = getOrderForStudent(ctx.db, taskCode, studentId);
  // Another station's order (rejected there, say) is that station's: a retake here is an order of this
  // station's own, and the server flags the pair for a person.
  if (existing && !existing.mirror) return { orderId: existing.id, status: existing.status, alreadyCheckedIn: true };
  const reservation = getReservationForStudent(ctx.db, studentId);
  const cancelled = reservation?.state === 'cancelled';
  if (cancelled && !overrideReason) {
    throw new AppError('OVERRIDE_REQUIRED', {
      zh: '该学生的预约已取消（可能已退款），请填写原因后再签到',
      en: "This student's reservation was cancelled (perhaps refunded); give a reason to check in anyway",
    });
  }
  const now = ctx.now().toISOString();
  const orderId = randomUUID();
  insertCheckedInOrder(
    ctx.db,
    {
      id: orderId,
      task_code: taskCode,
      student_id: studentId,
      reservation_id: reservation?.state === 'active' ? reservation.id : null,
      operator_id: operator.id,
      station_id: ctx.stationId,
      needs_match: student.source === 'walkin' ? 1 : 0,
    },
    now,
  );
  enqueueJob(ctx.db, { id: `order:${orderId}:r1`, kind: 'order.upsert', order_id: orderId, payload: { orderId, revision: 1 } }, now);
  writeAudit(ctx.db, { at: now, operatorId: operator.id, action: 'checkin.confirm', entity: 'order', entityId: orderId, detail: { studentId } });
  if (cancelled) {
    writeAudit(ctx.db, {
      at: now,
      operatorId: operator.id,
      action: 'checkin.override',
      entity: 'order',
      entityId: orderId,
      detail: { studentId, blocker: 'reservation_cancelled', reservationId: reservation.id },
      reason: overrideReason!,
    });
  }
  return { orderId, status: '已签到', alreadyCheckedIn: false };
}
