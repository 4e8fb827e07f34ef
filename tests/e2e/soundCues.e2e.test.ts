import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { checkInFirst, fakeCameraBrowser, login, watchForeignRequests } from './support/kioskFlow.js';
import { startKiosk, type RunningKiosk } from './support/launchKiosk.js';

/** The last cue the page played, as it marks it on <html> ("shot-failed:3"), or null. */
const lastCue = (page: Page) => page.evaluate(() => document.documentElement.dataset.soundCue ?? null);

describe('E2E: sound cues a photographer can work by (issue 15)', () => {
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

  test('scan accepted, scan refused, shot failed; on by default, off with the switch; the files come from the kiosk', { timeout: 180_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const foreign = watchForeignRequests(page);
    const wavs: string[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.wav') && r.ok()) wavs.push(r.url());
    });
    await page.goto(kiosk.launchUrl);
    await login(page, '1234');
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    await page.getByTestId('search-input').waitFor();
    assert.equal(await page.getByTestId('sound-switch').getAttribute('data-on'), 'true', 'on by default');

    // The demo's QR images, opened as files: a good reservation, then a forged one.
    const codes = join(kiosk.dataDir, 'demo-codes');
    const file = (prefix: string) => join(codes, readdirSync(codes).find((f) => f.startsWith(prefix))!);
    await page.getByTestId('image-scan-input').setInputFiles(file('1-预约码-'));
    await page.getByTestId('student-card').waitFor();
    assert.match((await lastCue(page)) ?? '', /^scan-accepted:/);
    assert.match(await page.getByTestId('checkin-confirm').innerText(), /确认签到/, 'a first check-in says so');
    await page.keyboard.press('Escape');
    await page.getByTestId('image-scan-input').setInputFiles(file('7-伪造的预约码'));
    await page.getByTestId('scan-notice').waitFor();
    assert.match((await lastCue(page)) ?? '', /^scan-refused:/);
    await page.keyboard.press('Escape');

    // portrait-a smiles with teeth: the shot fails a check, and says so by ear.
    await checkInFirst(page, '2022');
    await page.waitForFunction(() => (document.querySelector('[data-testid="shutter"]') as HTMLButtonElement | null)?.disabled === false, null, { timeout: 60_000 });
    await page.keyboard.press('Space');
    await page.getByTestId('finished-photo').waitFor({ timeout: 90_000 });
    const afterShot = await lastCue(page);
    assert.match(afterShot ?? '', /^shot-failed:/);
    assert.ok(wavs.some((u) => u.includes('shot-failed')), `wav files served: ${wavs.join(', ')}`);

    // Off: the next shot plays nothing.
    await page.getByTestId('sound-switch').click();
    assert.equal(await page.getByTestId('sound-switch').getAttribute('data-on'), 'false');
    await page.keyboard.press('Space');
    await page.locator('[data-testid="shot-strip"] li').nth(1).waitFor({ timeout: 90_000 });
    await page.getByTestId('shot-which').filter({ hasText: '第 2 张' }).waitFor();
    assert.equal(await lastCue(page), afterShot);
    assert.deepEqual(foreign, [], 'the sounds are the kiosk’s own files');
    await page.close();
  });
});
