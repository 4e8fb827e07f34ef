import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { PORTRAIT_DIR } from '../../bench/finish/portraitFixtures.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { listZipEntries, readZipEntry } from '../../src/main/export/zipReader.js';
import { writeY4m } from '../helpers/fakeCameraVideo.js';
import { capturableDemoStudents } from '../helpers/stationCapture.js';
import { launchChromium, startKiosk, type RunningKiosk } from './support/launchKiosk.js';

async function login(page: Page, pin: string): Promise<void> {
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
}

/** A photographer's whole path for one student through the fake camera: search, check in, shoot, accept. */
async function photograph(page: Page, query: string): Promise<{ name: string; orderId: string }> {
  await page.getByTestId('search-input').fill(query);
  const result = page.getByTestId('search-result').first();
  await result.waitFor();
  await result.click();
  const name = (await page.getByTestId('student-name').innerText()).trim();
  await page.getByTestId('checkin-confirm').click();
  await page.getByTestId('capture-screen').waitFor();
  await page.waitForFunction(() => (document.querySelector('[data-testid="shutter"]') as HTMLButtonElement | null)?.disabled === false, null, { timeout: 60_000 });
  await page.keyboard.press('Space');
  await page.getByTestId('finished-photo').waitFor({ timeout: 90_000 });
  const failed = await page.locator('[data-testid="verdict-list"] li[data-status="fail"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-check')));
  await page.keyboard.press('a');
  if (failed.length > 0) {
    await page.getByTestId('override-form').waitFor();
    for (const id of failed) await page.getByTestId(`override-${id}`).fill('演示：已与学生确认');
    await page.getByTestId('override-submit').click();
  }
  await page.getByTestId('capture-accepted').waitFor();
  const orderId = (await page.getByTestId('capture-screen').getAttribute('data-order-id'))!;
  await page.keyboard.press('Enter');
  await page.getByTestId('search-input').waitFor();
  return { name, orderId };
}

describe('E2E: the site manager', () => {
  let kiosk: RunningKiosk;
  let browser: Browser;
  before(async () => {
    kiosk = await startKiosk();
    const video = join(kiosk.dataDir, 'portrait.y4m');
    writeY4m(video, join(PORTRAIT_DIR, 'portrait-a.jpg'), { width: 1280, height: 720, fps: 15, seconds: 2 });
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
  });
  after(async () => {
    await browser?.close();
    await kiosk?.stop();
  });

  test('a manager logs in (9999), exports the demo day from F8, and the zip manifest lists the captured students', { timeout: 300_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1900, height: 1100 } });
    const foreign: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) foreign.push(r.url());
    });
    await page.goto(kiosk.launchUrl);

    // A photographer photographs two students; F8 means nothing to them.
    await login(page, '1234');
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    const [a, b] = capturableDemoStudents();
    const first = await photograph(page, a!.studentNo!);
    const second = await photograph(page, b!.studentNo!);
    assert.equal(await page.getByTestId('nav-manager').count(), 0);
    await page.keyboard.press('F8');
    assert.equal(await page.getByTestId('manager-screen').count(), 0);
    await page.getByTestId('logout').click();

    // The site manager: F8 → export the day to the station's exports folder.
    await login(page, '9999');
    await page.getByTestId('nav-manager').waitFor();
    await page.keyboard.press('F8');
    await page.getByTestId('manager-screen').waitFor();
    await page.getByTestId('export-template').selectOption('{姓名}_{学号}');
    await page.getByTestId('export-folders').selectOption('department');
    await page.waitForFunction(() => (document.querySelector('[data-testid="export-destination-select"]') as HTMLSelectElement | null)?.value.endsWith('/exports') === true);
    await page.getByTestId('export-preview').click();
    await page.getByTestId('export-plan').waitFor();
    assert.match(await page.getByTestId('export-plan').innerText(), /2 张照片|2 photos/);
    await page.getByTestId('export-start').click();
    const done = page.getByTestId('export-done');
    await done.waitFor({ timeout: 120_000 });
    const zip = (await done.getAttribute('data-zip'))!;
    assert.ok(zip.startsWith(join(kiosk.dataDir, 'exports')), zip);

    const top = zip.split('/').pop()!.replace(/\.zip$/, '');
    const names = (await listZipEntries(zip)).map((e) => e.name);
    const csv = (await readZipEntry(zip, `${top}/manifest.csv`)).subarray(3).toString('utf8');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    for (const student of [first, second]) {
      const row = rows.find((r) => r['订单号'] === student.orderId);
      assert.ok(row, `the manifest lists ${student.name}`);
      assert.equal(row['类别'], '已采集');
      assert.equal(row['姓名'], student.name);
      assert.match(row['照片文件']!, new RegExp(`^photos/[^/]+/${student.name}_\\d+\\.jpg$`));
      assert.ok(names.includes(`${top}/${row['照片文件']}`), `the zip holds ${row['照片文件']}`);
      assert.equal(row['摄影师'], '摄影师 01');
    }
    assert.equal(rows.filter((r) => r['类别'] === '已采集').length, 2);

    // The day report on screen counts the same day.
    await page.getByTestId('manager-tab-report').click();
    await page.getByTestId('day-report').waitFor();
    assert.equal(await page.getByTestId('report-captured').innerText(), '2');
    assert.equal(await page.locator('[data-testid="day-report"] svg').count() >= 4, true);

    // Reconciliation: nothing confirmed by a server yet (none enrolled), nothing missing.
    await page.getByTestId('manager-tab-reconcile').click();
    await page.getByTestId('reconcile-panel').waitFor();
    assert.equal(await page.getByTestId('reconcile-missing').innerText(), '0');
    assert.equal(await page.getByTestId('reconcile-orders').innerText(), '2');

    // The audit log shows the export, by the manager.
    await page.getByTestId('manager-tab-audit').click();
    await page.locator('[data-testid="audit-row"][data-action="export.run"]').first().waitFor();
    assert.match(await page.locator('[data-testid="audit-row"][data-action="export.run"]').first().innerText(), /负责人 01/);
    assert.deepEqual(foreign, [], 'nothing leaves 127.0.0.1');
    await page.close();
  });

  test('five wrong PINs lock the station; a manager overrides with PIN and reason; idle time locks the screen', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(kiosk.launchUrl);
    for (let i = 0; i < 5; i++) {
      await login(page, '0000');
      await page.getByTestId('login-error').waitFor();
    }
    await page.getByTestId('lock-override-open').click();
    await page.getByTestId('lock-override-pin').fill('9999');
    await page.getByTestId('lock-override-reason').fill('演示：摄影师忘记 PIN');
    await page.getByTestId('lock-override-submit').click();
    await page.getByTestId('nav-manager').waitFor();

    // Idle lock at one minute: a minute and a bit without input returns to the PIN screen.
    await page.keyboard.press('F8');
    await page.getByTestId('manager-tab-settings').click();
    await page.getByTestId('settings-idle-minutes').fill('1');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    await page.clock.fastForward('01:30');
    await page.getByTestId('login-notice').waitFor({ timeout: 15_000 });
    assert.match(await page.getByTestId('login-notice').innerText(), /自动锁屏|locked itself/);
    await context.close();
  });
});
