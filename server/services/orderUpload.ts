import type { OrderUpload, OrderUploadResult } from '../../src/shared/sync/protocol.js';
import { recordChanges, type FeedChange } from '../db/feedLog.js';
import { randomUUID } from 'node:crypto';
import { getOrder, getOrderByReceiptToken, insertDecision, insertOrder, ordersOfStudent, replaceOrderPhotos, updateOrder, type OrderRow } from '../db/orders.js';
import { heldPhotos } from '../db/photos.js';
import { getStudent, insertStudentIfAbsent, type StudentRow } from '../db/students.js';
import { getTask, type TaskRow } from '../db/tasks.js';
import { inTransaction, type Tx } from '../db/tx.js';
import { voidAllowed, withdrawalAllowed } from '../../src/shared/domain/lifecycle.js';
import { isAccepted, isReviewStatus, resolveGroup, statusAfterUpload, type ServerStatus } from '../domain/orderStatus.js';
import { ServerFailure } from '../http/ServerFailure.js';
import { nowIso, type ServerContext } from '../ServerContext.js';
import { admissionHeld } from './admissionStore.js';
import { requireStationTask, type Station } from './enrolment.js';
import { markReservationCaptured } from './settlement.js';

type PhotoRefs = OrderUpload['photos'];

function samePhotos(a: PhotoRefs, b: PhotoRefs): boolean {
  const key = (p: PhotoRefs) => p.map((x) => `${x.role}:${x.sha256}`).sort().join(',');
  return key(a) === key(b);
}

/** A student the server has not seen: a walk-in registered on site, or one a station knows from a
 * roster of its own. Kept so the order can be reviewed; a person matches it to the roster later. */
function newStudentFor(ctx: ServerContext, upload: OrderUpload, task: TaskRow, now: string): StudentRow {
  const w = upload.walkin;
  return {
    id: upload.studentId,
    task_code: upload.taskCode,
    source: w ? 'walkin' : 'station',
    name: w?.name ?? '（未知学生 / unknown student）',
    gender: w?.gender ?? null,
    id_number_sealed: w?.idNumber ? ctx.keys.sealText(w.idNumber) : null,
    id_number_hmac: null,
    id_last4: w?.idNumber ? w.idNumber.slice(-4) : null,
    student_no: w?.studentNo ?? null,
    exam_no: null,
    school_name: task.school_name,
    school_code: task.school_code,
    department: w?.department ?? null,
    major: null,
    edu_level: null,
    edu_category: null,
    class_name: null,
    xuexin_digest: null,
    feature_code_digest: null,
    replaces_student_id: null,
    walkin_sealed: w ? ctx.keys.sealText(JSON.stringify(w)) : null,
    corrected_at: null,
    created_at: now,
    updated_at: now,
  };
}

/**
 * Recomputes current/conflict for every order of one student (two stations, one student) and
 * returns the reviews-feed changes for orders whose flags moved. The caller holds the student lock.
 */
export async function regroupStudent(t: Tx, taskCode: string, studentId: string, now: string): Promise<FeedChange[]> {
  const members = await ordersOfStudent(t, taskCode, studentId);
  const resolved = resolveGroup(members);
  const changes: FeedChange[] = [];
  for (const m of members) {
    const r = resolved.get(m.id)!;
    const current = r.current ? 1 : 0;
    const conflict = r.conflict ? 1 : 0;
    if (current !== m.current || conflict !== m.conflict) {
      await updateOrder(t, m.id, { current, conflict, updated_at: now });
      if (isReviewStatus(m.status)) changes.push({ feed: 'reviews', key: m.id });
    }
  }
  return changes;
}

/**
 * The receipt token an order keeps: bound once, by the owning station (the caller has checked it
 * owns the order), and never replaced; a token already bound to another order is refused rather
 * than left for the database's unique index to turn into a 500.
 */
async function bindReceiptToken(ctx: ServerContext, t: Tx, existing: OrderRow | undefined, upload: OrderUpload): Promise<string | null> {
  if (existing?.receipt_token) {
    if (upload.receiptToken && upload.receiptToken !== existing.receipt_token) {
      ctx.log('warn', 'receipt token change ignored', { orderId: upload.id, stationId: upload.stationId });
    }
    return existing.receipt_token;
  }
  if (!upload.receiptToken) return null;
  const holder = await getOrderByReceiptToken(t, upload.receiptToken);
  if (holder && holder.id !== upload.id) {
    ctx.log('warn', 'receipt token of another order refused', { orderId: upload.id, holder: holder.id, stationId: upload.stationId });
    throw new ServerFailure('CONFLICT', { zh: '此回执码已属于另一个订单', en: 'This receipt token belongs to another order' });
  }
  return upload.receiptToken;
}

type Stored = { outcome: OrderUploadResult['outcome']; serverRevision: number };

async function storeInTransaction(ctx: ServerContext, t: Tx, station: Station, upload: OrderUpload): Promise<Stored> {
  const now = nowIso(ctx);
  const task = await getTask(t, upload.taskCode);
  if (!task) throw new ServerFailure('UNKNOWN_TASK', { zh: `服务器上没有采集任务 ${upload.taskCode}`, en: `The server has no task ${upload.taskCode}` });

  // The student's row is the lock that serialises every write about this student's orders, so two
  // stations uploading for one student at once still see each other (PostgreSQL READ COMMITTED).
  let student = await getStudent(t, upload.studentId, { lock: true });
  if (!student) {
    await insertStudentIfAbsent(t, newStudentFor(ctx, upload, task, now));
    student = await getStudent(t, upload.studentId, { lock: true });
  }
  if (!student || student.task_code !== upload.taskCode) {
    throw new ServerFailure('CONFLICT', { zh: '该学生属于另一个采集任务', en: 'This student belongs to another task' });
  }

  const existing = await getOrder(t, upload.id, { lock: true });
  // An order belongs to the station that first stored it: nothing another station sends about it
  // is written — no field, not the receipt token, not a feed entry. Taking one over is the admin's
  // audited transfer (transferOrder).
  if (existing && existing.station_id !== station.station_id) {
    ctx.log('warn', 'order of another station refused', { orderId: upload.id, owner: existing.station_id, requester: station.station_id, deviceId: station.device_id });
    throw new ServerFailure('FORBIDDEN', {
      zh: '此订单属于另一个采集站，本站不能更改',
      en: 'This order belongs to another station; this station cannot change it',
      details: [`owner: ${existing.station_id}`, `requester: ${station.station_id}`],
    });
  }
  if (existing && (existing.task_code !== upload.taskCode || existing.student_id !== upload.studentId)) {
    throw new ServerFailure('CONFLICT', {
      zh: '订单的采集任务或学生与服务器上的不同，不能更改',
      en: "An order's task and student cannot change",
      details: [`server: ${existing.task_code}/${existing.student_id}`, `upload: ${upload.taskCode}/${upload.studentId}`],
    });
  }
  const receiptToken = await bindReceiptToken(ctx, t, existing, upload);
  // A receipt printed after the order went up arrives on the same revision: bind its token all the same.
  if (existing && existing.revision >= upload.revision && receiptToken !== existing.receipt_token) {
    await updateOrder(t, upload.id, { receipt_token: receiptToken });
  }
  if (existing && existing.revision > upload.revision) return { outcome: 'stale', serverRevision: existing.revision };
  if (existing && existing.revision === upload.revision) return { outcome: 'duplicate', serverRevision: existing.revision };

  const prevStatus = (existing?.status ?? null) as ServerStatus | null;
  const decidedBy = `station:${station.station_id}`;
  // Too late to withdraw (a reviewer decided) or to void (produced): the decision stands. The
  // revision is taken (the station's later revisions follow on from it) but none of its content; the
  // answer tells the station what holds. Voiding a void order again is no change at all.
  const refused = existing && ((upload.withdrawal && !withdrawalAllowed(prevStatus)) || (upload.status === '已作废' && prevStatus !== '已作废' && !voidAllowed(prevStatus)));
  if (existing && refused) {
    await updateOrder(t, upload.id, { revision: upload.revision, updated_at: now });
    const what = upload.status === '已作废' ? 'void' : 'withdraw';
    await insertDecision(t, { id: randomUUID(), order_id: upload.id, revision: upload.revision, decision: `${what}.refused`, status_after: existing.status, reason: upload.voidReason ?? upload.withdrawal?.reason ?? null, decided_by: decidedBy, decided_at: now });
    ctx.log('info', `station ${what} refused`, { orderId: upload.id, status: existing.status });
    return { outcome: 'stored', serverRevision: upload.revision };
  }

  const prevPhotos = existing ? (JSON.parse(existing.photos_json) as PhotoRefs) : [];
  const photosChanged = !existing || !samePhotos(prevPhotos, upload.photos);
  const held = await heldPhotos(
    t,
    upload.photos.map((p) => p.sha256),
    station.station_id,
  );
  const allHeld = upload.photos.every((p) => held.has(p.sha256));
  const withdrawn = upload.withdrawal !== null && prevStatus !== null && isReviewStatus(prevStatus);
  const status = statusAfterUpload(upload.status, prevStatus, photosChanged, allHeld, withdrawn);
  const keepDecision = existing !== undefined && status === prevStatus;
  // The station's own reason for leaving review or voiding is what the order shows from now on.
  const stationReason = status === '已作废' && upload.status === '已作废' ? upload.voidReason : withdrawn ? upload.withdrawal!.reason : null;

  const row: OrderRow = {
    id: upload.id,
    revision: upload.revision,
    task_code: upload.taskCode,
    student_id: upload.studentId,
    reservation_id: upload.reservationId,
    station_id: upload.stationId,
    station_name: upload.stationName,
    device_id: station.device_id,
    operator_json: upload.operator ? JSON.stringify(upload.operator) : null,
    station_status: upload.status,
    status,
    checked_in_at: upload.checkedInAt,
    captured_at: upload.capturedAt,
    photos_json: JSON.stringify(upload.photos),
    checks_json: upload.checks ? JSON.stringify(upload.checks) : null,
    face_match_json: upload.faceMatch ? JSON.stringify(upload.faceMatch) : null,
    receipt_token: receiptToken,
    current: existing?.current ?? 1,
    conflict: existing?.conflict ?? 0,
    shared: existing?.shared ?? 0,
    reason: keepDecision ? existing.reason : stationReason,
    decided_at: keepDecision ? existing.decided_at : null,
    decided_revision: keepDecision ? existing.decided_revision : null,
    received_at: existing?.received_at ?? now,
    updated_at: now,
  };
  if (existing) {
    const { id: _id, received_at: _r, ...rest } = row;
    await updateOrder(t, upload.id, rest);
  } else {
    await insertOrder(t, row);
  }
  await replaceOrderPhotos(t, upload.id, upload.photos);
  if (withdrawn) {
    await insertDecision(t, { id: randomUUID(), order_id: upload.id, revision: upload.revision, decision: 'withdraw', status_after: status, reason: upload.withdrawal!.reason, decided_by: decidedBy, decided_at: now });
  }
  if (upload.status === '已作废' && prevStatus !== '已作废') {
    await insertDecision(t, { id: randomUUID(), order_id: upload.id, revision: upload.revision, decision: 'void', status_after: status, reason: upload.voidReason, decided_by: decidedBy, decided_at: now });
  }

  const changes: FeedChange[] = await regroupStudent(t, upload.taskCode, upload.studentId, now);
  // Leaving review (withdrawn) is news too: stations that saw it in review hear it is back in capture.
  if (isReviewStatus(status) || withdrawn) changes.push({ feed: 'reviews', key: upload.id });
  if (isAccepted({ status, captured_at: upload.capturedAt })) {
    changes.push(...(await markReservationCaptured(t, upload.taskCode, upload.studentId, upload.reservationId, now)));
  }
  await recordChanges(t, changes);
  return { outcome: 'stored', serverRevision: upload.revision };
}

/** Photos an order names that the server does not hold, read after the order's commit. */
async function missingPhotosOf(ctx: ServerContext, orderId: string): Promise<{ order: OrderRow; missing: string[] }> {
  const order = (await getOrder(ctx.tx, orderId))!;
  const shas = [...new Set((JSON.parse(order.photos_json) as PhotoRefs).map((p) => p.sha256))];
  const held = await heldPhotos(ctx.tx, shas, order.station_id);
  return { order, missing: shas.filter((s) => !held.has(s)) };
}

/**
 * PUT /v1/orders/:id. Upsert by order id and revision: an older revision never overwrites a newer
 * one (stale), the same revision twice is a no-op (duplicate), everything in one transaction.
 */
export async function uploadOrder(ctx: ServerContext, station: Station, upload: OrderUpload): Promise<OrderUploadResult> {
  if (upload.stationId !== station.station_id) {
    throw new ServerFailure('CONFLICT', {
      zh: '订单的采集站编号与本设备登记的不符',
      en: "The order's stationId is not the one this device enrolled as",
      details: [`enrolled: ${station.station_id}`, `order: ${upload.stationId}`],
    });
  }
  requireStationTask(station, upload.taskCode);
  const stored = await inTransaction(ctx.tx, (t) => storeInTransaction(ctx, t, station, upload));
  const { order, missing } = await missingPhotosOf(ctx, upload.id);
  // A photo whose upload finished while this transaction ran may have looked for waiting orders
  // before this one committed; looking again after commit closes that gap (photoIngest does the
  // mirror image), so an order never sits at 已采集 with every photo here.
  let held = order;
  if (order.status === '已采集' && missing.length === 0 && (await reevaluateOrder(ctx, order.id))) held = (await getOrder(ctx.tx, order.id))!;
  // The student's admission photo, for the reviewer: asked for until it is kept for this order, but
  // never awaited (the order goes to review without it). Checked after the photos' re-evaluation above.
  const admission = upload.admissionPhoto ?? null;
  if (admission && !(await admissionHeld(ctx, upload.id, admission.sha256))) missing.push(admission.sha256);
  return { outcome: stored.outcome, serverRevision: stored.serverRevision, missingPhotos: missing, status: held.status as ServerStatus, reason: held.reason };
}

/** An order at 已采集 whose photos have all arrived goes to review (待审核). Idempotent. */
export async function reevaluateOrder(ctx: ServerContext, orderId: string): Promise<boolean> {
  return inTransaction(ctx.tx, async (t) => {
    const peek = await getOrder(t, orderId);
    if (!peek || peek.status !== '已采集') return false;
    await getStudent(t, peek.student_id, { lock: true });
    const order = await getOrder(t, orderId, { lock: true });
    if (!order || order.status !== '已采集') return false;
    const photos = JSON.parse(order.photos_json) as PhotoRefs;
    const held = await heldPhotos(
      t,
      photos.map((p) => p.sha256),
      order.station_id,
    );
    if (!photos.every((p) => held.has(p.sha256))) return false;
    await updateOrder(t, orderId, { status: '待审核', updated_at: nowIso(ctx) });
    await recordChanges(t, [{ feed: 'reviews', key: orderId }]);
    return true;
  });
}
