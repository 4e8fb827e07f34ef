import type { OrderRow } from '../../shared/domain/entities.js';
import { listOrdersForDay } from '../db/queries/orders.js';
import type { AppContext } from './AppContext.js';

/** The station's local calendar day, as ISO instants; the photographer's "today" is local time. */
export function localDayBounds(date: string | undefined, now: Date): { start: string; end: string } {
  const base = date ? new Date(`${date}T00:00:00`) : new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const end = new Date(base.getFullYear(), base.getMonth(), base.getDate() + 1);
  return { start: base.toISOString(), end: end.toISOString() };
}

export function localDateString(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function listOrders(ctx: AppContext, taskCode: string, date: string | undefined): OrderRow[] {
  const { start, end } = localDayBounds(date, ctx.now());
  return listOrdersForDay(ctx.db, taskCode, start, end).map((o) => ({
    id: o.id,
    studentId: o.student_id,
    studentName: o.student_name,
    studentNo: o.student_no,
    status: o.status,
    syncState: o.sync_state,
    operatorName: o.operator_name,
    checkedInAt: o.checked_in_at,
    capturedAt: o.captured_at,
    updatedAt: o.updated_at,
    rejectionReason: o.rejection_reason,
  }));
}
