import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DEMO_TASK_CODE } from '../../src/shared/demo/demoTask.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { capturableDemoStudents, captureAndAccept } from '../helpers/stationCapture.js';
import { adminApi, demoServer, eventually, syncedStation } from '../helpers/syncRig.js';

const students = capturableDemoStudents();

describe('sync: a station and the real central server on 127.0.0.1', () => {
  let server: Awaited<ReturnType<typeof demoServer>>;
  let app: Awaited<ReturnType<typeof syncedStation>>;
  let s: Session;
  before(async () => {
    server = await demoServer();
    app = await syncedStation(server, server.demoEnrolCode!);
    s = await app.loggedIn();
  });
  after(async () => {
    await app?.close();
    await server?.close();
    server?.cleanup();
  });

  test('an accepted photo reaches the server once, verified by hash; the order is 待审核 there and synced here', async () => {
    const student = students[0]!;
    const { orderId, captureId } = await captureAndAccept(app, s, DEMO_TASK_CODE, student.id, 'a', 101);
    const admin = adminApi(server);
    const order = await eventually(async () => {
      const o = await admin.order(orderId);
      assert.equal(o.status, '待审核');
      return o;
    }, 20_000, 'order 待审核 on the server');
    const capture = app.ctx.db.prepare('SELECT sha256, finished_sha256, original_path, finished_path FROM captures WHERE id = ?').get(captureId) as Record<string, string>;
    assert.deepEqual(order.photos.map((p) => [p.role, p.sha256, p.held]).sort(), [
      ['finished', capture.finished_sha256, true],
      ['original', capture.sha256, true],
    ]);
    assert.equal(createHash('sha256').update(readFileSync(capture.original_path!)).digest('hex'), capture.sha256);
    await eventually(() => {
      const row = app.ctx.db.prepare('SELECT sync_state, synced_revision, revision FROM orders WHERE id = ?').get(orderId) as { sync_state: string; synced_revision: number; revision: number };
      assert.equal(row.sync_state, 'synced');
      assert.equal(row.synced_revision, row.revision);
    }, 20_000, 'order synced at the station');
    const status = app.ctx.sync.status();
    assert.equal(status.backlog.jobs, 0);
    assert.equal(status.online, true);
    assert.ok(status.lastSuccessAt);
  });

  test('a rejection on the server becomes a retake at the station with the reason; the retake goes back to 待审核', async () => {
    const student = students[1]!;
    const { orderId } = await captureAndAccept(app, s, DEMO_TASK_CODE, student.id, 'b', 102);
    const admin = adminApi(server);
    await eventually(async () => assert.equal((await admin.order(orderId)).status, '待审核'), 20_000, '待审核');
    await admin.decide(orderId, 'reject', '图像额外内容（手、水印等）');
    app.ctx.sync.kick({ pull: true });
    const retake = await eventually(async () => {
      const { retakes } = await app.call(s, 'retakes.list', { taskCode: DEMO_TASK_CODE });
      const r = retakes.find((x) => x.orderId === orderId);
      assert.ok(r, 'in the retake list');
      return r;
    }, 20_000, 'retake at the station');
    assert.equal(retake.reason, '图像额外内容（手、水印等）');
    assert.equal(retake.name, student.name);

    // The student comes back: a new shot on the same order, a higher revision, new photos.
    const again = await captureAndAccept(app, s, DEMO_TASK_CODE, student.id, 'c', 103);
    assert.equal(again.orderId, orderId);
    await eventually(async () => {
      const o = await admin.order(orderId);
      assert.equal(o.status, '待审核');
      assert.equal(o.revision, again.revision);
    }, 20_000, 'retake back in review');
    const { retakes } = await app.call(s, 'retakes.list', { taskCode: DEMO_TASK_CODE });
    assert.equal(retakes.find((x) => x.orderId === orderId), undefined, 'no longer a retake once reshot');
  });

  test('the roster comes down: a student added on the server appears at the station after a pull', async () => {
    const admin = adminApi(server);
    await admin.call('POST', `/tasks/${DEMO_TASK_CODE}/students`, [{ name: '新同学', gender: '女', idNumber: '110108200303070021', studentNo: '2022990001', department: '外国语学院', major: '英语', eduLevel: '本科' }]);
    app.ctx.sync.kick({ pull: true });
    await eventually(async () => {
      const found = await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: '2022990001' });
      assert.equal(found.students[0]?.name, '新同学');
    }, 20_000, 'roster pulled');
  });
});
