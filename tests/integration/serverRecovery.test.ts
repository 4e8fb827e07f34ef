import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { DEMO_TASK_CODE } from '../../src/shared/demo/demoTask.js';
import { capturableDemoStudents, captureAndAccept } from '../helpers/stationCapture.js';
import { adminApi, demoServer, eventually, syncedStation } from '../helpers/syncRig.js';

// Found by the fault test in CI: a server killed after a photo's row committed, before the order that
// waited for it moved to review, left the order at 已采集 for good — no station sends either again.
test('a server restarted after a crash between a photo and its order moves the complete order to review', async () => {
  const server = await demoServer();
  const app = await syncedStation(server, server.demoEnrolCode!);
  let restarted: Awaited<ReturnType<typeof demoServer>> | undefined;
  try {
    const s = await app.loggedIn();
    const { orderId } = await captureAndAccept(app, s, DEMO_TASK_CODE, capturableDemoStudents()[5]!.id, 'a', 601);
    await eventually(async () => assert.equal((await adminApi(server).order(orderId)).status, '待审核'), 20_000, 'in review');
    await app.close();
    await server.close();
    // The state the crash leaves: every photo held, the order not moved on.
    const db = new Database(join(server.dataDir, 'server.sqlite'));
    db.prepare(`UPDATE orders SET status = '已采集' WHERE id = ?`).run(orderId);
    db.close();
    restarted = await demoServer({ dataDir: server.dataDir });
    assert.equal((await adminApi(restarted).order(orderId)).status, '待审核');
  } finally {
    await restarted?.close();
    server.cleanup();
  }
});
