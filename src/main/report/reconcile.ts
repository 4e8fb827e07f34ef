import { statSync } from 'node:fs';
import type { Operator } from '../../shared/domain/entities.js';
import type { PartState, ReconcileOrder, ReconcileReport, ReconcileState } from '../../shared/report/reconcileTypes.js';
import { writeAudit } from '../db/queries/audit.js';
import { enqueueJob } from '../db/queries/outbox.js';
import { countOtherStationOrders, listOrderJobs, listStationOrders, requeueJob, type ReconcileJobRow, type ReconcileOrderRow } from '../db/queries/reconcile.js';
import { refreshOrderSyncState } from '../db/queries/syncQueue.js';
import type { AppContext } from '../services/AppContext.js';

const LIST_LIMIT = 500;

/** The job ids the capture and check-in code give the same work (captureService, checkin). */
export const orderJobId = (orderId: string, revision: number) => `order:${orderId}:r${revision}`;
export const photoJobId = (orderId: string, role: 'finished' | 'original', sha256: string) => `photo:${orderId}:${role}:${sha256}`;

function jobState(job: ReconcileJobRow | undefined): PartState {
  if (!job) return 'missing';
  if (job.state === 'done') return 'confirmed';
  if (job.state === 'parked') return 'parked';
  return 'queued';
}

function fileBytes(path: string | null): number {
  if (!path) return 0;
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

interface Assessed {
  row: ReconcileOrderRow;
  view: ReconcileOrder;
}

function assess(rows: ReconcileOrderRow[], jobs: ReconcileJobRow[]): Assessed[] {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const orderJobs = new Map<string, ReconcileJobRow[]>();
  for (const j of jobs) if (j.kind === 'order.upsert') orderJobs.set(j.order_id, [...(orderJobs.get(j.order_id) ?? []), j]);
  return rows.map((row) => {
    // Any queued order job sends the order's current revision (the engine reads it when it runs).
    const own = orderJobs.get(row.id) ?? [];
    const order: PartState =
      (row.synced_revision ?? 0) >= row.revision
        ? 'confirmed'
        : own.some((j) => j.state === 'queued' || j.state === 'active')
          ? 'queued'
          : own.some((j) => j.state === 'parked')
            ? 'parked'
            : 'missing';
    const photos: ReconcileOrder['photos'] = [];
    if (row.chosen_capture_id) {
      for (const [role, sha, path] of [
        ['finished', row.finished_sha256, row.finished_path],
        ['original', row.original_sha256, row.original_path],
      ] as const) {
        if (!sha) continue;
        photos.push({ role, sha256: sha, bytes: fileBytes(path), state: jobState(byId.get(photoJobId(row.id, role, sha))) });
      }
    }
    const parts = [order, ...photos.map((p) => p.state)];
    const state: ReconcileState = parts.includes('parked') ? 'parked' : parts.includes('missing') ? 'missing' : parts.includes('queued') ? 'in_flight' : 'confirmed';
    const parkedReason = [...own, ...photos.map((p) => byId.get(photoJobId(row.id, p.role, p.sha256)))].find((j) => j?.state === 'parked')?.last_error ?? null;
    return {
      row,
      view: {
        orderId: row.id,
        studentName: row.student_name,
        studentNo: row.student_no,
        status: row.status,
        revision: row.revision,
        syncedRevision: row.synced_revision,
        serverRevision: row.server_revision,
        syncState: row.sync_state,
        state,
        order,
        photos,
        reason: parkedReason ?? row.sync_error,
        updatedAt: row.updated_at,
      },
    };
  });
}

function read(ctx: Pick<AppContext, 'db' | 'stationId'>, taskCode: string): { assessed: Assessed[]; jobs: ReconcileJobRow[]; otherStation: number } {
  return ctx.db.transaction(() => {
    const jobs = listOrderJobs(ctx.db, taskCode);
    return { assessed: assess(listStationOrders(ctx.db, taskCode, ctx.stationId), jobs), jobs, otherStation: countOtherStationOrders(ctx.db, taskCode, ctx.stationId) };
  })();
}

export function reconcileTask(ctx: Pick<AppContext, 'db' | 'stationId' | 'now'>, taskCode: string): ReconcileReport {
  const { assessed, otherStation } = read(ctx, taskCode);
  const views = assessed.map((a) => a.view);
  const count = (s: ReconcileState) => views.filter((v) => v.state === s).length;
  const photos = views.flatMap((v) => v.photos);
  const open = views.filter((v) => v.state !== 'confirmed');
  return {
    taskCode,
    generatedAt: ctx.now().toISOString(),
    summary: {
      orders: views.length,
      confirmed: count('confirmed'),
      inFlight: count('in_flight'),
      parked: count('parked'),
      missing: count('missing'),
      otherStation,
      photosConfirmed: photos.filter((p) => p.state === 'confirmed').length,
      photosOnlyHere: photos.filter((p) => p.state !== 'confirmed').length,
      bytesOnlyHere: photos.filter((p) => p.state !== 'confirmed').reduce((s, p) => s + p.bytes, 0),
    },
    orders: open.slice(0, LIST_LIMIT),
    truncated: open.length > LIST_LIMIT,
  };
}

/**
 * Puts back in the queue whatever the server has not confirmed and nothing is about to send: a
 * missing job is enqueued again under the id the capture code gave it (so it can never be there
 * twice), a parked or finished-but-unacknowledged one is reset. One transaction, audited; the sync
 * engine is woken after it. `orderIds` narrows it to some orders.
 */
export function requeueMissing(
  ctx: AppContext & { sync?: { kick(): void } },
  operator: Operator,
  taskCode: string,
  orderIds: readonly string[] | null,
): { orders: number; jobs: number } {
  const wanted = orderIds ? new Set(orderIds) : null;
  const result = ctx.db
    .transaction(() => {
      const { assessed, jobs: allJobs } = read(ctx, taskCode);
      const parkedOrderJobs = allJobs.filter((j) => j.kind === 'order.upsert' && j.state === 'parked');
      const now = ctx.now().toISOString();
      const touched: string[] = [];
      let jobs = 0;
      for (const { row, view } of assessed) {
        if (view.state !== 'missing' && view.state !== 'parked') continue;
        if (wanted && !wanted.has(row.id)) continue;
        let changed = 0;
        if (view.order === 'missing' || view.order === 'parked') {
          const id = orderJobId(row.id, row.revision);
          enqueueJob(ctx.db, { id, kind: 'order.upsert', order_id: row.id, payload: { orderId: row.id, revision: row.revision } }, now);
          // The job may exist already, done without an acknowledgement on record, or parked.
          requeueJob(ctx.db, id, now);
          for (const j of parkedOrderJobs) if (j.order_id === row.id) requeueJob(ctx.db, j.id, now);
          changed++;
        }
        for (const p of view.photos) {
          if (p.state !== 'missing' && p.state !== 'parked') continue;
          const id = photoJobId(row.id, p.role, p.sha256);
          if (p.state === 'missing') {
            enqueueJob(ctx.db, { id, kind: 'photo.upload', order_id: row.id, payload: { orderId: row.id, captureId: row.chosen_capture_id, role: p.role, sha256: p.sha256 }, bytes: p.bytes }, now);
          } else {
            requeueJob(ctx.db, id, now);
          }
          changed++;
        }
        if (changed) {
          refreshOrderSyncState(ctx.db, row.id);
          touched.push(row.id);
          jobs += changed;
        }
      }
      writeAudit(ctx.db, {
        at: now,
        operatorId: operator.id,
        action: 'reconcile.requeue',
        entity: 'task',
        entityId: taskCode,
        detail: { orders: touched.length, jobs, orderIds: touched.slice(0, 50), only: orderIds ? orderIds.length : null },
      });
      return { orders: touched, jobs };
    })
    .immediate();
  for (const orderId of result.orders) ctx.emit('orders.changed', { taskCode, orderId });
  ctx.sync?.kick();
  return { orders: result.orders.length, jobs: result.jobs };
}
