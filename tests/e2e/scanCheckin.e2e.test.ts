import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { generateDemoStudents } from '../../src/shared/demo/demoRoster.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { qrPhoneFrame, writeY4m } from '../helpers/fakeCameraVideo.js';
import { launchChromium, startKiosk, type RunningKiosk } from './support/launchKiosk.js';
import { scannerBurst } from './support/scannerBurst.js';

interface Reservation {
  student_id: string;
  token: string;
  name: string;
}

/** Reads fixtures straight from the running kiosk's store (WAL lets a reader in beside it). */
function reservations(kiosk: RunningKiosk, state: 'active' | 'cancelled', limit: number): Reservation[] {
  const db = new Database(join(kiosk.dataDir, 'station.sqlite'), { readonly: true });
  try {
    return db
      .prepare(`SELECT r.student_id, r.token, s.name FROM reservations r JOIN students s ON s.id = r.student_id WHERE r.state = ? ORDER BY r.id LIMIT ?`)
      .all(state, limit) as Reservation[];
  } finally {
    db.close();
  }
}

async function openCheckin(page: Page, kiosk: RunningKiosk): Promise<void> {
  await page.goto(kiosk.launchUrl);
  await page.getByTestId('pin-input').fill('1234');
  await page.getByTestId('pin-submit').click();
  await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
  await page.getByTestId('search-input').waitFor();
}

describe('E2E: checking students in by code — scanner, image file, live camera', () => {
  let kiosk: RunningKiosk;
  let browser: Browser;
  let cameraBrowser: Browser | undefined;
  before(async () => {
    kiosk = await startKiosk();
    // No camera in this browser: the scanner tests must not share the CPU with a live QR loop, since
    // Playwright's keys are timed when the page takes them, not when a scanner would send them.
    browser = await launchChromium();
  });
  after(async () => {
    await cameraBrowser?.close();
    await browser.close();
    await kiosk.stop();
  });

  test('a USB scanner burst works while the search field has focus: the field keeps what was typed, the card opens', async () => {
    const [r] = reservations(kiosk, 'active', 1);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await openCheckin(page, kiosk);
    await page.getByTestId('search-input').fill('王');
    await page.getByTestId('search-input').focus();
    // A keyboard wedge: every character a few milliseconds apart, then Enter. First a code the
    // station refuses, so the screen stays and the field can be looked at.
    await scannerBurst(page, 'CC1.broken-token-text');
    await page.locator('[data-reason="malformed"]').waitFor();
    assert.equal(await page.getByTestId('search-input').inputValue(), '王', 'the burst was taken back out of the field');
    await page.keyboard.press('Escape');
    await page.getByTestId('scan-notice').waitFor({ state: 'detached' });
    await page.getByTestId('search-input').focus();
    await scannerBurst(page, r!.token);
    await page.getByTestId('student-card').waitFor();
    assert.equal(await page.getByTestId('student-name').innerText(), r!.name);
    await page.close();
  });

  test('a scan on a half-filled form is held off with a hint and leaves the form as it was', async () => {
    const [r] = reservations(kiosk, 'active', 1);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await openCheckin(page, kiosk);
    await page.getByTestId('walkin-button').click();
    await page.getByTestId('field-name').fill('张');
    await page.getByTestId('field-name').focus();
    await scannerBurst(page, r!.token);
    await page.getByTestId('scan-hint').waitFor();
    assert.equal(await page.getByTestId('field-name').inputValue(), '张');
    assert.equal(await page.getByTestId('walkin-screen').count(), 1, 'no walk-in was submitted, no navigation');
    await page.close();
  });

  test('a forged code, a cancelled reservation and an unknown 学信网 code each say what to do; 待识别 registers the student', async () => {
    const [active] = reservations(kiosk, 'active', 2).slice(1);
    const [cancelled] = reservations(kiosk, 'cancelled', 1);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await openCheckin(page, kiosk);
    const scanner = (text: string) => scannerBurst(page, text);

    const [head, body, sig] = active!.token.split('.');
    await scanner(`${head}.${body}.${sig!.slice(0, -2)}${sig!.endsWith('AA') ? 'BA' : 'AA'}`);
    await page.getByTestId('scan-notice').waitFor();
    assert.equal(await page.getByTestId('scan-notice').getAttribute('data-reason'), 'bad_signature');
    assert.match(await page.getByTestId('scan-notice').innerText(), /伪造/);

    await scanner(cancelled!.token);
    await page.locator('[data-reason="cancelled"]').waitFor();
    await page.keyboard.press('Enter'); // the primary action has the focus: open the card
    await page.getByTestId('student-card').waitFor();
    assert.equal(await page.getByTestId('student-name').innerText(), cancelled!.name);
    // Checking in a cancelled reservation needs a reason.
    await page.getByTestId('override-box').waitFor();
    assert.equal(await page.getByTestId('checkin-confirm').isDisabled(), true);
    await page.getByTestId('override-reason').fill('现场补缴费用');
    await page.getByTestId('checkin-confirm').click();
    await page.getByTestId('capture-screen').waitFor();
    await page.keyboard.press('F2');
    await page.getByTestId('search-input').waitFor();

    await scanner('Q'.repeat(40) + 'unknown-xuexin-code');
    await page.locator('[data-reason="unmatched"]').waitFor();
    await page.getByTestId('scan-register-pending').click();
    await page.getByTestId('walkin-pending-code').waitFor();
    assert.equal(await page.getByTestId('field-name').inputValue(), '待识别');
    await page.getByTestId('field-name').fill('李待定');
    await page.getByTestId('walkin-submit').click();
    await page.getByTestId('capture-screen').waitFor();
    await page.keyboard.press('F3');
    await page.getByTestId('queue-row').filter({ hasText: '李待定' }).waitFor();
    await page.close();
  });

  test('a student’s saved 学信网 code image is read from the file and the student is found', async () => {
    const student = generateDemoStudents(300)[7]!;
    const frame = qrPhoneFrame(student.xuexinCode, { width: 1080, height: 1920, seed: 7 });
    const file = join(kiosk.dataDir, 'saved-code.png');
    await sharp(frame.rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } }).png().toFile(file);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await openCheckin(page, kiosk);
    await page.getByTestId('image-scan-input').setInputFiles(file);
    await page.getByTestId('student-card').waitFor();
    assert.equal(await page.getByTestId('student-name').innerText(), student.name);

    const notImage = join(kiosk.dataDir, 'not-an-image.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).png().toFile(notImage);
    await page.getByTestId('student-back').click();
    await page.getByTestId('image-scan-input').setInputFiles(notImage);
    await page.locator('[data-reason="noCode"]').waitFor();
    await page.close();
  });

  test('the station camera reads a phone QR live (fake camera fed a phone-screen video) and opens the card', async () => {
    const [, , r] = reservations(kiosk, 'active', 3);
    const video = join(kiosk.dataDir, 'phone-qr.y4m');
    const frame = qrPhoneFrame(r!.token, { width: 1280, height: 720, seed: 11 });
    writeY4m(video, [frame], { width: 1280, height: 720, fps: 15, seconds: 2 });
    cameraBrowser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
    const page = await cameraBrowser.newPage({ viewport: { width: 1600, height: 1000 } });
    const foreign: string[] = [];
    page.on('request', (req) => {
      const u = new URL(req.url());
      if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) foreign.push(req.url());
    });
    await openCheckin(page, kiosk);
    await page.getByTestId('camera-scan-video').waitFor();
    await page.getByTestId('student-card').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('student-name').innerText(), r!.name);
    // Esc on the card with the phone still in view: closing the card forgets the code, so the
    // same code opens the card again rather than being ignored as a repeat.
    await page.keyboard.press('Escape');
    await page.getByTestId('student-card').waitFor({ state: 'detached' });
    await page.getByTestId('student-card').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('student-name').innerText(), r!.name);
    assert.deepEqual(foreign, [], 'the wasm decoder is served by the kiosk, never a CDN');
    await page.close();
  });

  test('task code + ID last 4 + 特征码 and an audited correction from the card', async () => {
    const student = generateDemoStudents(300)[12]!;
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await openCheckin(page, kiosk);
    await page.getByTestId('camera-scan-toggle').click();
    await page.getByTestId('feature-code-toggle').click();
    await page.getByTestId('feature-last4').fill(student.idNumber.slice(-4));
    await page.getByTestId('feature-code').fill(student.featureCode.toLowerCase());
    await page.getByTestId('feature-submit').click();
    await page.getByTestId('student-card').waitFor();
    assert.equal(await page.getByTestId('student-name').innerText(), student.name);
    await page.getByTestId('correction-button').click();
    await page.getByTestId('field-className').fill('更正班级 1 班');
    await page.getByTestId('correction-submit').click();
    await page.getByTestId('correction-error').waitFor();
    await page.getByTestId('correction-reason').fill('学生口述班级有误');
    await page.getByTestId('correction-submit').click();
    await page.getByTestId('correction-saved').waitFor();
    // The card reloads after the save; wait for the new value rather than racing the reload.
    await page.getByTestId('student-card').getByText('更正班级 1 班').waitFor();
    await page.close();
  });
});
