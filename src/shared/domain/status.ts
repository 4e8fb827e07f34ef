import { z } from 'zod';

/** Local capture states: owned by the station. */
export const LOCAL_STATUSES = ['已签到', '采集中', '已采集'] as const;
/** Business states: owned by the central server and mirrored here after a pull. */
export const BUSINESS_STATUSES = ['待审核', '被驳回', '待制作', '已完成', '已作废'] as const;
export const ORDER_STATUSES = [...LOCAL_STATUSES, ...BUSINESS_STATUSES] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

/** A photo exists and was accepted; 被驳回 is not here because a rejected student comes back for a retake. */
export const CAPTURED_STATUSES: readonly OrderStatus[] = ['已采集', '待审核', '待制作', '已完成'];
export function isCaptured(status: OrderStatus): boolean {
  return CAPTURED_STATUSES.includes(status);
}

/** Sync state is its own column and never mixed into the business status. */
export const SYNC_STATES = ['pending', 'synced', 'failed'] as const;
export const SyncState = z.enum(SYNC_STATES);
export type SyncState = z.infer<typeof SyncState>;

export const EDU_LEVELS = ['专科', '本科', '硕士', '博士'] as const;
export const EduLevel = z.enum(EDU_LEVELS);
export type EduLevel = z.infer<typeof EduLevel>;

export const PAYMENT_STATES = ['预授权', '已扣款', '已退款', '未支付'] as const;
export const PaymentState = z.enum(PAYMENT_STATES);
export type PaymentState = z.infer<typeof PaymentState>;

export const RESERVATION_STATES = ['active', 'used', 'cancelled'] as const;
export const ReservationState = z.enum(RESERVATION_STATES);
export type ReservationState = z.infer<typeof ReservationState>;

export const ROLES = ['photographer', 'manager'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
