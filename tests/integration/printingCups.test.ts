import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { placeLayout } from '../../src/shared/print/layoutEngine.js';
import type { PrintJob } from '../../src/shared/print/printTypes.js';
import { requireLayout, requirePaper, sizeMap } from '../../src/main/printing/printCatalog.js';
import { cupsTitle, printServiceFor } from '../../src/main/printing/printService.js';
import { RECEIPT_TOKEN_PATTERN, receiptTokenFor } from '../../src/main/printing/receiptToken.js';
import { decodeImageFile } from '../../src/main/qr/decodeImageFile.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { tempApp, tempDir } from '../helpers/tempApp.js';
import { captureWithMask, findPhotoRects, pdfPageSizePt, pdfsForJob, rasterise, waitFor, type Rect } from './printingFixtures.js';

/**
 * Printing through the real CUPS on this machine, to its cups-pdf queue: the produced PDF is opened
 * (pdfinfo, pdftoppm) and the photos are found on the raster, counted and measured.
 */

type Cups = { queue: string; outputDir: string };
async function ensureCups(): Promise<Cups> {
  const script = resolve(import.meta.dirname, '../../scripts/ensureCups.mjs');
  const mod = (await import(script)) as { ensureCups(): Promise<Cups> };
  return mod.ensureCups();
}

const PT_PER_MM = 72 / 25.4;
const BLUE = [100, 197, 255] as const;

async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

describe('printing a 6寸 sheet and a receipt to the CUPS PDF printer', () => {
  let cups: Cups;
  let app: Awaited<ReturnType<typeof tempApp>>;
  let s: Session;
  let orderId: string;
  const tmp = tempDir('cc-print-');
  before(async () => {
    cups = await ensureCups();
    app = await tempApp({ demo: true });
    s = await app.loggedIn();
    ({ orderId } = await captureWithMask(app, s, '2022', 'a'));
  });
  after(async () => {
    await app.close();
    tmp.cleanup();
  });

  async function waitForJob(id: string, states: PrintJob['state'][]): Promise<PrintJob> {
    return waitFor(`job ${id} to reach ${states.join('/')}`, async () => {
      const { jobs } = await app.call(s, 'print.jobs', { orderId });
      const j = jobs.find((x) => x.id === id);
      return j && states.includes(j.state) ? j : null;
    });
  }

  test('the CUPS PDF queue is listed with the papers it takes', async () => {
    const { printers, error } = await app.call(s, 'print.printers', {});
    assert.equal(error, null);
    const pdf = printers.find((p) => p.name === cups.queue);
    assert.ok(pdf, `printers: ${printers.map((p) => p.name).join(', ')}`);
    assert.equal(pdf.accepting, true);
    for (const paper of ['6cun', '5cun', 'a4', 'receipt-58', 'receipt-80']) assert.ok(pdf.papers.includes(paper), `${cups.queue} takes ${paper}`);
  });

  test('版式一 (1寸×8 + 2寸×4) on 6寸: one PDF page of 4×6 in, twelve photos where the layout puts them', { timeout: 120_000 }, async () => {
    const preview = await app.call(s, 'print.previewSheet', { orderId, layoutId: 'ban1-1cun8-2cun4', paperId: '6cun', background: 'blue' });
    assert.equal(preview.photos, 12);
    assert.equal(preview.nearBorderless, true);
    assert.equal(preview.orientation, 'landscape');
    assert.equal(preview.backgroundReplaced, true);

    const events: PrintJob[] = [];
    const unsubscribe = app.ctx.subscribe((name, payload) => {
      if (name === 'print.changed') events.push(payload as PrintJob);
    });
    const request = { requestId: randomUUID(), orderId, kind: 'sheet' as const, layoutId: 'ban1-1cun8-2cun4', paperId: '6cun', background: 'blue' as const, printer: cups.queue, tray: null, copies: 1 };
    const { job } = await app.call(s, 'print.submit', request);
    // The same request again (a retried call after a reconnect) is the same job, not a second print.
    const again = await app.call(s, 'print.submit', request);
    assert.equal(again.job.id, job.id);
    const done = await waitForJob(job.id, ['done', 'failed']);
    unsubscribe();
    assert.equal(done.state, 'done', JSON.stringify(done.error));
    assert.ok(done.cupsJobId);
    assert.ok(events.some((e) => e.id === job.id && e.state === 'submitted') && events.some((e) => e.id === job.id && e.state === 'done'), 'the screen hears every step');

    const pdfs = await waitFor('the PDF from cups-pdf', () => {
      const found = pdfsForJob(cups.outputDir, done.cupsJobId!);
      return found.length ? found : null;
    });
    assert.equal(pdfs.length, 1);
    const page = pdfPageSizePt(pdfs[0]!);
    // 6寸 as fed: 4 × 6 in portrait; the landscape sheet is turned onto it.
    assert.equal(page.pages, 1);
    assert.ok(Math.abs(page.w - 101.6 * PT_PER_MM) < 1 && Math.abs(page.h - 152.4 * PT_PER_MM) < 1, `page ${page.w} × ${page.h} pt`);

    const raster = rasterise(pdfs[0]!, join(tmp.dir, 'sheet'), 300);
    const meta = await sharp(raster).metadata();
    assert.deepEqual([meta.width, meta.height], [1200, 1800]);
    const sheet = await sharp(raster).rotate(-90).png().toBuffer();
    writeFileSync('/tmp/print-sheet-6cun.png', sheet);

    const catalog = printServiceFor(app.ctx, { serverUrl: () => null }).catalog;
    const fit = placeLayout(requireLayout(catalog, 'ban1-1cun8-2cun4'), requirePaper(catalog, '6cun'), sizeMap(catalog));
    assert.ok(fit.fits);
    const rects = await findPhotoRects(sheet);
    assert.equal(rects.length, 12, `found ${rects.length} photos: ${JSON.stringify(rects)}`);
    const expected: Rect[] = fit.plan.placements.map((p) => ({ x: p.xPx, y: p.yPx, w: p.wPx, h: p.hPx })).sort((a, b) => a.y - b.y || a.x - b.x);
    const unmatched = expected.filter((e) => !rects.some((r) => Math.abs(r.x - e.x) <= 4 && Math.abs(r.y - e.y) <= 4 && Math.abs(r.w - e.w) <= 5 && Math.abs(r.h - e.h) <= 5));
    assert.deepEqual(unmatched, [], `photos found at ${JSON.stringify(rects)}`);
    // Blue as ordered, above every head (the crown sits ≥ 10 % down each photo).
    for (const p of fit.plan.placements) {
      const [x, y] = p.rotated ? [p.xPx + p.wPx - 12, p.yPx + 12] : [p.xPx + 12, p.yPx + 12];
      const rgb = await pixel(sheet, x, y);
      assert.ok(rgb.every((c, i) => Math.abs(c - BLUE[i]!) <= 14), `photo ${p.index} background ${rgb}`);
    }
  });

  test('版式二 (2寸×8) on 6寸 in white: eight photos, cut marks in the 1 mm gaps', { timeout: 120_000 }, async () => {
    const { job } = await app.call(s, 'print.submit', { requestId: randomUUID(), orderId, kind: 'sheet', layoutId: 'ban2-2cun8', paperId: '6cun', background: 'white', printer: cups.queue, tray: null, copies: 1 });
    const done = await waitForJob(job.id, ['done', 'failed']);
    assert.equal(done.state, 'done', JSON.stringify(done.error));
    const [pdf] = await waitFor('the PDF', () => (pdfsForJob(cups.outputDir, done.cupsJobId!).length ? pdfsForJob(cups.outputDir, done.cupsJobId!) : null));
    const sheet = await sharp(rasterise(pdf!, join(tmp.dir, 'white'), 300)).rotate(-90).png().toBuffer();
    const catalog = printServiceFor(app.ctx, { serverUrl: () => null }).catalog;
    const fit = placeLayout(requireLayout(catalog, 'ban2-2cun8'), requirePaper(catalog, '6cun'), sizeMap(catalog));
    assert.ok(fit.fits);
    // White photos on white paper: the top corners are white, and the crop marks sit right outside them.
    for (const p of fit.plan.placements) {
      const inside = await pixel(sheet, p.xPx + 8, p.yPx + 8);
      assert.ok(inside.every((c) => c >= 245), `photo ${p.index} background ${inside}`);
      // A 1 px hairline may land a pixel either way after CUPS and the rasteriser: the darkest nearby.
      let darkest = 255;
      for (let dy = -3; dy <= 1; dy++) for (let dx = -7; dx <= -3; dx++) darkest = Math.min(darkest, ...(await pixel(sheet, p.xPx + dx, p.yPx + dy)));
      assert.ok(darkest < 215, `crop mark left of photo ${p.index}: ${darkest}`);
    }
  });

  test('the receipt on a 58 mm roll: the QR decodes to <server>/r/<the order’s token>', { timeout: 120_000 }, async () => {
    // The station is not enrolled here: a receipt has nowhere to point and says so.
    const refused = await app.raw('print.previewReceipt', { orderId, paperId: 'receipt-58' }, s);
    assert.ok(!refused.ok && /中心服务器/.test(refused.error.zh) && /central server/.test(refused.error.en));

    const handlerQueue = printServiceFor(app.ctx, { serverUrl: () => null });
    handlerQueue.stop();
    const { PrintService } = await import('../../src/main/printing/printService.js');
    const queue = new PrintService(app.ctx, { serverUrl: () => 'https://photos.example.edu.cn/', pollMs: 200 });
    queue.start();
    try {
      const operator = s.operator!;
      const job = await queue.submit(operator, { requestId: randomUUID(), orderId, kind: 'receipt', layoutId: null, background: null, paperId: 'receipt-58', printer: cups.queue, tray: null, copies: 1 });
      const done = await waitFor('receipt printed', () => {
        const j = queue.jobs(orderId).find((x) => x.id === job.id);
        return j && (j.state === 'done' || j.state === 'failed') ? j : null;
      });
      assert.equal(done.state, 'done', JSON.stringify(done.error));
      const [pdf] = await waitFor('the PDF', () => (pdfsForJob(cups.outputDir, done.cupsJobId!).length ? pdfsForJob(cups.outputDir, done.cupsJobId!) : null));
      const page = pdfPageSizePt(pdf!);
      assert.ok(Math.abs(page.w - 58 * PT_PER_MM) < 1.5, `receipt width ${page.w} pt`);
      assert.ok(page.h > 80 * PT_PER_MM && page.h < 200 * PT_PER_MM, `receipt length ${page.h} pt`);
      const png = rasterise(pdf!, join(tmp.dir, 'receipt'), 300);
      const pngPath = join(tmp.dir, 'receipt-decoded.png');
      writeFileSync(pngPath, png);
      const decoded = await decodeImageFile(pngPath);
      const token = receiptTokenFor(app.ctx.db, orderId);
      assert.match(token, RECEIPT_TOKEN_PATTERN);
      assert.ok(decoded.found, 'the QR on the printed receipt decodes');
      assert.equal(decoded.text, `https://photos.example.edu.cn/r/${token}`);
      // One token per order, for good: a second slip carries the same one.
      const second = await queue.previewReceipt(orderId, 'a6');
      assert.equal(second.url, decoded.text);
      assert.equal(app.ctx.db.prepare('SELECT receipt_token FROM orders WHERE id = ?').pluck().get(orderId), token);
      copyFileSync(pngPath, '/tmp/print-receipt-58mm.png');
    } finally {
      queue.stop();
    }
  });
});

describe('printing when things go wrong: a printer that disappears, a restart mid-job', () => {
  let cups: Cups;
  let app: Awaited<ReturnType<typeof tempApp>>;
  let s: Session;
  let orderId: string;
  const extraQueues: string[] = [];
  function addQueue(name: string, enabled: boolean) {
    const r = spawnSync('lpadmin', ['-p', name, '-E', '-v', `cups-pdf:/${cups.queue}`, '-P', '/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    extraQueues.push(name);
    // Disabled: jobs wait in the queue, as behind a printer that is out of paper or switched off.
    if (!enabled) assert.equal(spawnSync('cupsdisable', [name]).status, 0);
  }
  before(async () => {
    cups = await ensureCups();
    app = await tempApp({ demo: true });
    s = await app.loggedIn();
    ({ orderId } = await captureWithMask(app, s, '2023', 'a'));
    // These tests drive their own queues; the one the handlers started must not hand jobs over too.
    printServiceFor(app.ctx, { serverUrl: () => null }).stop();
  });
  after(async () => {
    for (const q of extraQueues) spawnSync('lpadmin', ['-x', q]);
    await app.close();
  });

  const sheet = (printer: string) => ({ requestId: randomUUID(), orderId, kind: 'sheet' as const, layoutId: 'ban2-2cun8', paperId: '6cun', background: 'blue' as const, printer, tray: null, copies: 1 });

  test('a paused printer is said while the job waits; deleted mid-job, the job fails clearly and prints on another printer', { timeout: 120_000 }, async () => {
    const { PrintService } = await import('../../src/main/printing/printService.js');
    const queue = new PrintService(app.ctx, { serverUrl: () => null, pollMs: 200 });
    queue.start();
    try {
      const gone = `CC_GONE_${process.pid}`;
      addQueue(gone, false);
      const job = await queue.submit(s.operator!, sheet(gone));
      const waiting = await waitFor('the job to wait at the paused printer', () => {
        const j = queue.jobs(orderId).find((x) => x.id === job.id);
        return j?.state === 'submitted' && j.problem ? j : null;
      });
      assert.equal(waiting.problem!.severity, 'error');
      assert.match(waiting.problem!.zh, /暂停/);
      assert.match(waiting.problem!.en, /paused/);

      assert.equal(spawnSync('lpadmin', ['-x', gone]).status, 0);
      const failed = await waitFor('the job to fail', () => {
        const j = queue.jobs(orderId).find((x) => x.id === job.id);
        return j?.state === 'failed' ? j : null;
      });
      assert.match(failed.error!.zh, new RegExp(`${gone}.*不存在`));
      assert.match(failed.error!.en, /gone|does not exist/);

      const retried = await queue.retry(s.operator!, job.id, cups.queue, null);
      assert.equal(retried.attempt, 2);
      assert.equal(retried.printer, cups.queue);
      const done = await waitFor('the retry to print', () => {
        const j = queue.jobs(orderId).find((x) => x.id === job.id);
        return j && (j.state === 'done' || j.state === 'failed') ? j : null;
      });
      assert.equal(done.state, 'done', JSON.stringify(done.error));
      await waitFor('the retry’s PDF', () => pdfsForJob(cups.outputDir, done.cupsJobId!).length === 1);
    } finally {
      queue.stop();
    }
  });

  test('a job sent to a printer that does not exist fails at once, in both languages', { timeout: 60_000 }, async () => {
    const { PrintService } = await import('../../src/main/printing/printService.js');
    const queue = new PrintService(app.ctx, { serverUrl: () => null, pollMs: 200 });
    queue.start();
    try {
      const job = await queue.submit(s.operator!, sheet('CC_NO_SUCH_PRINTER'));
      const failed = await waitFor('the job to fail', () => {
        const j = queue.jobs(orderId).find((x) => x.id === job.id);
        return j?.state === 'failed' ? j : null;
      });
      assert.match(failed.error!.zh, /CC_NO_SUCH_PRINTER.*不存在/);
      assert.match(failed.error!.en, /does not exist/);
    } finally {
      queue.stop();
    }
  });

  test('a crash between lp and the store: after the restart the job is found in CUPS by its title, not sent again', { timeout: 120_000 }, async () => {
    const { PrintService } = await import('../../src/main/printing/printService.js');
    let crashed: InstanceType<typeof PrintService> | null = null;
    const first = new PrintService(app.ctx, {
      serverUrl: () => null,
      pollMs: 200,
      afterLp: () => {
        // The process dies here: nothing after lp reaches the store.
        crashed!.stop();
        throw new Error('simulated crash after lp');
      },
    });
    crashed = first;
    first.start();
    const job = await first.submit(s.operator!, sheet(cups.queue));
    await waitFor('lp to have run', () => {
      const row = app.ctx.db.prepare('SELECT state, submit_started_at FROM print_jobs WHERE id = ?').get(job.id) as { state: string; submit_started_at: string | null };
      return row.submit_started_at !== null;
    });
    await first.idle();
    const row = app.ctx.db.prepare('SELECT state, cups_job_id FROM print_jobs WHERE id = ?').get(job.id) as { state: string; cups_job_id: number | null };
    assert.deepEqual(row, { state: 'queued', cups_job_id: null }, 'the store never heard of the CUPS job');

    const second = new PrintService(app.ctx, { serverUrl: () => null, pollMs: 200 });
    second.start();
    try {
      const done = await waitFor('the restarted queue to finish the job', () => {
        const j = second.jobs(orderId).find((x) => x.id === job.id);
        return j && (j.state === 'done' || j.state === 'failed') ? j : null;
      });
      assert.equal(done.state, 'done', JSON.stringify(done.error));
      const { findJobsByTitle } = await import('../../src/main/printing/cups.js');
      const inCups = (await findJobsByTitle(cups.queue, cupsTitle(job.id, 1))) ?? [];
      assert.equal(inCups.length, 1, `CUPS jobs titled ${cupsTitle(job.id, 1)}: ${JSON.stringify(inCups)}`);
      assert.equal(inCups[0]!.id, done.cupsJobId);
    } finally {
      second.stop();
    }
  });

  test('a restart while CUPS holds the job: the new queue follows it there and it prints once', { timeout: 120_000 }, async () => {
    const { PrintService } = await import('../../src/main/printing/printService.js');
    const held = `CC_HELD_${process.pid}`;
    addQueue(held, false);
    const first = new PrintService(app.ctx, { serverUrl: () => null, pollMs: 200 });
    first.start();
    const job = await first.submit(s.operator!, sheet(held));
    const submitted = await waitFor('the job to be in CUPS', () => {
      const j = first.jobs(orderId).find((x) => x.id === job.id);
      return j?.state === 'submitted' ? j : null;
    });
    first.stop();

    const second = new PrintService(app.ctx, { serverUrl: () => null, pollMs: 200 });
    second.start();
    try {
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(second.jobs(orderId).find((x) => x.id === job.id)!.state, 'submitted', 'still waiting at the paused printer');
      assert.equal(spawnSync('cupsenable', [held]).status, 0);
      const done = await waitFor('the job to print', () => {
        const j = second.jobs(orderId).find((x) => x.id === job.id);
        return j && (j.state === 'done' || j.state === 'failed') ? j : null;
      });
      assert.equal(done.state, 'done', JSON.stringify(done.error));
      assert.equal(done.cupsJobId, submitted.cupsJobId, 'the same CUPS job, not a second one');
      const { findJobsByTitle } = await import('../../src/main/printing/cups.js');
      assert.equal((await findJobsByTitle(held, cupsTitle(job.id, 1)))?.length, 1);
    } finally {
      second.stop();
    }
  });

  test('cancel: a job waiting at a paused printer is cancelled here and in CUPS', { timeout: 60_000 }, async () => {
    const { PrintService } = await import('../../src/main/printing/printService.js');
    const { jobAttributes } = await import('../../src/main/printing/cups.js');
    const paused = `CC_PAUSED_${process.pid}`;
    addQueue(paused, false);
    const queue = new PrintService(app.ctx, { serverUrl: () => null, pollMs: 200 });
    queue.start();
    try {
      const job = await queue.submit(s.operator!, sheet(paused));
      const submitted = await waitFor('submitted', () => {
        const j = queue.jobs(orderId).find((x) => x.id === job.id);
        return j?.state === 'submitted' ? j : null;
      });
      const cancelled = await queue.cancel(s.operator!, job.id);
      assert.equal(cancelled.state, 'cancelled');
      const attrs = await waitFor('CUPS to cancel it', async () => {
        const a = await jobAttributes(paused, submitted.cupsJobId!);
        return a?.state === 'canceled' ? a : null;
      });
      assert.equal(attrs.state, 'canceled');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(queue.jobs(orderId).find((x) => x.id === job.id)!.state, 'cancelled', 'the follower does not turn a cancel into a failure');
    } finally {
      queue.stop();
    }
  });
});
