import type { OrderStatus } from './status.js';

/**
 * Who may move an order where, from the collection centres' rules (DESIGN §3). Shared by the
 * station (which offers the actions) and the server (which has the last word), so both apply the
 * same rule to the same state.
 */

/** 撤回审核: while the order waits in review and no reviewer has decided (or before it even got there). */
export function withdrawalAllowed(status: OrderStatus | null): boolean {
  return status === null || status === '已签到' || status === '采集中' || status === '已采集' || status === '待审核';
}

/** A station may take back into capture only an accepted photo that nobody has decided on. */
export function canWithdraw(status: OrderStatus): boolean {
  return status === '已采集' || status === '待审核';
}

/** 已作废 by the site manager: anything not yet produced (and not void already). */
export function voidAllowed(status: OrderStatus | null): boolean {
  return status !== '已完成' && status !== '已作废';
}
