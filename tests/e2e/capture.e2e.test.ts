import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { PORTRAIT_DIR } from '../../bench/finish/portraitFixtures.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { CHECK_IDS, FINISH_CHECK_IDS } from '../../src/shared/spec/specProfile.js';
import { writeY4m } from '../helpers/fakeCameraVideo.js';
import { launchChromium, startKiosk, type RunningKiosk } from './support/launchKiosk.js';
import { login, watchForeignRequests } from './support/kioskFlow.js';

describe('E2E: a student from check-in to an accepted finished photo, through the fake camera', () => {
  let kiosk: RunningKiosk;
  let browser: Browser;
  before(async () => {
    kiosk = await startKiosk();
    const video = join(kiosk.dataDir, 'portrait.y4m');
    writeY4m(video, join(PORTRAIT_DIR, 'portrait-a.jpg'), { width: 1280, height: 720, fps: 15, seconds: 2 });
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
  });
  after(async () => {
    await browser.close();
    await kiosk.stop();
  });

  test('live preview with the guide overlay → Space → finished photo and verdict → accept with reasons → 已采集', { timeout: 120_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const foreign = watchForeignRequests(page);
    // Issue 18: the still crosses as bytes on the kiosk's /media/ URLs; the RPC carries ids only.
    const rpc: Array<{ dir: 'up' | 'down'; text: string }> = [];
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => rpc.push({ dir: 'up', text: typeof f.payload === 'string' ? f.payload : f.payload.toString('latin1') }));
      ws.on('framereceived', (f) => rpc.push({ dir: 'down', text: typeof f.payload === 'string' ? f.payload : f.payload.toString('latin1') }));
    });
    const media: string[] = [];
    page.on('requestfinished', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/media/')) void r.response().then((res) => media.push(`${r.method()} ${u.pathname.split('/')[2]} ${res?.status()}`));
    });
    await page.goto(kiosk.launchUrl);
    await login(page, '1234');
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    await page.getByTestId('search-input').fill('2022');
    await page.getByTestId('search-result').first().click();
    await page.getByTestId('checkin-confirm').click();
    await page.getByTestId('capture-screen').waitFor();
    await page.getByTestId('guide-overlay').waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid="capture-video"]') as HTMLVideoElement | null)?.videoWidth === 1280);
    // Live guidance from the worker, in words the student can act on: portrait-a sits small in the frame.
    await page.locator('[data-testid="live-feedback"]:not([data-state="waiting"])').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="live-instruction"][data-check="head.size"]').waitFor({ timeout: 15_000 });
    assert.match(await page.getByTestId('live-feedback').innerText(), /靠近/);
    // The shutter is live once the camera and the spec are both there.
    await page.waitForFunction(() => (document.querySelector('[data-testid="shutter"]') as HTMLButtonElement | null)?.disabled === false);

    await page.keyboard.press('Space');
    await page.getByTestId('finished-photo').waitFor({ timeout: 60_000 });
    for (const want of ['POST still 200', 'GET analysis 200', 'PUT mask 204', 'GET finished 200']) assert.ok(media.includes(want), `${want} in ${media.join(', ')}`);
    const calls = rpc.filter((m) => m.dir === 'up').map((m) => (JSON.parse(m.text) as { name: string }).name);
    for (const name of ['capture.stillAnalysis', 'capture.finishShot']) assert.ok(calls.includes(name), `${name} called`);
    for (const name of ['capture.submitStill', 'capture.analysisImage', 'capture.finish']) assert.ok(!calls.includes(name), `${name} not called`);
    const base64Runs = rpc.filter((m) => /[A-Za-z0-9+/]{4096,}/.test(m.text)).map((m) => `${m.dir} ${m.text.slice(0, 80)}`);
    assert.deepEqual(base64Runs, [], 'no image as base64 in any RPC message');
    const largest = Math.max(...rpc.map((m) => m.text.length));
    assert.ok(largest < 100_000, `largest RPC message ${largest} characters`);
    // The engine's checks and the checks on the finished photo itself.
    assert.equal(await page.locator('[data-testid="verdict-list"] li').count(), CHECK_IDS.length + FINISH_CHECK_IDS.length);
    const failed = await page.locator('[data-testid="verdict-list"] li[data-status="fail"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-check')));
    const onScreen = Object.fromEntries(
      await page.locator('[data-testid="verdict-list"] li').evaluateAll((els) => els.map((e) => [e.getAttribute('data-check'), e.getAttribute('data-status')])),
    ) as Record<string, string>;

    // portrait-a smiles with teeth: the override path is always exercised.
    assert.ok(failed.includes('mouth.closed'), `failed: ${failed.join(', ')}`);
    await page.keyboard.press('a');
    if (failed.length > 0) {
      await page.getByTestId('override-form').waitFor();
      for (const id of failed) await page.getByTestId(`override-${id}`).fill('演示：已与学生确认');
      await page.getByTestId('override-submit').click();
    }
    await page.getByTestId('capture-accepted').waitFor();

    const orderId = await page.getByTestId('capture-screen').getAttribute('data-order-id');
    const db = new Database(join(kiosk.dataDir, 'station.sqlite'), { readonly: true });
    try {
      const order = db.prepare('SELECT status, finished_path FROM orders WHERE id = ?').get(orderId) as { status: string; finished_path: string };
      assert.equal(order.status, '已采集');
      const meta = await sharp(order.finished_path).metadata();
      assert.deepEqual([meta.width, meta.height, meta.density], [480, 640, 300]);
      const overrides = db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'check.override' AND entity_id = ?`).pluck().get(orderId);
      assert.equal(overrides, failed.length);
      // The command line, run on the same original, must say what the screen said.
      const original = db.prepare('SELECT original_path FROM captures WHERE order_id = ?').pluck().get(orderId) as string;
      const cli = spawnSync(process.execPath, ['bin/campus-capture.js', 'check', original, '--json'], { encoding: 'utf8', timeout: 90_000 });
      assert.equal(cli.status, 0, cli.stderr);
      const [result] = (JSON.parse(cli.stdout) as { results: Array<{ verdict: { checks: Array<{ id: string; status: string }> } }> }).results;
      assert.deepEqual(Object.fromEntries(result!.verdict.checks.map((c) => [c.id, c.status])), onScreen);
    } finally {
      db.close();
    }
    await page.keyboard.press('Enter');
    await page.getByTestId('search-input').waitFor();
    assert.deepEqual(foreign, [], 'models, wasm and pages all come from the kiosk itself');
    await page.close();
  });

  test('a manager switches to the simulated camera; each shot takes the next demo photo; camera settings are the manager’s alone', { timeout: 120_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(kiosk.launchUrl);
    await login(page, '9999');
    await page.getByTestId('camera-settings').waitFor();
    await page.getByTestId('camera-kind').selectOption('simulated');
    await page.getByTestId('camera-save').click();
    await page.getByText('已保存').waitFor();
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    await page.getByTestId('search-input').fill('2023');
    await page.getByTestId('search-result').first().click();
    await page.getByTestId('checkin-confirm').click();
    await page.getByTestId('capture-remote-camera').waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid="shutter"]') as HTMLButtonElement | null)?.disabled === false);
    await page.keyboard.press('Space');
    await page.getByTestId('finished-photo').waitFor({ timeout: 60_000 });
    await page.keyboard.press('Space');
    await page.getByTestId('shot-strip').waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('[data-testid="shot-strip"] li').count(), 2);
    // Leave and come back to the same student: the two shots are there, as they were judged.
    await page.keyboard.press('Escape');
    await page.getByTestId('search-input').fill('2023');
    await page.getByTestId('search-result').first().click();
    // The card's main button says what it will do for a student already being photographed.
    assert.match(await page.getByTestId('checkin-confirm').innerText(), /继续拍摄/);
    await page.getByTestId('checkin-confirm').click();
    await page.getByTestId('shot-strip').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('[data-testid="shot-strip"] li').count(), 2);
    await page.getByTestId('finished-photo').waitFor();
    await page.close();

    const photographer = await browser.newPage();
    await photographer.goto(kiosk.launchUrl);
    await photographer.getByTestId('pin-input').fill('1234');
    await photographer.getByTestId('pin-submit').click();
    await photographer.getByTestId(`task-card-${DEMO_TASK_CODE}`).waitFor();
    assert.equal(await photographer.getByTestId('camera-settings').count(), 0);
    await photographer.close();
  });
});
