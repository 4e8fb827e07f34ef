import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { decodeImageFile } from '../../src/main/qr/decodeImageFile.js';
import { pdfPageSizePt, pdfsForJob, rasterise, waitFor } from '../integration/printingFixtures.js';
import { startKiosk, type RunningKiosk } from './support/launchKiosk.js';
import { fakeCameraBrowser, login, photograph, watchForeignRequests } from './support/kioskFlow.js';

type Cups = { queue: string; outputDir: string };
async function ensureCups(): Promise<Cups> {
  const script = resolve(import.meta.dirname, '../../scripts/ensureCups.mjs');
  return ((await import(script)) as { ensureCups(): Promise<Cups> }).ensureCups();
}

const PT_PER_MM = 72 / 25.4;

describe('E2E: a photographer prints a 6寸 sheet and a receipt for a captured student', () => {
  let cups: Cups;
  let kiosk: RunningKiosk;
  let browser: Browser;
  before(async () => {
    cups = await ensureCups();
    // With the embedded central server: the station enrols, so the receipt's QR has a server to point to.
    kiosk = await startKiosk({ withServer: true });
    browser = await fakeCameraBrowser(kiosk);
  });
  after(async () => {
    await browser?.close();
    await kiosk?.stop();
  });

  test('capture → F7 → 版式一 on 6寸 → printed PDF; receipt → printed slip whose QR opens the order page', { timeout: 240_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1900, height: 1100 } });
    const foreign = watchForeignRequests(page);
    await page.goto(kiosk.launchUrl);
    await login(page, '1234');
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();

    // A student photographed as on any day: check-in, shutter, accept (with reasons for failed checks).
    const { orderId } = await photograph(page, '2022');

    // F7: the print screen; the student is among today's captured.
    await page.keyboard.press('F7');
    await page.getByTestId('print-screen').waitFor();
    await page.locator(`[data-testid="print-order"][data-order-id="${orderId}"]`).click();
    await page.getByTestId('print-settings').waitFor();
    await page.getByTestId('print-printer').selectOption(cups.queue);
    await page.getByTestId('print-layout').selectOption('ban1-1cun8-2cun4');
    assert.equal(await page.getByTestId('print-paper').inputValue(), '6cun');
    await page.getByTestId('print-background-blue').click();
    await page.locator('[data-testid="print-preview-image"][data-photos="12"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('print-near-borderless').waitFor();
    // Papers a layout does not fit are offered disabled: 1寸×30 is an A4 sheet, not a 6寸 one.
    await page.getByTestId('print-layout').selectOption('a4-1cun30');
    assert.equal(await page.getByTestId('print-paper').inputValue(), 'a4');
    assert.equal(await page.locator('[data-testid="print-paper"] option[value="6cun"]').isDisabled(), true);
    await page.getByTestId('print-layout').selectOption('ban1-1cun8-2cun4');
    await page.locator('[data-testid="print-preview-image"][data-photos="12"]').waitFor({ timeout: 60_000 });

    await page.getByTestId('print-submit').click();
    const sheetJob = page.locator('[data-testid="print-job"][data-kind="sheet"]');
    await sheetJob.first().waitFor();
    await page.locator('[data-testid="print-job"][data-kind="sheet"][data-state="done"]').waitFor({ timeout: 90_000 });
    assert.equal(await sheetJob.count(), 1);

    // The receipt: a 58 mm slip with the order's QR.
    await page.getByTestId('print-kind-receipt').click();
    assert.equal(await page.getByTestId('print-paper').inputValue(), 'receipt-58');
    await page.getByTestId('print-receipt-url').waitFor({ timeout: 60_000 });
    const url = await page.getByTestId('print-receipt-url').innerText();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/r\/[A-Za-z0-9_-]{22}$/);
    await page.getByTestId('print-submit').click();
    await page.locator('[data-testid="print-job"][data-kind="receipt"][data-state="done"]').waitFor({ timeout: 90_000 });

    // What CUPS produced: the sheet on 4×6 in, the slip 58 mm wide whose QR holds the URL shown.
    const db = new Database(join(kiosk.dataDir, 'station.sqlite'), { readonly: true });
    let jobs: Array<{ kind: string; cups_job_id: number; state: string }>;
    let token: string;
    try {
      jobs = db.prepare('SELECT kind, cups_job_id, state FROM print_jobs WHERE order_id = ? ORDER BY created_at').all(orderId) as typeof jobs;
      token = db.prepare('SELECT receipt_token FROM orders WHERE id = ?').pluck().get(orderId) as string;
    } finally {
      db.close();
    }
    assert.deepEqual(
      jobs.map((j) => [j.kind, j.state]),
      [
        ['sheet', 'done'],
        ['receipt', 'done'],
      ],
    );
    assert.ok(url.endsWith(`/r/${token}`));
    const [sheetPdf] = await waitFor('the sheet PDF', () => (pdfsForJob(cups.outputDir, jobs[0]!.cups_job_id).length ? pdfsForJob(cups.outputDir, jobs[0]!.cups_job_id) : null));
    const sheetSize = pdfPageSizePt(sheetPdf!);
    if (process.env.CC_SCREENSHOTS) rasterise(sheetPdf!, join(process.env.CC_SCREENSHOTS, 'print-sheet-6cun'), 150);
    assert.ok(Math.abs(sheetSize.w - 101.6 * PT_PER_MM) < 1 && Math.abs(sheetSize.h - 152.4 * PT_PER_MM) < 1, `sheet ${sheetSize.w} × ${sheetSize.h} pt`);
    const [receiptPdf] = await waitFor('the receipt PDF', () => (pdfsForJob(cups.outputDir, jobs[1]!.cups_job_id).length ? pdfsForJob(cups.outputDir, jobs[1]!.cups_job_id) : null));
    assert.ok(Math.abs(pdfPageSizePt(receiptPdf!).w - 58 * PT_PER_MM) < 1.5);
    const receiptPng = join(kiosk.dataDir, 'receipt-e2e.png');
    writeFileSync(receiptPng, rasterise(receiptPdf!, join(kiosk.dataDir, 'receipt-e2e-raster'), 300));
    const decoded = await decodeImageFile(receiptPng);
    assert.ok(decoded.found);
    assert.equal(decoded.text, url);

    assert.deepEqual(foreign, [], 'nothing leaves 127.0.0.1');
    await page.close();
  });
});
