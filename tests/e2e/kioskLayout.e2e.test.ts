import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { acceptShot, fakeCameraBrowser, login } from './support/kioskFlow.js';
import { startKiosk, type RunningKiosk } from './support/launchKiosk.js';
import { assertFits, KIOSK_VIEWPORTS } from './support/viewportFit.js';

/** With CC_SCREENSHOTS=dir, the 1366×768 run saves each step (the README's pictures come from here). */
async function keep(page: Page, width: number, name: string): Promise<void> {
  if (process.env.CC_SCREENSHOTS && width === 1366) await page.screenshot({ path: join(process.env.CC_SCREENSHOTS, `${name}.png`) });
}

/** Issue 15: every step a photographer goes through fits the window, with its controls in view. */
describe('E2E: the kiosk layout fits 1366×768 and 1920×1080 without page scrolling', () => {
  let kiosk: RunningKiosk;
  let browser: Browser;
  before(async () => {
    kiosk = await startKiosk();
    browser = await fakeCameraBrowser(kiosk);
  });
  after(async () => {
    await browser.close();
    await kiosk.stop();
  });

  for (const [i, viewport] of KIOSK_VIEWPORTS.entries()) {
    const size = `${viewport.width}×${viewport.height}`;
    test(`login, check-in, card, capture, after the shot and print at ${size}`, { timeout: 240_000 }, async () => {
      const page = await browser.newPage({ viewport });
      await page.goto(kiosk.launchUrl);
      const byId = (id: string) => page.getByTestId(id);

      await byId('pin-input').waitFor();
      await assertFits(page, `${size} login`, {
        'PIN field': byId('pin-input'),
        'key 1': page.locator('.keypad-key').first(),
        'key 0': page.locator('.keypad-key').nth(10),
        登录: byId('pin-submit'),
      });
      await keep(page, viewport.width, 'screen-login');
      await login(page, '1234');
      await byId(`task-card-${DEMO_TASK_CODE}`).click();

      // A query with many hits: at least five results are in view beside the camera scan panel.
      await byId('search-input').fill('2022');
      await byId('search-result').nth(5).waitFor();
      await byId('camera-scan-video').waitFor();
      await assertFits(page, `${size} check-in`, {
        search: byId('search-input'),
        'result 1': byId('search-result').nth(0),
        'result 5': byId('search-result').nth(4),
        'camera scan': byId('camera-scan'),
        'image file': byId('image-scan-button'),
        'walk-in': byId('walkin-button'),
      });
      await keep(page, viewport.width, 'screen-checkin');

      // A different student each run: the capture of the first must not make the second a retake.
      await byId('search-result').nth(i).click();
      await byId('student-name').waitFor();
      await assertFits(page, `${size} student card`, { name: byId('student-name'), confirm: byId('checkin-confirm'), back: byId('student-back') });
      await byId('checkin-confirm').click();

      await byId('capture-screen').waitFor();
      await page.waitForFunction(() => (document.querySelector('[data-testid="shutter"]') as HTMLButtonElement | null)?.disabled === false, null, { timeout: 60_000 });
      await page.locator('[data-testid="live-feedback"]:not([data-state="waiting"])').waitFor({ timeout: 30_000 });
      await assertFits(page, `${size} capture`, {
        'live view': byId('capture-preview'),
        'guide overlay': byId('guide-overlay'),
        'live feedback': byId('live-feedback'),
        shutter: byId('shutter'),
      });
      await keep(page, viewport.width, 'screen-capture');
      const preview = await byId('capture-preview').boundingBox();
      assert.ok(preview!.width >= 0.45 * viewport.width, `${size}: the live view is ${preview!.width} px wide`);

      await page.keyboard.press('Space');
      await byId('finished-photo').waitFor({ timeout: 90_000 });
      await page.locator('[data-testid="face-match"]').waitFor();
      const failed = page.locator('[data-testid="verdict-list"] li[data-status="fail"]');
      assert.ok((await failed.count()) > 0, 'portrait-a smiles with teeth: one check fails');
      await assertFits(page, `${size} after the shot`, {
        'finished photo': byId('finished-photo'),
        'first failed check': failed.first(),
        'passed count': page.locator('[data-testid="verdict-passed"] summary'),
        'face match': byId('face-match'),
        accept: byId('capture-accept'),
        shutter: byId('shutter'),
      });
      await keep(page, viewport.width, 'screen-after-shot');
      // The passed checks are a count until opened; opened, they are there.
      assert.equal(await page.locator('[data-testid="verdict-passed"] li').first().isVisible(), false);
      await page.locator('[data-testid="verdict-passed"] summary').click();
      assert.equal(await page.locator('[data-testid="verdict-passed"] li').first().isVisible(), true);

      await acceptShot(page);
      await page.keyboard.press('Enter');
      await byId('search-input').waitFor();
      await page.keyboard.press('F7');
      await byId('print-order').first().click();
      await byId('print-preview-image').waitFor({ timeout: 60_000 });
      await assertFits(page, `${size} print`, {
        student: byId('print-student'),
        preview: byId('print-preview-image'),
        print: byId('print-submit'),
      });
      await keep(page, viewport.width, 'screen-print');
      const settings = await page.locator('.print-settings').boundingBox();
      const sheet = await byId('print-preview-image').boundingBox();
      assert.ok(sheet!.x >= settings!.x + settings!.width, `${size}: the preview is beside the settings, not under them`);

      // Issue 16: the site manager's 应用版本 panel (the web shell has no updater, and says so).
      await page.getByTestId('logout').click();
      await login(page, '9999');
      await byId('nav-manager').waitFor();
      await page.keyboard.press('F8');
      await byId('manager-tab-updates').click();
      await byId('update-running').waitFor();
      await assertFits(page, `${size} manager: app version`, {
        'app version': byId('update-running'),
        'why no updates here': byId('update-unavailable'),
        安装更新: byId('update-install'),
      });
      await keep(page, viewport.width, 'screen-manager-updates');
      assert.equal(await byId('update-install').isDisabled(), true, 'nothing to install in the web shell');
      await page.close();
    });
  }
});
