import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { acceptShot, checkInFirst, fakeCameraBrowser, login, watchForeignRequests } from './support/kioskFlow.js';
import { startKiosk, type RunningKiosk } from './support/launchKiosk.js';
import { assertFits } from './support/viewportFit.js';

describe("E2E: the student's screen follows a capture (issue 15)", () => {
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

  test('waiting → mirrored live view with the guide and one instruction → 请确认照片 with the finished photo, confirmed there → done; no names', { timeout: 240_000 }, async () => {
    const photographer = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await photographer.goto(kiosk.launchUrl);
    // The student's window: the same URL and secret, #view=student, nobody logged in on it.
    const student = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const foreign = watchForeignRequests(student);
    await student.goto(`${kiosk.launchUrl}&view=student`);
    await student.locator('[data-testid="student-screen"][data-phase="idle"]').waitFor();
    await student.getByTestId('student-idle').waitFor();

    await login(photographer, '1234');
    await photographer.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    const name = await checkInFirst(photographer, '2022');

    // Live: the student's own view of the camera, mirrored, with the guide and one instruction.
    await student.locator('[data-testid="student-screen"][data-phase="live"]').waitFor({ timeout: 30_000 });
    await student.waitForFunction(() => ((document.querySelector('[data-testid="student-video"]') as HTMLVideoElement | null)?.videoWidth ?? 0) > 0, null, { timeout: 30_000 });
    await student.getByTestId('guide-overlay').waitFor();
    const mirrored = await student.locator('.student-mirror').evaluate((el) => getComputedStyle(el).transform);
    assert.match(mirrored, /^matrix\(-1, 0, 0, 1,/, 'the live view is mirrored');
    // portrait-a sits small in the frame: the photographer's screen and the student's say the same first thing.
    const instruction = student.locator('[data-testid="student-instruction"][data-check]');
    await instruction.waitFor({ timeout: 30_000 });
    assert.equal(await student.getByTestId('student-instruction').count(), 1, 'one instruction at a time');
    const first = await photographer.locator('[data-testid="live-instruction"]').first().getAttribute('data-check');
    await student.locator(`[data-testid="student-instruction"][data-check="${first}"]`).waitFor({ timeout: 15_000 });
    if (process.env.CC_SCREENSHOTS) await student.screenshot({ path: join(process.env.CC_SCREENSHOTS, 'student-live.png') });
    await assertFits(student, 'student live', { video: student.getByTestId('student-video'), instruction: student.getByTestId('student-instruction') });

    // The shot: the finished photo, to confirm, and what must change (portrait-a shows teeth).
    await photographer.waitForFunction(() => (document.querySelector('[data-testid="shutter"]') as HTMLButtonElement | null)?.disabled === false, null, { timeout: 60_000 });
    await photographer.keyboard.press('Space');
    await student.locator('[data-testid="student-screen"][data-phase="confirm"]').waitFor({ timeout: 90_000 });
    await student.getByTestId('student-photo').waitFor();
    assert.match(await student.getByTestId('student-confirm-text').innerText(), /请确认照片/);
    if (process.env.CC_SCREENSHOTS) await student.screenshot({ path: join(process.env.CC_SCREENSHOTS, 'student-confirm.png') });
    const shown = await student.getByTestId('student-photo').evaluate((img: HTMLImageElement) => ({ w: img.naturalWidth, h: img.naturalHeight }));
    assert.deepEqual(shown, { w: 480, h: 640 }, 'the finished 学信网 photo');
    assert.equal(await student.locator('[data-testid="student-instruction"][data-check="mouth.closed"]').count(), 1);
    await assertFits(student, 'student confirm', { photo: student.getByTestId('student-photo'), words: student.getByTestId('student-confirm-text') });

    // The student confirms at their own screen (Enter there); the photographer sees it on the shot.
    await student.getByTestId('student-confirm').waitFor();
    await student.keyboard.press('Enter');
    await student.getByTestId('student-confirm-text').filter({ hasText: '已确认' }).waitFor();
    await photographer.getByTestId('student-confirmed').waitFor();

    await acceptShot(photographer);
    await student.getByTestId('student-done').waitFor({ timeout: 15_000 });
    // Nothing on the student's screen names anyone, not even the student being photographed.
    assert.ok(!(await student.locator('body').innerText()).includes(name));
    // Back to the search: the student's screen waits for the next student.
    await photographer.keyboard.press('Enter');
    await student.getByTestId('student-idle').waitFor();
    assert.deepEqual(foreign, []);

    // From the capture screen the photographer opens it as a second window, with no secret in its address.
    await checkInFirst(photographer, '2023');
    const [popup] = await Promise.all([photographer.waitForEvent('popup'), photographer.getByTestId('open-student-screen').click()]);
    await popup.locator('[data-testid="student-screen"][data-phase="live"]').waitFor({ timeout: 30_000 });
    assert.doesNotMatch(popup.url(), /secret=/);
    await popup.close();
    await student.close();
    await photographer.close();
  });

  test('a student window gets only its own events and photo, never a photographer’s procedures', async () => {
    const student = await browser.newPage();
    await student.goto(`${kiosk.launchUrl}&view=student`);
    await student.getByTestId('student-screen').waitFor();
    // The same socket the student screen uses: calls the photographer's procedures are refused.
    // (A script string, not a function: the test's TypeScript build would add helpers the page lacks.)
    const refused = (await student.evaluate(`(async () => {
      const secret = sessionStorage.getItem('cc.secret');
      const ws = new WebSocket('ws://' + location.host + '/rpc', ['cc.secret.' + secret]);
      await new Promise((r) => ws.addEventListener('open', r, { once: true }));
      const results = new Map();
      ws.addEventListener('message', (e) => {
        const m = JSON.parse(String(e.data));
        if (m.type === 'result') results.get(m.id)?.(m.result);
      });
      const call = (id, name, input) => new Promise((resolve) => { results.set(id, resolve); ws.send(JSON.stringify({ type: 'call', id, name, input })); });
      await call(1, 'studentView.attach', {});
      const search = await call(2, 'students.search', { taskCode: 'DEMO2026', query: '2022' });
      const photo = await call(3, 'studentView.photo', {});
      ws.close();
      return { search: search.ok ? 'ok' : search.error.code, photo: photo.ok };
    })()`)) as { search: string; photo: boolean };
    assert.deepEqual(refused, { search: 'UNAUTHENTICATED', photo: true });
    await student.close();
  });
});
