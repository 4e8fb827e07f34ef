import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { generateDemoStudents } from '../../src/shared/demo/demoRoster.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { maskIdNumber } from '../../src/shared/idNumber.js';
import { KioskPage } from './support/KioskPage.js';
import { useKioskAndBrowser } from './support/launchKiosk.js';

/** A demo student whose ID last four no other demo student shares, so the search has one answer. */
function uniqueLast4Student() {
  const students = generateDemoStudents(300);
  const counts = new Map<string, number>();
  for (const s of students) counts.set(s.idNumber.slice(-4), (counts.get(s.idNumber.slice(-4)) ?? 0) + 1);
  const s = students.find((x) => counts.get(x.idNumber.slice(-4)) === 1 && !students.some((y) => y !== x && y.studentNo?.startsWith(x.idNumber.slice(-4))));
  assert.ok(s);
  return s;
}

describe('E2E: the kiosk in Debian Chromium through the web shell', () => {
  const env = useKioskAndBrowser();

  test('log in with the demo PIN, open the demo task, find a student by ID last 4, see the masked card, check in', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const foreign: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) foreign.push(r.url());
    });
    // Nothing the service sends may carry the full ID number, not only what the page shows.
    const frames: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const kioskPage = new KioskPage(page);
    const student = uniqueLast4Student();

    await kioskPage.open(env.kiosk.launchUrl);
    // The secret leaves the address bar once read.
    await page.waitForFunction(() => !location.hash.includes('secret'));
    await kioskPage.login('0000');
    await page.getByTestId('login-error').waitFor();
    assert.match(await page.getByTestId('login-error').innerText(), /PIN/);
    await kioskPage.login('1234');
    await kioskPage.openTask(DEMO_TASK_CODE);
    await kioskPage.search(student.idNumber.slice(-4));
    await assert.doesNotReject(kioskPage.results().first().waitFor());
    assert.equal(await kioskPage.results().count(), 1);
    await page.keyboard.press('Enter');
    await kioskPage.card().waitFor();
    assert.equal(await page.getByTestId('student-name').innerText(), student.name);
    const masked = await page.getByTestId('student-id-masked').innerText();
    assert.equal(masked.trim(), maskIdNumber(student.idNumber));
    assert.equal((await page.content()).includes(student.idNumber), false, 'the full ID number never reaches the page');
    assert.ok(frames.some((f) => f.includes(maskIdNumber(student.idNumber))), 'frames were captured');
    assert.equal(frames.some((f) => f.includes(student.idNumber)), false, 'nor any message from the service');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/e2e-student-card.png' });

    await page.getByTestId('checkin-confirm').click();
    await page.getByTestId('capture-screen').waitFor();
    await page.getByTestId('nav-queue').click();
    await page.getByTestId('queue-row').first().waitFor();
    assert.match(await page.getByTestId('queue-row').first().innerText(), new RegExp(student.name));
    assert.deepEqual(foreign, [], 'nothing leaves 127.0.0.1');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('opening the kiosk URL without its secret explains what to do instead of failing silently', async () => {
    const page = await env.browser.newPage();
    await page.goto(env.kiosk.launchUrl.replace(/#.*$/, ''));
    await page.getByText('npm start').first().waitFor();
    await page.close();
  });

  test('English switch: the same screen in English', async () => {
    const page = await env.browser.newPage();
    await page.goto(env.kiosk.launchUrl);
    await page.getByText('操作员登录').waitFor();
    await page.getByTestId('lang-switch').click();
    await page.getByText('Operator login').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.getByText('操作员登录').count(), 0);
    // The choice survives a reload.
    await page.goto(env.kiosk.launchUrl);
    await page.getByText('Operator login').waitFor();
    await page.close();
  });
});
