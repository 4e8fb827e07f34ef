import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { adminApi, eventually } from '../helpers/syncRig.js';
import { startKiosk, type RunningKiosk } from './support/launchKiosk.js';
import { fakeCameraBrowser, login, photograph } from './support/kioskFlow.js';
import { assertFits } from './support/viewportFit.js';

describe('E2E: npm start’s kiosk and central server — captured, reviewed and rejected on the server page, a retake at the station', () => {
  let kiosk: RunningKiosk;
  let browser: Browser;
  before(async () => {
    kiosk = await startKiosk({ withServer: true });
    browser = await fakeCameraBrowser(kiosk);
  });
  after(async () => {
    await browser?.close();
    await kiosk?.stop();
  });

  test('photographer accepts → the order goes up → reviewer rejects with a reason → the station lists the retake with that reason', { timeout: 180_000 }, async () => {
    assert.ok(kiosk.serverUrl, 'the kiosk started its central server');
    const server = { url: kiosk.serverUrl, adminToken: readFileSync(join(kiosk.dataDir, 'server', 'admin-token'), 'utf8').trim() };
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(kiosk.launchUrl);
    await login(page, '1234');
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    // Enrolled by npm start: the light says online once the first pull went through.
    await page.locator('[data-testid="sync-indicator"][data-state="ok"]').waitFor({ timeout: 30_000 });
    const { name, orderId } = await photograph(page, '2022');

    const admin = adminApi(server);
    await eventually(async () => assert.equal((await admin.order(orderId)).status, '待审核'), 60_000, 'the order in review on the server');

    // The reviewer, on the server's own page.
    const review = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await review.goto(new URL('/review', server.url).toString());
    await review.locator('input[name="token"]').fill(server.adminToken);
    await review.locator('form[action="/review/login"] button').click();
    const card = review.locator(`#order-${orderId}`);
    await card.waitFor({ timeout: 15_000 }).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\n${review.url()}\n${(await review.locator('body').innerText()).slice(0, 2000)}`);
    });
    assert.match(await card.innerText(), new RegExp(name));
    if (process.env.CC_SCREENSHOTS) await review.screenshot({ path: join(process.env.CC_SCREENSHOTS, 'review-page.png') });
    // Times in the reviewer's zone, as a wall clock, never the stored UTC instant.
    assert.match(await card.innerText(), /拍摄 \/ taken \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    assert.doesNotMatch(await card.innerText(), /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    // The keyboard: R goes to the focused order's rejection reason.
    await review.keyboard.press('r');
    assert.equal(await card.locator('select[name="reason"]').evaluate((el) => el === document.activeElement), true);
    await card.locator('select[name="reason"]').selectOption('图像额外内容（手、水印等）');
    await card.locator('button.reject').click();
    await review.waitForURL(/\/review/);
    assert.equal((await admin.order(orderId)).status, '被驳回');
    // Each decision is confirmed in words, with whom it was about.
    const confirmation = review.getByTestId('decision-confirm');
    await confirmation.waitFor();
    assert.match(await confirmation.innerText(), new RegExp(`已驳回 / Rejected：${name}.*图像额外内容`));

    // Back at the station: 立即同步 (F6 → sync now), then the retake list says who and why.
    await page.keyboard.press('F6');
    await page.getByTestId('sync-screen').waitFor();
    await page.getByTestId('sync-now').click();
    await page.keyboard.press('F2');
    const retake = page.getByTestId('retake-row').filter({ hasText: name });
    await retake.waitFor({ timeout: 30_000 });
    assert.match(await retake.innerText(), /图像额外内容（手、水印等）/);
    if (process.env.CC_SCREENSHOTS) await page.screenshot({ path: join(process.env.CC_SCREENSHOTS, 'retake-list.png') });
    await retake.click();
    await page.getByTestId('order-warning').waitFor();
    assert.match(await page.getByTestId('order-warning').innerText(), /审核被驳回：图像额外内容/);
    assert.match(await page.getByTestId('checkin-confirm').innerText(), /重拍/, 'the main button says what it will do');
    // The retake opens capture with the rejected photo still there, marked with the reason, never acceptable again.
    await page.getByTestId('checkin-confirm').click();
    const barred = page.getByTestId('shot-barred');
    await barred.waitFor({ timeout: 30_000 });
    assert.match(await barred.innerText(), /图像额外内容（手、水印等）/);
    assert.equal(await page.getByTestId('capture-accept').isDisabled(), true, 'the rejected photo cannot be accepted');
    await page.getByTestId('capture-back').click();
    if (process.env.CC_SCREENSHOTS) {
      await page.keyboard.press('F6');
      await page.getByTestId('sync-screen').waitFor();
      await page.screenshot({ path: join(process.env.CC_SCREENSHOTS, 'sync-screen.png') });
    }
    // On a 1366×768 laptop the retake list has its own panel beside the search: nothing scrolls the page.
    const laptop = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await laptop.goto(kiosk.launchUrl);
    await login(laptop, '1234');
    await laptop.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    await laptop.getByTestId('retake-row').first().waitFor({ timeout: 30_000 });
    await assertFits(laptop, '1366×768 check-in with a retake', {
      search: laptop.getByTestId('search-input'),
      'retake list': laptop.getByTestId('retake-list'),
      retake: laptop.getByTestId('retake-row').first(),
      'camera scan': laptop.getByTestId('camera-scan'),
      'walk-in': laptop.getByTestId('walkin-button'),
    });
    await laptop.close();
    await review.close();
    await page.close();
  });
});
