import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import WebSocket from 'ws';
import { PORTRAIT_DIR } from '../../bench/finish/portraitFixtures.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { RPC_PATH, WS_PROTOCOL_PREFIX } from '../../src/shared/rpc/wire.js';
import { writeY4m } from '../helpers/fakeCameraVideo.js';
import { launchChromium, startKiosk, type RunningKiosk } from './support/launchKiosk.js';
import { login, watchForeignRequests } from './support/kioskFlow.js';

/** A manager's calls over the kiosk's own WebSocket, as the renderer makes them. */
async function managerRpc(launchUrl: string): Promise<{ call(name: string, input: unknown): Promise<unknown>; close(): void }> {
  const url = new URL(launchUrl);
  const secret = new URLSearchParams(url.hash.slice(1)).get('secret')!;
  const ws = new WebSocket(`ws://${url.host}${RPC_PATH}`, [`${WS_PROTOCOL_PREFIX}${secret}`], { origin: url.origin });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let next = 1;
  const pending = new Map<number, (r: { ok: boolean; value?: unknown; error?: { code: string; en: string } }) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { type: string; id: number; result: { ok: boolean; value?: unknown; error?: { code: string; en: string } } };
    if (msg.type === 'result') pending.get(msg.id)?.(msg.result);
  });
  const call = (name: string, input: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next++;
      pending.set(id, (r) => (r.ok ? resolve(r.value) : reject(new Error(`${r.error!.code}: ${r.error!.en}`))));
      ws.send(JSON.stringify({ type: 'call', id, name, input }));
    });
  await call('auth.login', { pin: '9999' });
  return { call, close: () => ws.close() };
}

describe('E2E: the admission photo is another person → 比对不通过, acceptance blocked until identity is confirmed with a reason', () => {
  let kiosk: RunningKiosk;
  let browser: Browser;
  let student: { id: string; student_no: string };
  before(async () => {
    kiosk = await startKiosk();
    const video = join(kiosk.dataDir, 'portrait.y4m');
    writeY4m(video, join(PORTRAIT_DIR, 'portrait-a.jpg'), { width: 1280, height: 720, fps: 15, seconds: 2 });
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
    const db = new Database(join(kiosk.dataDir, 'station.sqlite'), { readonly: true });
    try {
      student = db
        .prepare(
          `SELECT s.id, s.student_no FROM students s WHERE s.task_code = ? AND s.student_no IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.student_id = s.id AND r.state = 'cancelled')
             AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.student_id = s.id) ORDER BY s.student_no DESC LIMIT 1`,
        )
        .get(DEMO_TASK_CODE) as { id: string; student_no: string };
    } finally {
      db.close();
    }
    // The admission photo on the roster is portrait-c; portrait-a will sit in front of the camera.
    const folder = join(kiosk.dataDir, 'admission-import');
    mkdirSync(folder);
    copyFileSync(join(PORTRAIT_DIR, 'portrait-c.jpg'), join(folder, `${student.student_no}.jpg`));
    const rpc = await managerRpc(kiosk.launchUrl);
    try {
      const report = (await rpc.call('faceMatch.importFolder', { taskCode: DEMO_TASK_CODE, folder })) as { imported: unknown[] };
      assert.equal(report.imported.length, 1);
    } finally {
      rpc.close();
    }
  });
  after(async () => {
    await browser.close();
    await kiosk.stop();
  });

  test('student card shows the admission photo; the shot is compared; the override is audited on the order', { timeout: 180_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
    const foreign = watchForeignRequests(page);
    await page.goto(kiosk.launchUrl);
    await login(page, '1234');
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    await page.getByTestId('search-input').fill(student.student_no);
    await page.getByTestId('search-result').first().click();
    await page.locator('[data-testid="admission-photo"][data-present="true"] img').waitFor({ timeout: 30_000 });
    await page.getByTestId('checkin-confirm').click();
    await page.getByTestId('capture-screen').waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid="capture-video"]') as HTMLVideoElement | null)?.videoWidth === 1280);
    await page.waitForFunction(() => (document.querySelector('[data-testid="shutter"]') as HTMLButtonElement | null)?.disabled === false, undefined, { timeout: 60_000 });
    await page.keyboard.press('Space');
    await page.getByTestId('finished-photo').waitFor({ timeout: 90_000 });

    // The two photos side by side, the score and the decision.
    await page.locator('[data-testid="face-match"][data-decision="比对不通过"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('face-match-decision').innerText(), '比对不通过');
    assert.match(await page.getByTestId('face-match-score').innerText(), /相似度 -?\d\.\d\d（阈值 0\.40）/);
    assert.equal(await page.locator('[data-testid="face-match"] img').count(), 2);

    // Blocked: the accept button is disabled and the A key does nothing until a reason is given.
    assert.equal(await page.getByTestId('capture-accept').isDisabled(), true);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('a');
    await page.waitForTimeout(1500);
    assert.equal(await page.getByTestId('capture-accepted').count(), 0);
    assert.equal(await page.getByTestId('capture-screen').getAttribute('data-phase'), 'live');

    await page.getByTestId('face-match-reason').fill('已核对身份证原件，确为本人');
    await page.waitForFunction(() => (document.querySelector('[data-testid="capture-accept"]') as HTMLButtonElement | null)?.disabled === false);
    await page.getByTestId('capture-accept').click();
    // portrait-a fails checks of its own (teeth): those need their reasons too.
    if ((await page.getByTestId('override-form').count()) > 0 || (await page.getByTestId('override-form').waitFor({ timeout: 3000 }).then(() => true, () => false))) {
      for (const input of await page.locator('[data-testid="override-form"] input').all()) await input.fill('演示：已与学生确认');
      await page.getByTestId('override-submit').click();
    }
    await page.getByTestId('capture-accepted').waitFor({ timeout: 30_000 });

    const orderId = await page.getByTestId('capture-screen').getAttribute('data-order-id');
    const db = new Database(join(kiosk.dataDir, 'station.sqlite'), { readonly: true });
    try {
      const order = db.prepare('SELECT status, face_match_decision, face_match_score, face_match_override_reason FROM orders WHERE id = ?').get(orderId) as Record<string, unknown>;
      assert.equal(order.status, '已采集');
      assert.equal(order.face_match_decision, '比对不通过');
      assert.equal(order.face_match_override_reason, '已核对身份证原件，确为本人');
      assert.ok((order.face_match_score as number) < 0.35);
      const audit = db.prepare(`SELECT reason, operator_id FROM audit_log WHERE action = 'face_match.override' AND entity_id = ?`).all(orderId) as Array<{ reason: string; operator_id: string }>;
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.reason, '已核对身份证原件，确为本人');
      assert.ok(audit[0]!.operator_id);
    } finally {
      db.close();
    }
    assert.deepEqual(foreign, []);
    await page.close();
  });
});
