import type { Operator } from '../../shared/domain/entities.js';
import type { OrderStatus } from '../../shared/domain/status.js';
import { canWithdraw, voidAllowed } from '../../shared/domain/lifecycle.js';
import { DEFAULT_TASK_RIGHTS, roleMay, taskRightRefusal, type TaskRight } from '../../shared/domain/taskRights.js';
import { AppError } from '../../shared/errors.js';
import { writeAudit } from '../db/queries/audit.js';
import { getOrder, voidOrderRow, withdrawOrderRow } from '../db/queries/orders.js';
import { enqueueJob } from '../db/queries/outbox.js';
import { getTaskRights } from '../db/queries/tasks.js';
import type { AppContext } from './AppContext.js';

/**
 * The two ways to take an order back (DESIGN §3, the centres' manuals): 作废 is the site manager's,
 * 撤回审核 the site manager's or a photographer's where the task allows it. Each is a new
 * revision with its sync job in one transaction, audited, and works offline: the server has the
 * last word when the change reaches it (a reviewer's decision beats a withdrawal; a produced order
 * cannot be voided), and the station then shows what the server holds.
 */

function ownOrder(ctx: AppContext, orderId: string) {
  const order = getOrder(ctx.db, orderId);
  if (!order) throw new AppError('NOT_FOUND', { zh: '没有这个订单', en: 'No such order' });
  // Another station's order is mirrored here only so check-in can say so; it is that station's to change.
  if (order.station_id !== ctx.stationId) {
    throw new AppError('FORBIDDEN', { zh: '这是其他采集站的订单，只能由该站处理', en: "This is another station's order; only that station can change it" });
  }
  return order;
}

interface TakeBack {
  action: 'order.void' | 'order.withdraw';
  /** The task right that lets a photographer do it too; without one it is the site manager's alone (the router checks that). */
  right?: TaskRight;
  allowed(status: OrderStatus): boolean;
  refusal(status: OrderStatus): { zh: string; en: string };
  write(db: AppContext['db'], o: { id: string; reason: string; operatorId: string; now: string }): number;
}

/** Both ways back share one shape: the station's own order, the rule, a new revision with its sync job, the audit line. */
function takeBack(ctx: AppContext, operator: Operator, orderId: string, reason: string, how: TakeBack): { revision: number } {
  const r = ctx.db
    .transaction(() => {
      const order = ownOrder(ctx, orderId);
      // Decided here, on the order's own task, because the rights are the task's (set on the server,
      // pulled with it) and the router knows only the role.
      if (how.right && !roleMay(operator.role, how.right, getTaskRights(ctx.db, order.task_code) ?? DEFAULT_TASK_RIGHTS)) {
        throw new AppError('FORBIDDEN', taskRightRefusal(how.right));
      }
      if (!how.allowed(order.status)) throw new AppError('CONFLICT', how.refusal(order.status));
      const now = ctx.now().toISOString();
      const revision = how.write(ctx.db, { id: orderId, reason, operatorId: operator.id, now });
      enqueueJob(ctx.db, { id: `order:${orderId}:r${revision}`, kind: 'order.upsert', order_id: orderId, payload: { orderId, revision } }, now);
      writeAudit(ctx.db, { at: now, operatorId: operator.id, action: how.action, entity: 'order', entityId: orderId, detail: { from: order.status, revision, role: operator.role }, reason });
      return { revision, taskCode: order.task_code };
    })
    .immediate();
  ctx.emit('orders.changed', { taskCode: r.taskCode, orderId });
  return { revision: r.revision };
}

/**
 * 已作废 (a wrong student photographed, a test shot, a duplicate walk-in): the photos are kept aside,
 * never exported or printed, the server learns it, and the student may be checked in again.
 */
export function voidOrder(ctx: AppContext, operator: Operator, orderId: string, reason: string): { revision: number } {
  return takeBack(ctx, operator, orderId, reason, {
    action: 'order.void',
    allowed: voidAllowed,
    refusal: (status) =>
      status === '已作废'
        ? { zh: '订单已作废', en: 'The order is void already' }
        : { zh: `订单已${status}，不能作废`, en: `The order is ${status} and can no longer be voided` },
    write: voidOrderRow,
  });
}

/**
 * 撤回审核: the student asks for a new photo while the order waits in review; the site manager, or a
 * photographer where the task allows it, takes it back with a reason. The order goes back to
 * capture at once (offline too); if a reviewer had already decided when the change reaches the
 * server, the decision stands and the order comes back as the server holds it.
 */
export function withdrawOrder(ctx: AppContext, operator: Operator, orderId: string, reason: string): { revision: number } {
  return takeBack(ctx, operator, orderId, reason, {
    action: 'order.withdraw',
    right: 'withdraw',
    allowed: canWithdraw,
    refusal: (status) => ({
      zh: `订单为「${status}」，只有已采集或待审核（尚未审核）的订单可以撤回`,
      en: `The order is ${status}; only an accepted order not yet reviewed can be withdrawn`,
    }),
    write: withdrawOrderRow,
  });
}
