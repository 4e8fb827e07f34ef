import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { listAudit } from '../../src/main/db/queries/audit.js';
import { upsertTask, upsertTaskItem } from '../../src/main/db/queries/tasks.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { DEMO_TASK_CODE, demoTaskPlan } from '../../src/shared/demo/demoTask.js';
import { pickTaskRights, taskRightRefusal, type TaskRights } from '../../src/shared/domain/taskRights.js';
import type { RpcResult } from '../../src/shared/rpc/wire.js';
import { feedPage, PATHS, TaskItem } from '../../src/shared/sync/protocol.js';
import { dropRunDatabase, seedTask, STORE_KINDS, startTestServer, type StationClient } from '../helpers/serverStores.js';
import { capturableDemoStudents, captureAndAccept, shootAndAccept } from '../helpers/stationCapture.js';
import { adminApi, demoServer, eventually, syncedStation } from '../helpers/syncRig.js';
import { tempApp } from '../helpers/tempApp.js';

/**
 * What a photographer may do is the task's (issue 14 rule 5: 撤回审核 "if the task allows"; issue 17
 * item 2: camera settings "as the task allows"): set by the admin on the server, sent down the tasks
 * feed, enforced by the station's RPC handlers, a site manager always allowed.
 */
after(() => dropRunDatabase());

function refusedFor(r: RpcResult, right: 'withdraw' | 'setCamera'): void {
  assert.ok(!r.ok, JSON.stringify(r));
  assert.equal(r.error.code, 'FORBIDDEN');
  assert.deepEqual({ zh: r.error.zh, en: r.error.en }, taskRightRefusal(right));
}

async function tasksFeed(st: StationClient) {
  const r = await st.get(`${PATHS.feed('tasks')}?cursor=0&limit=500`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return feedPage('tasks').parse(r.body).items;
}

for (const kind of STORE_KINDS) {
  describe(`task rights on the server (${kind})`, () => {
    test('set by the admin per task, sent in the tasks feed, kept when an update leaves them out; old tasks get the defaults', async () => {
      const s = await startTestServer(kind);
      try {
        await seedTask(s, 'OLD1', 1);
        const body = { name: '摄影师可撤回', schoolName: '测试大学', sessionDates: ['2026-06-01'], photographerMayWithdraw: true, photographerMaySetCamera: false };
        assert.equal((await s.admin('PUT', '/v1/admin/tasks/RIGHTS1', body)).status, 201);
        assert.equal((await s.admin('PUT', '/v1/admin/tasks/BAD1', { ...body, photographerMayWithdraw: 'yes' })).status, 400);
        const st = await s.enrol('st-rights');
        const items = Object.fromEntries((await tasksFeed(st)).map((t) => [t.code, t]));
        assert.deepEqual(pickTaskRights(items.RIGHTS1!), { photographerMayWithdraw: true, photographerMaySetCamera: false });
        assert.deepEqual(pickTaskRights(items.OLD1!), { photographerMayWithdraw: false, photographerMaySetCamera: true });
        // A date moved without naming the rights keeps them; naming one changes that one only.
        const { photographerMayWithdraw: _w, photographerMaySetCamera: _c, ...withoutRights } = body;
        assert.equal((await s.admin('PUT', '/v1/admin/tasks/RIGHTS1', { ...withoutRights, sessionDates: ['2026-06-03'] })).status, 200);
        let again = (await tasksFeed(st)).find((t) => t.code === 'RIGHTS1')!;
        assert.deepEqual([again.sessionDates, pickTaskRights(again)], [['2026-06-03'], { photographerMayWithdraw: true, photographerMaySetCamera: false }]);
        assert.equal((await s.admin('PUT', '/v1/admin/tasks/RIGHTS1', { ...withoutRights, photographerMaySetCamera: true })).status, 200);
        again = (await tasksFeed(st)).find((t) => t.code === 'RIGHTS1')!;
        assert.deepEqual(pickTaskRights(again), { photographerMayWithdraw: true, photographerMaySetCamera: true });
      } finally {
        await s.close();
      }
    });
  });
}

describe('task rights between a real server and a station', () => {
  const students = capturableDemoStudents();

  test('the rights the admin sets arrive through the tasks feed and decide whether a photographer may withdraw; a manager always may', { timeout: 180_000 }, async () => {
    const server = await demoServer();
    const admin = adminApi(server);
    const app = await syncedStation(server, await admin.enrolCode());
    try {
      const photographer = await app.loggedIn('1234');
      const manager = await app.loggedIn('9999');
      const status = (orderId: string) => app.ctx.db.prepare('SELECT status FROM orders WHERE id = ?').pluck().get(orderId) as string;
      const withdrawals = () => listAudit(app.ctx.db, 1000).filter((a) => a.action === 'order.withdraw');
      /** Changes the demo task's rights on the server as an admin does, and waits until the station's pull has them. */
      const setRights = async (rights: TaskRights) => {
        const { tasks } = await admin.call<{ tasks: TaskItem[] }>('GET', '/tasks');
        const { code: _code, publicKey: _key, ...body } = tasks.find((t) => t.code === DEMO_TASK_CODE)!;
        await admin.call('PUT', `/tasks/${DEMO_TASK_CODE}`, { ...body, ...rights });
        app.ctx.sync.kick({ pull: true });
        await eventually(
          async () => {
            const here = (await app.call(photographer, 'tasks.list', {})).tasks.find((t) => t.code === DEMO_TASK_CODE)!;
            assert.deepEqual(pickTaskRights(here), rights);
          },
          30_000,
          `the station holds ${JSON.stringify(rights)}`,
        );
      };

      // The demo task lets photographers withdraw; the admin takes that away.
      assert.equal((await app.call(photographer, 'tasks.list', {})).tasks.find((t) => t.code === DEMO_TASK_CODE)!.photographerMayWithdraw, true);
      await setRights({ photographerMayWithdraw: false, photographerMaySetCamera: true });
      const { orderId } = await captureAndAccept(app, photographer, DEMO_TASK_CODE, students[70]!.id, 'a', 1701);
      refusedFor(await app.raw('orders.withdraw', { orderId, reason: '学生要求重拍' }, photographer), 'withdraw');
      assert.ok(['已采集', '待审核'].includes(status(orderId)), 'refused: the order is where it was');
      assert.equal(withdrawals().length, 0, 'nothing audited for a refusal');

      await setRights({ photographerMayWithdraw: true, photographerMaySetCamera: true });
      await app.call(photographer, 'orders.withdraw', { orderId, reason: '学生要求重拍' });
      assert.equal(status(orderId), '采集中');
      const byPhotographer = withdrawals()[0]!;
      assert.equal(byPhotographer.entity_id, orderId);
      assert.equal(byPhotographer.reason, '学生要求重拍');
      assert.equal(JSON.parse(byPhotographer.detail!).role, 'photographer', 'the audit row says who, by role');
      // The server learns it like any withdrawal: the order leaves review.
      app.ctx.sync.kick({ pull: true });
      await eventually(async () => assert.equal((await admin.order(orderId)).status, '采集中'), 30_000, 'the server has the withdrawal');

      // A task that gives photographers nothing still lets the site manager withdraw.
      await setRights({ photographerMayWithdraw: false, photographerMaySetCamera: false });
      await shootAndAccept(app, photographer, orderId, 'b', 1702);
      refusedFor(await app.raw('orders.withdraw', { orderId, reason: '学生又要求重拍' }, photographer), 'withdraw');
      await app.call(manager, 'orders.withdraw', { orderId, reason: '学生又要求重拍' });
      assert.equal(status(orderId), '采集中');
      assert.equal(JSON.parse(withdrawals()[0]!.detail!).role, 'manager');
      // The camera right came down the same way: the panel hears it and the handler refuses a photographer.
      assert.deepEqual((await app.call(photographer, 'camera.dslrPresets', { orderId })).rights, { photographerMayWithdraw: false, photographerMaySetCamera: false });
      refusedFor(await app.raw('camera.setDslrSetting', { key: 'iso', value: '400', orderId }, photographer), 'setCamera');
    } finally {
      await app.close();
      await server.close();
      server.cleanup();
    }
  });
});

describe('camera settings by the task\'s rights, at the station', () => {
  test('a photographer sets the camera only where the task allows, a manager always; saving presets stays the manager\'s; each change audited with the role', async () => {
    const clock = new Date(2026, 11, 8, 10, 0, 0);
    const app = await tempApp({ demo: true, now: () => clock });
    try {
      const photographer = await app.loggedIn('1234');
      const manager = await app.loggedIn('9999');
      const plan = demoTaskPlan(clock);
      const now = clock.toISOString();
      // A second task at the station that keeps the camera to the site manager.
      upsertTaskItem(app.ctx.db, TaskItem.parse({ ...plan.task, code: 'LOCKED1', photographerMayWithdraw: false, photographerMaySetCamera: false }), now);

      // Allowed, the call reaches the camera service: here there is no in-process camera, which it says as a result, not a refusal.
      const allowed = await app.call(photographer, 'camera.setDslrSetting', { key: 'iso', value: '400', taskCode: DEMO_TASK_CODE });
      assert.equal(allowed.ok, false);
      assert.match(allowed.en ?? '', /built-in libgphoto2 driver/);
      refusedFor(await app.raw('camera.setDslrSetting', { key: 'iso', value: '400', taskCode: 'LOCKED1' }, photographer), 'setCamera');
      // Named no task, the camera is the station's: every task here must allow it.
      refusedFor(await app.raw('camera.setDslrSetting', { key: 'iso', value: '400' }, photographer), 'setCamera');
      const unknown = await app.raw('camera.setDslrSetting', { key: 'iso', value: '400', taskCode: 'NOSUCH1' }, photographer);
      assert.ok(!unknown.ok && unknown.error.code === 'NOT_FOUND', JSON.stringify(unknown));
      for (const input of [{ taskCode: 'LOCKED1' }, {}]) {
        assert.equal((await app.call(manager, 'camera.setDslrSetting', { key: 'iso', value: '400', ...input })).ok, false, 'the manager passes (no camera here)');
      }

      // Presets: the manager saves; applying is setting the camera, so the task's right decides.
      const preset = { name: '室内蓝布 + 闪光灯 1/125 f/8 ISO100', values: { iso: '100', aperture: 'f/8' } };
      const denied = await app.raw('camera.saveDslrPreset', { taskCode: 'LOCKED1', preset }, photographer);
      assert.ok(!denied.ok && denied.error.code === 'FORBIDDEN');
      await app.call(manager, 'camera.saveDslrPreset', { taskCode: 'LOCKED1', preset });
      refusedFor(await app.raw('camera.applyDslrPreset', { taskCode: 'LOCKED1', name: preset.name }, photographer), 'setCamera');
      assert.deepEqual((await app.call(manager, 'camera.applyDslrPreset', { taskCode: 'LOCKED1', name: preset.name })).results, []);
      assert.equal((await app.call(photographer, 'camera.dslrPresets', { taskCode: 'LOCKED1' })).active, preset.name);
      assert.deepEqual((await app.call(photographer, 'camera.dslrPresets', { taskCode: 'LOCKED1' })).rights, { photographerMayWithdraw: false, photographerMaySetCamera: false });
      assert.deepEqual((await app.call(photographer, 'camera.dslrPresets', { taskCode: DEMO_TASK_CODE })).rights, { photographerMayWithdraw: true, photographerMaySetCamera: true });

      const audit = listAudit(app.ctx.db, 1000);
      const saved = audit.find((a) => a.action === 'settings.cameraPreset')!;
      assert.equal(JSON.parse(saved.detail!).role, 'manager');
      const applied = audit.filter((a) => a.action === 'settings.cameraPresetApplied');
      assert.equal(applied.length, 1, 'the refused attempt wrote nothing');
      assert.deepEqual([JSON.parse(applied[0]!.detail!).role, JSON.parse(applied[0]!.detail!).taskCode], ['manager', 'LOCKED1']);
      // Nothing reached a body here, so no setting is recorded as changed.
      assert.equal(audit.filter((a) => a.action === 'settings.cameraSetting').length, 0);
    } finally {
      await app.close();
    }
  });

  test('a task stored without rights (a local import, a task from before them) gets the defaults, and the store refuses other values', async () => {
    const app = await tempApp({ demo: false });
    try {
      const now = new Date().toISOString();
      upsertTask(app.ctx.db, { code: 'LOCAL1', name: 't', school_name: '示范大学', school_code: '99999', site: 's', session_dates: '[]', slots: '[]', spec_id: 'xuexin', price_cents: 0, public_key: null }, now);
      assert.deepEqual(app.ctx.db.prepare('SELECT photographer_may_withdraw, photographer_may_set_camera FROM tasks WHERE code = ?').get('LOCAL1'), { photographer_may_withdraw: 0, photographer_may_set_camera: 1 });
      assert.throws(() => app.ctx.db.prepare('UPDATE tasks SET photographer_may_withdraw = 2').run(), /CHECK/);
      assert.throws(() => app.ctx.db.prepare('UPDATE tasks SET photographer_may_set_camera = -1').run(), /CHECK/);
    } finally {
      await app.close();
    }
  });
});
