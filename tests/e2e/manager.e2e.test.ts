import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { listZipEntries, readZipEntry } from '../../src/main/export/zipReader.js';
import { capturableDemoStudents } from '../helpers/stationCapture.js';
import { startKiosk, type RunningKiosk } from './support/launchKiosk.js';
import { fakeCameraBrowser, login, photograph, watchForeignRequests } from './support/kioskFlow.js';

describe('E2E: the site manager', () => {
  let kiosk: RunningKiosk;
  let browser: Browser;
  before(async () => {
    kiosk = await startKiosk();
    browser = await fakeCameraBrowser(kiosk);
  });
  after(async () => {
    await browser?.close();
    await kiosk?.stop();
  });

  test('a manager logs in (9999), exports the demo day from F8, and the zip manifest lists the captured students', { timeout: 300_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1900, height: 1100 } });
    const foreign = watchForeignRequests(page);
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
    // In words for people: the action said, not its key; the student by masked name and 学号, never an order's UUID.
    assert.match(await page.locator('[data-testid="audit-row"][data-action="export.run"]').first().innerText(), /导出当日批次/);
    const accepted = page.locator('[data-testid="audit-row"][data-action="capture.accept"]').first();
    assert.match(await accepted.innerText(), /采用照片/);
    assert.match(await accepted.getByTestId('audit-subject').innerText(), /^\S\*+\S?\s*学号 \d+$/);
    const auditText = await page.getByTestId('audit-panel').innerText();
    assert.doesNotMatch(auditText, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/, 'no UUIDs on the audit screen');
    assert.doesNotMatch(auditText, /export\.run|capture\.accept/, 'no action keys on the audit screen');
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
