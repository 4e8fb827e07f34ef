import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEMO_TASK_CODE } from '../../src/shared/demo/demoTask.js';
import { localDateOf, localDayBounds } from '../../src/shared/localDate.js';
import { listExportStudents } from '../../src/main/db/queries/export.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { startFaultProxy, type FaultProxy } from '../helpers/faultProxy.js';
import { capturableDemoStudents, captureAndAccept, shootAndAccept } from '../helpers/stationCapture.js';
import { adminApi, demoServer, eventually, syncedStation } from '../helpers/syncRig.js';

/**
 * Issue 14: the collection centres' order rules between one real station and a real server — a
 * rejected photo is never accepted again, 撤回审核, 已作废 — and the station always shows what the
 * server holds.
 */
const students = capturableDemoStudents();
type App = Awaited<ReturnType<typeof syncedStation>>;

function localOrder(app: App, orderId: string) {
  return app.ctx.db.prepare('SELECT status, sync_state, revision, synced_revision, rejection_reason, chosen_capture_id FROM orders WHERE id = ?').get(orderId) as {
    status: string;
    sync_state: string;
    revision: number;
    synced_revision: number | null;
    rejection_reason: string | null;
    chosen_capture_id: string | null;
  };
}

async function rig(fn: (r: { app: App; s: Session; manager: Session; server: Awaited<ReturnType<typeof demoServer>>; proxy: FaultProxy; admin: ReturnType<typeof adminApi> }) => Promise<void>) {
  const server = await demoServer();
  const u = new URL(server.url);
  const proxy = await startFaultProxy({ target: { host: u.hostname, port: Number(u.port) } });
  const app = await syncedStation({ url: proxy.url }, await adminApi(server).enrolCode());
  try {
    await fn({ app, s: await app.loggedIn(), manager: await app.loggedIn('9999'), server, proxy, admin: adminApi(server) });
  } finally {
    await app.close();
    await proxy.close();
    await server.close();
    server.cleanup();
  }
}

/** The review page's list for one tab, as a logged-in reviewer sees it. */
async function reviewTab(server: { url: string; adminToken: string }, tab: string): Promise<string> {
  const login = await fetch(`${server.url}/review/login`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(server.adminToken)}` });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  return (await fetch(`${server.url}/review?status=${encodeURIComponent(tab)}`, { headers: { Cookie: cookie } })).text();
}

/** Waits until the server holds `status` for the order and the station shows the same, synced at the server's revision. */
async function agreed(app: App, admin: ReturnType<typeof adminApi>, orderId: string, status: string) {
  app.ctx.sync.kick({ pull: true });
  return eventually(
    async () => {
      const there = await admin.order(orderId);
      const here = localOrder(app, orderId);
      assert.equal(there.status, status, 'server');
      assert.equal(here.status, status, 'station');
      assert.equal(here.sync_state, 'synced');
      assert.equal(here.synced_revision, there.revision);
      return { there, here };
    },
    30_000,
    `station and server agree on ${status}`,
  );
}

describe('order lifecycle between a station and the server (issue 14)', () => {
  test('a retake cannot re-accept the rejected photo; only a shot taken after the rejection goes back to review', async () => {
    await rig(async ({ app, s, admin }) => {
      const { orderId, captureId } = await captureAndAccept(app, s, DEMO_TASK_CODE, students[40]!.id, 'a', 1401);
      await agreed(app, admin, orderId, '待审核');
      await admin.decide(orderId, 'reject', '头部姿态不正');
      await agreed(app, admin, orderId, '被驳回');
      assert.equal(localOrder(app, orderId).rejection_reason, '头部姿态不正');

      const shots = await app.call(s, 'capture.list', { orderId });
      const rejected = shots.captures.find((c) => c.id === captureId)!;
      assert.equal(rejected.beforeRejection, true);
      assert.equal(rejected.rejectedReason, '头部姿态不正', 'the rejected shot stays visible with its reason');
      const again = await app.raw('capture.accept', { orderId, captureId, overrides: [] }, s);
      assert.equal(again.ok, false);
      assert.match(JSON.stringify(again), /已被审核驳回（头部姿态不正）/);

      await shootAndAccept(app, s, orderId, 'b', 1402);
      const { there } = await agreed(app, admin, orderId, '待审核');
      const rejectedSha = (await app.call(s, 'capture.list', { orderId })).captures.find((c) => c.id === captureId)!;
      assert.ok(rejectedSha.beforeRejection);
      assert.ok(there.photos.every((p) => p.held));
      const retakes = await app.call(s, 'retakes.list', { taskCode: DEMO_TASK_CODE });
      assert.ok(!retakes.retakes.some((x) => x.orderId === orderId), 'off the retake list once the new shot is in review');
    });
  });

  test('an older station sending the rejected photo again is told 被驳回, and shows it instead of 已同步', async () => {
    await rig(async ({ app, s, admin }) => {
      const { orderId } = await captureAndAccept(app, s, DEMO_TASK_CODE, students[41]!.id, 'a', 1411);
      await agreed(app, admin, orderId, '待审核');
      await admin.decide(orderId, 'reject', '照片模糊');
      // The station re-accepts the same photo before it has heard of the rejection (what the old code let through).
      app.ctx.db.prepare("UPDATE orders SET revision = revision + 1, sync_state = 'pending' WHERE id = ?").run(orderId);
      const rev = localOrder(app, orderId).revision;
      app.ctx.db.prepare("INSERT INTO outbox_jobs (id, kind, order_id, payload, next_attempt_at, created_at, updated_at) VALUES (?, 'order.upsert', ?, ?, '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')").run(`order:${orderId}:r${rev}`, orderId, JSON.stringify({ orderId, revision: rev }));
      const { there } = await agreed(app, admin, orderId, '被驳回');
      assert.equal(there.revision, rev, 'the server holds the revision, as 被驳回');
    });
  });

  test('撤回审核: back to capture while nobody has decided, offline too; refused with the decision shown once a reviewer has', async () => {
    await rig(async ({ app, s, manager, admin, proxy, server }) => {
      const { orderId } = await captureAndAccept(app, s, DEMO_TASK_CODE, students[42]!.id, 'a', 1421);
      await agreed(app, admin, orderId, '待审核');
      // Offline: the withdrawal is queued and the order is back in capture at once.
      proxy.setOffline(true);
      // Who may withdraw is the task's (the demo task lets photographers): tests/integration/taskRights.test.ts.
      await app.call(manager, 'orders.withdraw', { orderId, reason: '学生要求重拍' });
      assert.equal(localOrder(app, orderId).status, '采集中');
      assert.equal(localOrder(app, orderId).chosen_capture_id, null);
      proxy.setOffline(false);
      await agreed(app, admin, orderId, '采集中');
      assert.ok(!(await admin.orders('?status=待审核')).some((o) => o.id === orderId), 'out of the review queue');
      const withdrawnTab = await reviewTab(server, '已撤回');
      assert.ok(withdrawnTab.includes(`order-${orderId}`) && withdrawnTab.includes('已撤回审核，待重拍') && withdrawnTab.includes('学生要求重拍'), 'the review page shows it as withdrawn, with the reason');
      await shootAndAccept(app, s, orderId, 'b', 1422);
      await agreed(app, admin, orderId, '待审核');

      // A reviewer decides while the station is offline; the station's withdrawal loses.
      proxy.setOffline(true);
      await admin.decide(orderId, 'approve');
      const before = localOrder(app, orderId).chosen_capture_id;
      await app.call(manager, 'orders.withdraw', { orderId, reason: '学生又要求重拍' });
      proxy.setOffline(false);
      await agreed(app, admin, orderId, '待制作');
      assert.equal(localOrder(app, orderId).chosen_capture_id, before, 'the approved photo is the order’s again');
    });
  });

  test('已作废: the server learns it, the student can be checked in again, the void photos are never exported', async () => {
    await rig(async ({ app, s, manager, admin, server }) => {
      const student = students[43]!.id;
      const { orderId } = await captureAndAccept(app, s, DEMO_TASK_CODE, student, 'a', 1431);
      await agreed(app, admin, orderId, '待审核');
      assert.equal((await app.raw('orders.void', { orderId, reason: '拍错学生' }, s)).ok, false, 'a photographer may not void');
      await app.call(manager, 'orders.void', { orderId, reason: '拍错学生' });
      const { there } = await agreed(app, admin, orderId, '已作废');
      assert.equal(there.reason, '拍错学生');
      const voidTab = await reviewTab(server, '已作废');
      assert.ok(voidTab.includes(`order-${orderId}`) && voidTab.includes('拍错学生'), 'the review page lists it as void, with the reason');
      const again = await app.call(s, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: student });
      assert.equal(again.alreadyCheckedIn, false);
      assert.notEqual(again.orderId, orderId);
      await shootAndAccept(app, s, again.orderId, 'b', 1432);
      await agreed(app, admin, again.orderId, '待审核');
      assert.equal((await admin.order(orderId)).status, '已作废', 'the void order stays void');
      assert.equal((await app.raw('orders.void', { orderId, reason: '再次' }, manager)).ok, false);
      assert.equal((await app.raw('print.previewReceipt', { orderId, paperId: 'receipt-80' }, s)).ok, false, 'a void order prints nothing');
      // The day's export lists the student once, with the live order's photo, never the void one's.
      const today = localDateOf(new Date());
      const { start, end } = localDayBounds(today, new Date());
      const rows = listExportStudents(app.ctx.db, { task: DEMO_TASK_CODE, fromDate: today, toDate: today, dayStart: start, dayEnd: end }).filter((r) => r.student_id === student);
      assert.deepEqual(
        rows.map((r) => r.order_id),
        [again.orderId],
      );
    });
  });
});
