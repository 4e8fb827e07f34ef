import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { PORTRAIT_DIR } from '../../bench/finish/portraitFixtures.js';
import { storeAdmissionPhoto } from '../../src/main/faceMatch/admissionPhotos.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { DEMO_TASK_CODE } from '../../src/shared/demo/demoTask.js';
import { capturableDemoStudents, captureAndAccept } from '../helpers/stationCapture.js';
import { adminApi, demoServer, eventually, syncedStation } from '../helpers/syncRig.js';
import { filesUnder } from '../helpers/filesUnder.js';

/**
 * Issue 15, end to end: a real station and the real central server on 127.0.0.1. The admission
 * photo the site manager imported at the station goes up with the order (or, imported later, on the
 * next sync), sealed on the server, and the reviewer sees it beside the capture.
 */
const students = capturableDemoStudents();
let admissionA: Buffer;

async function reviewLogin(server: { url: string; adminToken: string }): Promise<string> {
  const r = await fetch(`${server.url}/review/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: server.adminToken }).toString(),
    redirect: 'manual',
  });
  assert.equal(r.status, 303);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

/** The order's card on the review page (待审核 tab). */
async function card(server: { url: string }, cookie: string, orderId: string): Promise<string> {
  const page = await (await fetch(`${server.url}/review`, { headers: { Cookie: cookie } })).text();
  const at = page.indexOf(`id="order-${orderId}"`);
  assert.ok(at >= 0, `order ${orderId} on the review page`);
  const next = page.indexOf('<div class="card"', at + 1);
  return page.slice(at, next < 0 ? undefined : next);
}

type ServerOrderWithAdmission = Awaited<ReturnType<ReturnType<typeof adminApi>['order']>> & { admissionPhoto: boolean };

describe('sync: the admission photo goes up with the order and stands beside the capture on the review page', () => {
  let server: Awaited<ReturnType<typeof demoServer>>;
  let app: Awaited<ReturnType<typeof syncedStation>>;
  let s: Session;
  let cookie: string;
  before(async () => {
    server = await demoServer();
    app = await syncedStation(server, server.demoEnrolCode!);
    s = await app.loggedIn();
    cookie = await reviewLogin(server);
    // The same person as the shots (portrait a), but its own bytes: a capture's file must not pass for it.
    admissionA = await sharp(readFileSync(join(PORTRAIT_DIR, 'portrait-a.jpg'))).resize(480).jpeg({ quality: 88 }).toBuffer();
  });
  after(async () => {
    await app?.close();
    await server?.close();
    server?.cleanup();
  });

  test('a student with an admission photo: the order reaches review and the reviewer sees both images; the bytes only with a session', async () => {
    const student = students[5]!;
    await storeAdmissionPhoto(app.ctx, { taskCode: DEMO_TASK_CODE, studentId: student.id, bytes: admissionA, source: 'folder', operatorId: null });
    const { orderId } = await captureAndAccept(app, s, DEMO_TASK_CODE, student.id, 'a', 601);
    const admin = adminApi(server);
    await eventually(async () => {
      const o = (await admin.order(orderId)) as ServerOrderWithAdmission;
      assert.equal(o.status, '待审核');
      assert.equal(o.admissionPhoto, true);
    }, 30_000, 'order in review with its admission photo');

    const html = await card(server, cookie, orderId);
    assert.match(html, /<img src="\/review\/photos\/[0-9a-f]{64}" alt="本次采集 \/ This capture"/);
    assert.match(html, new RegExp(`<img src="/review/orders/${orderId}/admission-photo" alt="录取照片 / Admission photo"`));
    assert.match(html, /录取照片比对 \/ face match: <strong>\d\.\d{3}<\/strong>/);
    const img = await fetch(`${server.url}/review/orders/${orderId}/admission-photo`, { headers: { Cookie: cookie } });
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('cache-control'), 'no-store');
    assert.ok(Buffer.from(await img.arrayBuffer()).equals(admissionA), 'the photo the site manager imported');
    assert.equal((await fetch(`${server.url}/review/orders/${orderId}/admission-photo`)).status, 401);

    // Sealed on the server, and the station's copy is sealed too: neither data folder holds it in clear.
    const probe = admissionA.subarray(2000, 2064);
    await eventually(() => {
      for (const f of [...filesUnder(server.dataDir), ...filesUnder(app.ctx.dataDir)]) assert.equal(readFileSync(f).includes(probe), false, `${f} holds the admission photo in clear`);
    }, 5_000, 'no admission photo in clear');

    await eventually(() => {
      const row = app.ctx.db.prepare('SELECT sync_state FROM orders WHERE id = ?').get(orderId) as { sync_state: string };
      assert.equal(row.sync_state, 'synced');
      assert.equal(app.ctx.sync.status().backlog.jobs, 0);
    }, 20_000, 'synced at the station, nothing left to send');
  });

  test('a student without one: 无录取照片; imported after the order went up, it follows on the next sync', async () => {
    const student = students[6]!;
    const { orderId } = await captureAndAccept(app, s, DEMO_TASK_CODE, student.id, 'b', 602);
    const admin = adminApi(server);
    await eventually(async () => assert.equal((await admin.order(orderId)).status, '待审核'), 30_000, 'order in review');
    await eventually(() => assert.equal(app.ctx.sync.status().backlog.jobs, 0), 20_000, 'drained');
    assert.equal(((await admin.order(orderId)) as ServerOrderWithAdmission).admissionPhoto, false);
    const before = await card(server, cookie, orderId);
    assert.match(before, /无录取照片 \/ No admission photo/);
    assert.doesNotMatch(before, /\/admission-photo"/);

    const admissionB = await sharp(readFileSync(join(PORTRAIT_DIR, 'portrait-b.jpg'))).resize(480).jpeg({ quality: 88 }).toBuffer();
    await storeAdmissionPhoto(app.ctx, { taskCode: DEMO_TASK_CODE, studentId: student.id, bytes: admissionB, source: 'folder', operatorId: null });
    app.ctx.sync.kick();
    await eventually(async () => assert.equal(((await admin.order(orderId)) as ServerOrderWithAdmission).admissionPhoto, true), 30_000, 'the admission photo followed');
    const got = Buffer.from(await (await fetch(`${server.url}/review/orders/${orderId}/admission-photo`, { headers: { Cookie: cookie } })).arrayBuffer());
    assert.ok(got.equals(admissionB));
    assert.match(await card(server, cookie, orderId), new RegExp(`<img src="/review/orders/${orderId}/admission-photo"`));
    const order = await admin.order(orderId);
    assert.equal(order.status, '待审核', 'still in review: the admission photo changes nothing about the order');
    await eventually(() => {
      const row = app.ctx.db.prepare('SELECT sync_state FROM orders WHERE id = ?').get(orderId) as { sync_state: string };
      assert.equal(row.sync_state, 'synced', JSON.stringify(app.ctx.db.prepare('SELECT id, kind, state, last_error FROM outbox_jobs WHERE order_id = ?').all(orderId)));
    }, 20_000, 'synced again at the station');
  });
});
