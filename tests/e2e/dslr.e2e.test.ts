import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { until, virtualCameraRig, type VirtualCameraRig } from '../integration/gphoto2Rig.js';
import { acceptShot, checkInFirst, login, watchForeignRequests } from './support/kioskFlow.js';
import { launchChromium, startKiosk, type RunningKiosk } from './support/launchKiosk.js';

/**
 * A tethered session in the web shell, the camera being libgphoto2's virtual Nikon D750 driven by
 * the real gphoto2 command: the manager picks the DSLR, the photographer sees its live view with the
 * guide overlay and live guidance (the webcam's vision worker on the DSLR's frames), shoots, gets
 * the finished photo made from the full-resolution DSLR file, accepts: the order is 已采集. Then a
 * shot from the camera body with nobody checked in is held and assigned to the next student.
 */
describe('E2E: a tethered DSLR session through gphoto2 and the virtual camera', () => {
  let rig: VirtualCameraRig;
  let kiosk: RunningKiosk;
  let browser: Browser;
  before(async () => {
    rig = await virtualCameraRig();
    // The kiosk (and so its gphoto2 children) sees the virtual camera and nothing else.
    Object.assign(process.env, rig.env);
    kiosk = await startKiosk();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await kiosk?.stop();
    rig?.cleanup();
  });

  test('live view with overlay → shutter → finished photo from the DSLR file → accept → 已采集; a held body shot assigned to the next student', { timeout: 240_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const foreign = watchForeignRequests(page);
    await page.goto(kiosk.launchUrl);
    await login(page, '9999');

    // The site manager chooses the DSLR.
    await page.getByTestId('camera-settings').waitFor();
    await page.getByTestId('camera-kind').selectOption('gphoto2');
    await page.getByTestId('dslr-detect').click();
    await page.locator('[data-testid="dslr-camera"] option', { hasText: 'Nikon DSC D750' }).waitFor({ state: 'attached' });
    await page.getByTestId('dslr-camera').selectOption({ label: 'Nikon DSC D750（usb:001,001）' });
    await page.getByTestId('dslr-target').selectOption('card');
    await page.getByTestId('camera-save').click();
    await page.getByText('已保存').waitFor();

    // The student's screen shows the DSLR's live view too (relayed frames: this browser has no webcam).
    const student = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await student.goto(`${kiosk.launchUrl}&view=student`);
    await student.getByTestId('student-idle').waitFor();

    // A student is checked in and photographed.
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    await checkInFirst(page, '2022');
    await page.locator('[data-testid="dslr-status"][data-live-view="on"]').waitFor({ timeout: 60_000 });
    // The DSLR's live view plays in the preview, at its own size, with the guide overlay over it …
    await page.waitForFunction(() => (document.querySelector('[data-testid="capture-video"]') as HTMLVideoElement | null)?.videoWidth === 640, null, { timeout: 30_000 });
    await page.getByTestId('guide-overlay').waitFor();
    // … and the live-vision worker reads it: guidance appears as for the webcam.
    await page.locator('[data-testid="live-feedback"]:not([data-state="waiting"])').waitFor({ timeout: 60_000 });
    assert.ok((await page.locator('[data-testid="live-instruction"]').count()) > 0);
    await student.waitForFunction(() => (document.querySelector('[data-testid="student-video"]') as HTMLVideoElement | null)?.videoWidth === 640, null, { timeout: 30_000 });
    await student.getByTestId('guide-overlay').waitFor();
    await student.close();
    await page.screenshot({ path: join(process.env.CC_E2E_SHOTS ?? kiosk.dataDir, 'dslr-live.png') });
    await page.waitForFunction(() => (document.querySelector('[data-testid="shutter"]') as HTMLButtonElement | null)?.disabled === false);

    rig.setSubject('a');
    await page.keyboard.press('Space');
    const orderId = await acceptShot(page);
    await page.screenshot({ path: join(process.env.CC_E2E_SHOTS ?? kiosk.dataDir, 'dslr-accepted.png') });

    const db = new Database(join(kiosk.dataDir, 'station.sqlite'), { readonly: true });
    try {
      const order = db.prepare('SELECT status, finished_path FROM orders WHERE id = ?').get(orderId) as { status: string; finished_path: string };
      assert.equal(order.status, '已采集');
      const meta = await sharp(order.finished_path).metadata();
      assert.deepEqual([meta.width, meta.height, meta.density], [480, 640, 300]);
      const capture = db.prepare('SELECT camera, original_path, width, height FROM captures WHERE order_id = ?').get(orderId) as { camera: string; original_path: string; width: number; height: number };
      assert.equal(capture.camera, 'gphoto2');
      assert.ok(readFileSync(capture.original_path).equals(rig.still('a')), 'the original is the DSLR\'s full-resolution JPEG');
    } finally {
      db.close();
    }

    // Back at the search: nobody is in front of the camera. A press of the body's button is held.
    await page.keyboard.press('Enter');
    await page.getByTestId('search-input').waitFor();
    await new Promise((r) => setTimeout(r, 1500)); // live view off, the station listens to the body
    rig.setSubject('b');
    rig.press();
    await page.getByTestId('unfiled-shot').waitFor({ timeout: 30_000 });
    await until(() => rig.cardFiles().length === 3, 'the body shot on the card');

    await page.getByTestId('search-input').fill('2023');
    await page.getByTestId('search-result').first().click();
    await page.getByTestId('checkin-confirm').click();
    await page.getByTestId('held-shots').waitFor({ timeout: 30_000 });
    await page.getByTestId('held-shot').first().locator('button').click();
    await page.getByTestId('held-preview').waitFor();
    await page.getByTestId('held-reason').fill('已核对：是这位学生');
    await page.getByTestId('held-assign').click();
    await page.getByTestId('finished-photo').waitFor({ timeout: 90_000 });
    await page.getByTestId('held-shots').waitFor({ state: 'detached' });
    const nextOrder = (await page.getByTestId('capture-screen').getAttribute('data-order-id'))!;
    const db2 = new Database(join(kiosk.dataDir, 'station.sqlite'), { readonly: true });
    try {
      const original = db2.prepare('SELECT original_path FROM captures WHERE order_id = ?').pluck().get(nextOrder) as string;
      assert.ok(readFileSync(original).equals(rig.still('b')));
      assert.equal(db2.prepare(`SELECT count(*) FROM audit_log WHERE action = 'capture.assignHeld' AND entity_id = ?`).pluck().get(nextOrder), 1);
    } finally {
      db2.close();
    }
    assert.deepEqual(foreign, [], 'nothing leaves the machine');
    await page.close();
  });
});
