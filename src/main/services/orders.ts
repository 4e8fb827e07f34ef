import type { OrderRow } from '../../shared/domain/entities.js';
import { localDayBounds } from '../../shared/localDate.js';
import { listOrdersForDay } from '../db/queries/orders.js';
import type { AppContext } from './AppContext.js';

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
