import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completeJob, parkJob, recordServerRevision } from '../../src/main/db/queries/syncQueue.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import type { ReconcileReport } from '../../src/shared/report/reconcileTypes.js';
import { captureAndAccept, capturableDemoStudents } from '../helpers/stationCapture.js';
import { adminApi, demoServer, eventually, FAST_SYNC } from '../helpers/syncRig.js';
import { tempApp } from '../helpers/tempApp.js';

function jobIds(app: { ctx: { db: import('../../src/main/db/openDatabase.js').Db } }, orderId: string): { id: string; state: string }[] {
  return app.ctx.db.prepare('SELECT id, state FROM outbox_jobs WHERE order_id = ? ORDER BY id').all(orderId) as { id: string; state: string }[];
}

test('reconciliation: what the server confirmed vs what is only here; the button re-queues what is missing or parked, once, and it then syncs', async () => {
  const server = await demoServer();
  const app = await tempApp({ demo: true, syncTuning: FAST_SYNC });
  try {
    const manager = await app.loggedIn('9999');
    const p = await app.loggedIn('1234');
    const [a, b, c] = capturableDemoStudents();
    const { orderId: o1, revision: r1 } = await captureAndAccept(app, p, DEMO_TASK_CODE, a!.id, 'a', 1);
    const { orderId: o2, revision: r2 } = await captureAndAccept(app, p, DEMO_TASK_CODE, b!.id, 'a', 2);
    const o3 = (await app.call(p, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: c!.id })).orderId;
    const db = app.ctx.db;
    const now = new Date().toISOString();

    const fresh = await app.call(manager, 'reconcile.list', { taskCode: DEMO_TASK_CODE });
    assert.deepEqual({ ...fresh.summary, bytesOnlyHere: 0 }, { orders: 3, confirmed: 0, inFlight: 3, parked: 0, missing: 0, otherStation: 0, photosConfirmed: 0, photosOnlyHere: 4, bytesOnlyHere: 0 });
    assert.ok(fresh.summary.bytesOnlyHere > 400_000);

    // o1: the server took the order at its accepted revision and both photos.
    recordServerRevision(db, o1, r1, r1);
    for (const j of jobIds(app, o1)) completeJob(db, j.id, now);
    // o2: its order job and finished-photo job are gone (a restored backup), its original is parked.
    const finishedJob = jobIds(app, o2).find((j) => j.id.includes(':finished:'))!.id;
    const originalJob = jobIds(app, o2).find((j) => j.id.includes(':original:'))!.id;
    db.prepare(`DELETE FROM outbox_jobs WHERE order_id = ? AND id <> ?`).run(o2, originalJob);
    parkJob(db, originalJob, '服务器拒绝：测试', now);
    // o3: its check-in job finished but no acknowledgement was recorded (a crash between the two).
    completeJob(db, `order:${o3}:r1`, now);

    const seen: ReconcileReport = await app.call(manager, 'reconcile.list', { taskCode: DEMO_TASK_CODE });
    assert.deepEqual(
      { ...seen.summary, bytesOnlyHere: 0 },
      { orders: 3, confirmed: 1, inFlight: 0, parked: 1, missing: 1, otherStation: 0, photosConfirmed: 2, photosOnlyHere: 2, bytesOnlyHere: 0 },
    );
    const v2 = seen.orders.find((o) => o.orderId === o2)!;
    assert.deepEqual([v2.state, v2.order, v2.photos.map((x) => `${x.role}:${x.state}`)], ['parked', 'missing', ['finished:missing', 'original:parked']]);
    assert.equal(v2.reason, '服务器拒绝：测试');
    const v3 = seen.orders.find((o) => o.orderId === o3)!;
    assert.deepEqual([v3.state, v3.order, v3.photos], ['missing', 'missing', []]);
    assert.ok(!seen.orders.some((o) => o.orderId === o1), 'confirmed orders are counted, not listed');
    const photographerTry = await app.raw('reconcile.requeue', { taskCode: DEMO_TASK_CODE, orderIds: null }, p);
    assert.ok(!photographerTry.ok && photographerTry.error.code === 'FORBIDDEN');

    const done = await app.call(manager, 'reconcile.requeue', { taskCode: DEMO_TASK_CODE, orderIds: null });
    assert.deepEqual(done, { orders: 2, jobs: 4 });
    // The same ids the capture code gives the same work, back in the queue.
    assert.deepEqual(jobIds(app, o2), [
      { id: `order:${o2}:r${r2}`, state: 'queued' },
      { id: finishedJob, state: 'queued' },
      { id: originalJob, state: 'queued' },
    ]);
    assert.deepEqual(jobIds(app, o3), [{ id: `order:${o3}:r1`, state: 'queued' }]);
    assert.deepEqual(
      (db.prepare('SELECT id, sync_state FROM orders WHERE id IN (?, ?) ORDER BY id').all(o2, o3) as { sync_state: string }[]).map((o) => o.sync_state),
      ['pending', 'pending'],
    );
    const payload = JSON.parse((db.prepare('SELECT payload FROM outbox_jobs WHERE id = ?').get(finishedJob) as { payload: string }).payload);
    assert.deepEqual(Object.keys(payload).sort(), ['captureId', 'orderId', 'role', 'sha256']);
    const audit = db.prepare(`SELECT operator_id, detail FROM audit_log WHERE action = 'reconcile.requeue'`).all() as { operator_id: string; detail: string }[];
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.operator_id, 'op-manager-1');
    assert.deepEqual(JSON.parse(audit[0]!.detail).orders, 2);

    // Pressing it again finds nothing missing and adds nothing.
    const rows = (db.prepare('SELECT count(*) AS n FROM outbox_jobs').get() as { n: number }).n;
    assert.deepEqual(await app.call(manager, 'reconcile.requeue', { taskCode: DEMO_TASK_CODE, orderIds: null }), { orders: 0, jobs: 0 });
    assert.equal((db.prepare('SELECT count(*) AS n FROM outbox_jobs').get() as { n: number }).n, rows);

    // Enrolled: the re-queued work reaches the server, which then holds every order and photo.
    await app.ctx.sync.enrol(server.url, await adminApi(server).enrolCode(), null);
    const settled = await eventually(async () => {
      const r = await app.call(manager, 'reconcile.list', { taskCode: DEMO_TASK_CODE });
      assert.equal(r.summary.confirmed, 3, JSON.stringify(r.summary));
      return r;
    }, 30_000, 'all orders confirmed');
    assert.equal(settled.summary.photosOnlyHere, 0);
    const onServer = await adminApi(server).order(o2);
    assert.equal(onServer.revision, r2);
    assert.ok(onServer.photos.every((x) => x.held), JSON.stringify(onServer.photos));
  } finally {
    await app.close();
    await server.close();
    server.cleanup();
  }
});

test('migration 0007: reconciliation and the day report read through their indexes', async () => {
  const app = await tempApp({ demo: false });
  try {
    const plan = (sql: string) => (app.ctx.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    assert.match(plan(`SELECT id, state FROM outbox_jobs WHERE order_id = 'x'`), /outbox_jobs_order/);
    assert.match(plan(`SELECT id FROM orders WHERE task_code = 'T' AND captured_at >= '2026' AND captured_at < '2027'`), /orders_task_captured/);
    assert.match(plan(`SELECT id FROM audit_log WHERE action = 'capture.accept' AND entity_id = 'x'`), /audit_action_entity/);
  } finally {
    await app.close();
  }
});
