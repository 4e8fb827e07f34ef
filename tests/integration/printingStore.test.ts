import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import {
  getPrintJob,
  insertPrintJob,
  listActivePrintJobs,
  markPrintDone,
  markPrintFailed,
  markSubmitStarted,
  markSubmitted,
  requeuePrintJob,
} from '../../src/main/db/queries/printJobs.js';
import { printServiceFor } from '../../src/main/printing/printService.js';
import { RECEIPT_TOKEN_PATTERN, receiptTokenFor, receiptUrl } from '../../src/main/printing/receiptToken.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { tempApp } from '../helpers/tempApp.js';
import { captureWithMask } from './printingFixtures.js';

/** The print queue's store (migration 0006) and the checks made before anything reaches CUPS. */
describe('printing: the store and the refusals before CUPS', () => {
  let app: Awaited<ReturnType<typeof tempApp>>;
  let s: Session;
  let orderId: string;
  let checkedInOnly: string;
  before(async () => {
    app = await tempApp({ demo: true });
    s = await app.loggedIn();
    // These tests never hand a job to CUPS: the queue is stopped.
    printServiceFor(app.ctx, { serverUrl: () => null }).stop();
    ({ orderId } = await captureWithMask(app, s, '2022', 'a'));
    const [other] = (await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: '2023' })).students;
    checkedInOnly = (await app.call(s, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: other!.id })).orderId;
  });
  after(() => app.close());

  const now = () => new Date().toISOString();

  test('migration 0006: print_jobs with its state machine in CHECKs, the order columns, the active-jobs index', () => {
    const db = app.ctx.db;
    const cols = (t: string) => (db.prepare(`PRAGMA table_info(${t})`).all() as Array<{ name: string }>).map((c) => c.name);
    assert.ok(cols('orders').includes('receipt_token') && cols('orders').includes('prints'));
    for (const c of ['state', 'attempt', 'submit_started_at', 'cups_job_id', 'document_path', 'media', 'problem', 'error']) assert.ok(cols('print_jobs').includes(c), c);
    const base = { order_id: orderId, kind: 'sheet', layout_id: 'ban2-2cun8', paper_id: '6cun', background: 'blue', copies: 1, printer: 'X', tray: null, operator_id: null };
    const insert = (over: Record<string, unknown>) =>
      db
        .prepare(
          `INSERT INTO print_jobs (id, order_id, kind, layout_id, paper_id, background, copies, printer, tray, state, cups_job_id, operator_id, created_at, updated_at)
           VALUES (@id, @order_id, @kind, @layout_id, @paper_id, @background, @copies, @printer, @tray, @state, @cups_job_id, @operator_id, @now, @now)`,
        )
        .run({ ...base, state: 'queued', cups_job_id: null, now: now(), id: randomUUID(), ...over });
    assert.throws(() => insert({ state: 'printing' }), /CHECK/);
    assert.throws(() => insert({ state: 'submitted', cups_job_id: null }), /CHECK/, 'submitted means CUPS has it under a job id');
    assert.throws(() => insert({ state: 'queued', cups_job_id: 7 }), /CHECK/);
    assert.throws(() => insert({ kind: 'sheet', layout_id: null }), /CHECK/);
    assert.throws(() => insert({ copies: 0 }), /CHECK/);
    assert.throws(() => insert({ order_id: 'nobody' }), /FOREIGN KEY/);
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM print_jobs WHERE state IN ('queued', 'submitted') ORDER BY created_at, id`).all() as Array<{ detail: string }>;
    assert.ok(plan.some((p) => p.detail.includes('print_jobs_active')), JSON.stringify(plan));
  });

  test('the state machine: queued → submitted(cups id) → done | failed; retry is the next attempt; every step only from its state', () => {
    const db = app.ctx.db;
    const id = `pj-${'a'.repeat(24)}`;
    const job = { id, order_id: orderId, kind: 'sheet' as const, layout_id: 'ban2-2cun8', paper_id: '6cun', background: 'blue' as const, copies: 1, printer: 'P1', tray: null, operator_id: null };
    assert.equal(insertPrintJob(db, job, now()), true);
    assert.equal(insertPrintJob(db, job, now()), false, 'the same id again is the same job');
    assert.equal(markSubmitted(db, id, 2, 11, now()), false, 'not an attempt that exists');
    const t0 = now();
    assert.equal(markSubmitStarted(db, id, 1, null, t0), true);
    assert.equal(markSubmitStarted(db, id, 1, null, now()), false, 'a second hand cannot claim the same hand-over');
    assert.equal(markPrintDone(db, id, 1, now()), false, 'not done before CUPS has it');
    assert.equal(markSubmitted(db, id, 1, 11, now()), true);
    assert.equal(markSubmitted(db, id, 1, 12, now()), false);
    assert.equal(requeuePrintJob(db, id, 'P2', null, now()), false, 'a job at the printer is not re-queued behind its back');
    assert.equal(markPrintFailed(db, id, 1, JSON.stringify({ zh: '坏', en: 'bad' }), 'aborted', now()), true);
    assert.equal(markPrintDone(db, id, 1, now()), false);
    assert.equal(requeuePrintJob(db, id, 'P2', 'Tray2', now()), true);
    const row = getPrintJob(db, id)!;
    assert.deepEqual([row.state, row.attempt, row.printer, row.tray, row.cups_job_id, row.submit_started_at, row.error], ['queued', 2, 'P2', 'Tray2', null, null, null]);
    assert.ok(listActivePrintJobs(db).some((j) => j.id === id));
    assert.equal(markSubmitted(db, id, 1, 13, now()), false, 'the old attempt can no longer write');
    db.prepare('DELETE FROM print_jobs WHERE id = ?').run(id);
  });

  test('the receipt token: 128 random bits, made once per order, kept for good', () => {
    const db = app.ctx.db;
    const a = receiptTokenFor(db, orderId);
    assert.match(a, RECEIPT_TOKEN_PATTERN);
    assert.equal(receiptTokenFor(db, orderId), a);
    const b = receiptTokenFor(db, checkedInOnly);
    assert.notEqual(a, b);
    assert.throws(() => receiptTokenFor(db, 'no-such-order'), /NOT_FOUND/);
    assert.throws(() => db.prepare('UPDATE orders SET receipt_token = ? WHERE id = ?').run(a, checkedInOnly), /UNIQUE/);
    assert.equal(receiptUrl('https://cc.example.cn/api/', a), `https://cc.example.cn/api/r/${a}`);
    assert.throws(() => receiptUrl(null, a), /CONFLICT/);
  });

  test('refused before any job exists: a layout that does not fit (with the numbers), an order with no accepted photo', async () => {
    const count = () => app.ctx.db.prepare('SELECT count(*) FROM print_jobs').pluck().get() as number;
    const before = count();
    const base = { requestId: randomUUID(), orderId, kind: 'sheet' as const, layoutId: 'ban1-1cun8-2cun4', paperId: '5cun', background: 'blue' as const, printer: 'CC_PDF', tray: null, copies: 1 };
    const notFit = await app.raw('print.submit', base, s);
    assert.ok(!notFit.ok && notFit.error.code === 'BAD_INPUT');
    assert.match(notFit.error.zh, /放不下5寸.*141\.6 mm.*127\.0 mm/);
    assert.match(notFit.error.en, /Does not fit 5-inch.*141\.6 mm.*127\.0 mm/);
    const noPhoto = await app.raw('print.submit', { ...base, requestId: randomUUID(), orderId: checkedInOnly, paperId: '6cun' }, s);
    assert.ok(!noPhoto.ok && noPhoto.error.code === 'CONFLICT' && /没有可打印/.test(noPhoto.error.zh), JSON.stringify(noPhoto));
    const badPrinter = await app.raw('print.submit', { ...base, requestId: randomUUID(), paperId: '6cun', printer: 'a b/c' }, s);
    assert.ok(!badPrinter.ok && badPrinter.error.code === 'BAD_INPUT');
    const receiptOnPhotoPaper = await app.raw('print.previewReceipt', { orderId, paperId: '6cun' }, s);
    assert.ok(!receiptOnPhotoPaper.ok && receiptOnPhotoPaper.error.code === 'BAD_INPUT');
    assert.equal(count(), before);
    const anonymous = await app.raw('print.jobs', { orderId: null }, app.newSession());
    assert.ok(!anonymous.ok && anonymous.error.code === 'UNAUTHENTICATED');
  });

  test('prints added on site (加洗) are kept on the order and audited; an unknown layout is refused', async () => {
    assert.deepEqual((await app.call(s, 'print.orderPrints', { orderId })).prints, []);
    const prints = [{ layoutId: 'ban1-1cun8-2cun4', background: 'white' as const, copies: 2 }];
    assert.deepEqual((await app.call(s, 'print.setOrderPrints', { orderId, prints })).prints, prints);
    assert.deepEqual((await app.call(s, 'print.orderPrints', { orderId })).prints, prints);
    const unknown = await app.raw('print.setOrderPrints', { orderId, prints: [{ layoutId: 'ban9-nothing', background: 'blue', copies: 1 }] }, s);
    assert.ok(!unknown.ok && unknown.error.code === 'NOT_FOUND');
    const audited = app.ctx.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'print.order_prints' AND entity_id = ?`).pluck().get(orderId);
    assert.equal(audited, 1);
  });

  test('the preview: twelve photos on 6寸 for 版式一, near-borderless said; the options list every layout with its fits', async () => {
    const preview = await app.call(s, 'print.previewSheet', { orderId, layoutId: 'ban1-1cun8-2cun4', paperId: '6cun', background: 'white' });
    assert.deepEqual([preview.widthPx, preview.heightPx, preview.photos, preview.nearBorderless, preview.orientation], [1800, 1200, 12, true, 'landscape']);
    assert.ok(Buffer.from(preview.jpegBase64, 'base64').subarray(0, 2).equals(Buffer.from([0xff, 0xd8])));
    const options = await app.call(s, 'print.options', {});
    assert.ok(options.layouts.length >= 8);
    assert.ok(options.layouts.every((l) => l.fits.length === 4));
  });
});
