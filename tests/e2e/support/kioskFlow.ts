import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PORTRAIT_DIR } from '../../../bench/finish/portraitFixtures.js';
import { writeY4m } from '../../helpers/fakeCameraVideo.js';
import { launchChromium, type RunningKiosk } from './launchKiosk.js';

/** Chromium whose camera is Chromium's fake device playing a real portrait. */
export function fakeCameraBrowser(kiosk: RunningKiosk, portrait: 'a' | 'b' | 'c' = 'a'): Promise<Browser> {
  const video = join(kiosk.dataDir, `portrait-${portrait}.y4m`);
  writeY4m(video, join(PORTRAIT_DIR, `portrait-${portrait}.jpg`), { width: 1280, height: 720, fps: 15, seconds: 2 });
  return launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
}

/** Every request the page makes that leaves the machine (there must be none). */
export function watchForeignRequests(page: Page): string[] {
  const foreign: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) foreign.push(r.url());
  });
  return foreign;
}

export async function login(page: Page, pin: string): Promise<void> {
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
}

/** Search, open the first result, confirm the check-in; returns the student's name. */
export async function checkInFirst(page: Page, query: string): Promise<string> {
  await page.getByTestId('search-input').fill(query);
  const result = page.getByTestId('search-result').first();
  await result.waitFor();
  await result.click();
  const name = (await page.getByTestId('student-name').innerText()).trim();
  await page.getByTestId('checkin-confirm').click();
  await page.getByTestId('capture-screen').waitFor();
  return name;
}

/** After the shutter: wait for the finished photo, accept it (a reason for each failed check); returns the order id. */
export async function acceptShot(page: Page): Promise<string> {
  // Now and then (about 1 shot in 100–300 in bench/soak, under load) the still from Chromium's fake
  // camera was all black, and the engine found no face; grabStill now draws the camera's next frame
  // instead of storing a blank one. Kept as a logged safety net: should a no-face still come again,
  // a photographer shoots again, and so does the test, once, and says so.
  const judged = await page
    .waitForFunction(() => document.querySelector('[data-testid="finished-photo"], [data-testid="no-face"]') !== null, null, { timeout: 90_000 })
    .then(() => true, () => false);
  if (judged && (await page.getByTestId('finished-photo').count()) === 0) {
    console.log('E2E: the still engine found no face in the fake camera\'s still; shooting again');
    await page.getByTestId('shutter').click();
  }
  await page.getByTestId('finished-photo').waitFor({ timeout: 90_000 }).catch(async (err: unknown) => {
    // Say what the screen said instead of only "not visible": an error, no face, still working.
    const said = await page.getByTestId('capture-screen').innerText().catch(() => '(no capture screen)');
    throw new Error(`${String(err)}\nthe capture screen said:\n${said.slice(0, 1500)}`);
  });
  const failed = await page.locator('[data-testid="verdict-list"] li[data-status="fail"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-check')));
  await page.keyboard.press('a');
  if (failed.length > 0) {
    await page.getByTestId('override-form').waitFor();
    for (const id of failed) await page.getByTestId(`override-${id}`).fill('演示：已与学生确认');
    await page.getByTestId('override-submit').click();
  }
  await page.getByTestId('capture-accepted').waitFor();
  return (await page.getByTestId('capture-screen').getAttribute('data-order-id'))!;
}

/** A photographer's whole path for one student: check in, shutter, accept, back to the search. */
export async function photograph(page: Page, query: string): Promise<{ name: string; orderId: string }> {
  const name = await checkInFirst(page, query);
  await page.waitForFunction(() => (document.querySelector('[data-testid="shutter"]') as HTMLButtonElement | null)?.disabled === false, null, { timeout: 60_000 });
  await page.keyboard.press('Space');
  // On a loaded 2-core machine a key press now and then does not reach the shutter (seen only with
  // the whole suite running; what swallows it is not found yet). A photographer presses again:
  // so does the test, by the button, once, and says so.
  const started = await page
    .waitForFunction(() => (document.querySelector('[data-testid="shutter"]') as HTMLButtonElement | null)?.disabled === true || document.querySelector('[data-testid="finished-photo"], [data-testid="capture-error"], [data-testid="no-face"]') !== null, null, { timeout: 15_000 })
    .then(() => true, () => false);
  if (!started) {
    console.log('E2E: the shutter key went unanswered for 15 s; pressing the shutter button');
    await page.getByTestId('shutter').click();
  }
  const orderId = await acceptShot(page);
  await page.keyboard.press('Enter');
  await page.getByTestId('search-input').waitFor();
  return { name, orderId };
}
