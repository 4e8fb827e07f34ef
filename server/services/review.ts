import { randomUUID } from 'node:crypto';
import type { OrderUpload } from '../../src/shared/sync/protocol.js';
import { recordChanges } from '../db/feedLog.js';
import { decisionsOf, getOrder, insertDecision, listOrders, updateOrder, type OrderRow } from '../db/orders.js';
import { ordersWithAdmission } from '../db/admissionPhotos.js';
import { photoHolders } from '../db/photos.js';
import { getStudent, studentsByIds } from '../db/students.js';
import { inTransaction } from '../db/tx.js';
import { statusAfterDecision, type Decision } from '../domain/orderStatus.js';
import type { DecisionBody } from '../http/adminSchemas.js';
import { ServerFailure } from '../http/ServerFailure.js';
import { nowIso, type ServerContext } from '../ServerContext.js';
import { regroupStudent } from './orderUpload.js';

type PhotoRefs = OrderUpload['photos'];

/** An order as a reviewer sees it (JSON API and the review page). */
export interface OrderView {
  id: string;
  revision: number;
  taskCode: string;
  studentId: string;
  studentName: string;
  studentNo: string | null;
  department: string | null;
  studentSource: string;
  stationId: string;
  stationName: string;
  operatorName: string | null;
  status: string;
  stationStatus: string;
  reason: string | null;
  current: boolean;
  conflict: boolean;
  /** 撤回审核: its station took it back to capture with `reason`; it waits for a new photo. */
  withdrawn: boolean;
  checkedInAt: string | null;
  capturedAt: string | null;
  decidedAt: string | null;
  updatedAt: string;
  photos: (PhotoRefs[number] & { held: boolean })[];
  /** The finished spec photo to show, when it has arrived. */
  finishedPhoto: string | null;
  checks: OrderUpload['checks'];
  faceMatch: OrderUpload['faceMatch'];
  /** The station sent the student's admission photo (kept sealed; the review page shows it beside the capture). */
  admissionPhoto: boolean;
}

async function views(ctx: ServerContext, orders: OrderRow[]): Promise<OrderView[]> {
  const students = new Map((await studentsByIds(ctx.tx, [...new Set(orders.map((o) => o.student_id))])).map((s) => [s.id, s]));
  const allShas = orders.flatMap((o) => (JSON.parse(o.photos_json) as PhotoRefs).map((p) => p.sha256));
  const holders = await photoHolders(ctx.tx, [...new Set(allShas)]);
  const withAdmission = await ordersWithAdmission(
    ctx.tx,
    orders.map((o) => o.id),
  );
  return orders.map((o) => {
    const s = students.get(o.student_id);
    const photos = (JSON.parse(o.photos_json) as PhotoRefs).map((p) => ({ ...p, held: holders.get(p.sha256)?.has(o.station_id) ?? false }));
    const finished = photos.find((p) => p.role === 'finished' && p.held) ?? null;
    return {
      id: o.id,
      revision: o.revision,
      taskCode: o.task_code,
      studentId: o.student_id,
      studentName: s?.name ?? '',
      studentNo: s?.student_no ?? null,
      department: s?.department ?? null,
      studentSource: s?.source ?? 'station',
      stationId: o.station_id,
      stationName: o.station_name,
      operatorName: o.operator_json ? (JSON.parse(o.operator_json) as { name: string }).name : null,
      status: o.status,
      stationStatus: o.station_status,
      reason: o.reason,
      current: o.current === 1,
      conflict: o.conflict === 1,
      // Only a withdrawal gives an order in a capture state a reason (orderUpload's stationReason).
      withdrawn: (o.status === '已签到' || o.status === '采集中') && o.reason !== null,
      checkedInAt: o.checked_in_at,
      capturedAt: o.captured_at,
      decidedAt: o.decided_at,
      updatedAt: o.updated_at,
      photos,
      finishedPhoto: finished?.sha256 ?? null,
      checks: o.checks_json ? (JSON.parse(o.checks_json) as OrderUpload['checks']) : null,
      faceMatch: o.face_match_json ? (JSON.parse(o.face_match_json) as OrderUpload['faceMatch']) : null,
      admissionPhoto: withAdmission.has(o.id),
    };
  });
}

export async function orderViews(ctx: ServerContext, filter: { status?: string | undefined; taskCode?: string | undefined; withdrawn?: boolean; limit: number }): Promise<OrderView[]> {
  const f: { status?: string; taskCode?: string; withdrawn?: boolean; limit: number } = { limit: filter.limit, ...(filter.withdrawn ? { withdrawn: true } : {}) };
  if (filter.status) f.status = filter.status;
  if (filter.taskCode) f.taskCode = filter.taskCode;
  return views(ctx, await listOrders(ctx.tx, f));
}

export async function orderDetail(ctx: ServerContext, id: string): Promise<OrderView & { decisions: { decision: string; statusAfter: string; reason: string | null; revision: number; decidedBy: string; decidedAt: string }[] }> {
  const o = await getOrder(ctx.tx, id);
  if (!o) throw new ServerFailure('NOT_FOUND', { zh: '没有这个订单', en: 'No such order' });
  const [view] = await views(ctx, [o]);
  const decisions = (await decisionsOf(ctx.tx, id)).map((d) => ({ decision: d.decision, statusAfter: d.status_after, reason: d.reason, revision: d.revision, decidedBy: d.decided_by, decidedAt: d.decided_at }));
  return { ...view!, decisions };
}

/**
 * A reviewer's decision: 通过 (待审核 → 待制作), 驳回 with a reason (→ 被驳回), 完成 (待制作 → 已完成),
 * 作废 (the duplicate of a conflict pair). Recorded, and published in the reviews feed in the same
 * transaction, so the station that captured it learns on its next pull.
 */
export async function decide(ctx: ServerContext, orderId: string, body: DecisionBody): Promise<OrderView> {
  const now = nowIso(ctx);
  const decision: Decision = body.decision;
  const reason = body.reason?.trim() || null;
  if (decision === 'reject' && !reason) throw new ServerFailure('BAD_REQUEST', { zh: '驳回必须填写原因', en: 'A rejection needs a reason', details: ['reason: required to reject'] });
  await inTransaction(ctx.tx, async (t) => {
    const peek = await getOrder(t, orderId);
    if (!peek) throw new ServerFailure('NOT_FOUND', { zh: '没有这个订单', en: 'No such order' });
    // Same lock order as an upload (student, then order), so the two never deadlock.
    await getStudent(t, peek.student_id, { lock: true });
    const o = (await getOrder(t, orderId, { lock: true }))!;
    if (body.revision !== undefined && body.revision !== o.revision) {
      throw new ServerFailure('CONFLICT', { zh: '订单在审核期间已更新，请刷新后重新审核', en: 'The order changed while you looked at it; reload and review again', details: [`revision: ${body.revision} ≠ ${o.revision}`] });
    }
    const next = statusAfterDecision(decision, o.status);
    if (!next) throw new ServerFailure('CONFLICT', { zh: `订单状态为「${o.status}」，不能执行此操作`, en: `The order is ${o.status}; ${decision} does not apply` });
    await updateOrder(t, orderId, {
      status: next,
      reason: decision === 'reject' || decision === 'void' ? reason : null,
      decided_at: now,
      decided_revision: o.revision,
      updated_at: now,
    });
    await insertDecision(t, { id: randomUUID(), order_id: orderId, revision: o.revision, decision, status_after: next, reason, decided_by: body.reviewer ?? 'admin', decided_at: now });
    const changes = decision === 'void' ? await regroupStudent(t, o.task_code, o.student_id, now) : [];
    await recordChanges(t, [...changes, { feed: 'reviews', key: orderId }]);
  });
  ctx.log('info', 'review decision', { orderId, decision });
  const [view] = await views(ctx, [(await getOrder(ctx.tx, orderId))!]);
  return view!;
}
