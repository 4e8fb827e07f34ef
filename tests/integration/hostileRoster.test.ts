import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { importRosterFile } from '../../src/main/roster/importRoster.js';
import { ROSTER_LIMITS } from '../../src/main/roster/rosterLimits.js';
import { DEMO_TASK_CODE } from '../../src/shared/demo/demoTask.js';
import { AppError } from '../../src/shared/errors.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { inlineCell, xlsxWithSheet } from '../helpers/rosterFiles.js';
import { tempApp } from '../helpers/tempApp.js';

const MB = 1024 * 1024;

/** Sheet rows r..r+n-1, one short cell each, in pieces of 1,000 rows. */
function* manyRows(count: number): Generator<string> {
  yield '<sheetData>';
  for (let r = 1; r <= count; r += 1000) {
    let piece = '';
    for (let i = r; i < Math.min(r + 1000, count + 1); i++) piece += `<row r="${i}">${inlineCell(`A${i}`, 'x')}</row>`;
    yield piece;
  }
  yield '</sheetData>';
}

/** One cell of `mb` megabytes: 1 MiB at a time, so neither the test nor the zip holds it whole. */
function* oneHugeCell(mb: number): Generator<string> {
  yield '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>';
  const piece = 'a'.repeat(MB);
  for (let i = 0; i < mb; i++) yield piece;
  yield '</t></is></c></row></sheetData>';
}

/** A zip bomb whose directory claims a few hundred bytes: markup no row limit sees (an element the
 * reader ignores, over and over), 1 GiB of it, each element under the longest-cell guard. */
function* bombBody(): Generator<string> {
  const element = `<x a="${'b'.repeat(16 * 1024)}"/>`;
  const piece = element.repeat(Math.floor(MB / element.length));
  for (let i = 0; i < 1024; i++) yield piece;
}

interface Watch {
  /** The longest the event loop went without running a 10 ms timer, beyond its period. */
  maxStallMs: number;
  /** The slowest of the RPCs sent while the roster was being read. */
  maxRpcMs: number;
  rpcs: number;
  rssGrowthMb: number;
}

describe('a hostile roster is refused while the kiosk keeps answering', () => {
  let app: Awaited<ReturnType<typeof tempApp>>;
  let manager: Session;
  let photographer: Session;
  before(async () => {
    app = await tempApp({ demo: true });
    manager = await app.loggedIn('9999');
    photographer = await app.loggedIn('1234');
  });
  after(() => app.close());

  /** Imports `bytes` through the station's RPC, as the manager's screen does, while a timer probes
   * the event loop and the photographer's screen keeps asking for the task list. */
  async function importUnderWatch(fileName: string, bytes: Buffer): Promise<{ error: { code: string; zh: string; en: string }; watch: Watch }> {
    const contentBase64 = bytes.toString('base64');
    const rss0 = process.memoryUsage.rss();
    let maxRss = rss0;
    let last = performance.now();
    let maxStallMs = 0;
    const period = 10;
    const probe = setInterval(() => {
      const now = performance.now();
      maxStallMs = Math.max(maxStallMs, now - last - period);
      last = now;
      maxRss = Math.max(maxRss, process.memoryUsage.rss());
    }, period);
    let reading = true;
    let maxRpcMs = 0;
    let rpcs = 0;
    const asking = (async () => {
      while (reading) {
        const t0 = performance.now();
        const r = await app.raw('tasks.list', {}, photographer);
        assert.ok(r.ok, 'the concurrent RPC is answered');
        maxRpcMs = Math.max(maxRpcMs, performance.now() - t0);
        rpcs++;
        await sleep(25);
      }
    })();
    try {
      const r = await app.raw('roster.import', { taskCode: DEMO_TASK_CODE, fileName, contentBase64 }, manager);
      assert.ok(!r.ok, `${fileName} must be refused`);
      return { error: r.error, watch: { maxStallMs, maxRpcMs, rpcs, rssGrowthMb: (maxRss - rss0) / MB } };
    } finally {
      reading = false;
      clearInterval(probe);
      await asking;
    }
  }

  function assertResponsive(t: { diagnostic(s: string): void }, name: string, w: Watch): void {
    t.diagnostic(`${name}: longest event-loop stall ${w.maxStallMs.toFixed(0)} ms, slowest concurrent RPC ${w.maxRpcMs.toFixed(0)} ms of ${w.rpcs}, RSS growth ${w.rssGrowthMb.toFixed(0)} MB`);
    assert.ok(w.rpcs >= 1, 'RPCs were answered during the read');
    // The issue's bound: a concurrent RPC answers within a second while a hostile roster is refused.
    assert.ok(w.maxRpcMs < 1000, `slowest RPC ${w.maxRpcMs} ms`);
    assert.ok(w.maxStallMs < 1000, `event loop stalled ${w.maxStallMs} ms`);
    assert.ok(w.rssGrowthMb <= 300, `RSS grew ${w.rssGrowthMb} MB`);
  }

  const studentsBefore = () => app.ctx.db.prepare('SELECT count(*) FROM students').pluck().get() as number;

  test('a workbook of more rows than a roster may have (the 3,000,000-row attack) stops at the row limit', async (t) => {
    const n = studentsBefore();
    const bytes = await xlsxWithSheet(manyRows(ROSTER_LIMITS.maxRows + 50_000));
    const { error, watch } = await importUnderWatch('rows.xlsx', bytes);
    assert.equal(error.code, 'FILE_TOO_LARGE');
    assert.match(error.zh, /10 万行/);
    assert.match(error.en, /over 100,000 rows/);
    assertResponsive(t, `rows (${(bytes.length / MB).toFixed(1)} MB)`, watch);
    assert.equal(studentsBefore(), n, 'nothing imported');
  });

  test('one 400 MB cell in a few hundred KB is refused at the cell-length limit', async (t) => {
    const bytes = await xlsxWithSheet(oneHugeCell(400));
    assert.ok(bytes.length < 2 * MB, `${bytes.length} bytes`);
    const { error, watch } = await importUnderWatch('cell.xlsx', bytes);
    assert.equal(error.code, 'FILE_TOO_LARGE');
    assert.match(error.zh, /单元格超过 4,000 个字符/);
    assert.match(error.en, /more than 4,000 characters/);
    assertResponsive(t, `400 MB cell (${(bytes.length / 1024).toFixed(0)} KB)`, watch);
  });

  test('a zip bomb whose directory lies about its sizes stops at the inflated-bytes limit', async (t) => {
    const bytes = await xlsxWithSheet(bombBody(), { claimedSheetSize: 300 });
    const { error, watch } = await importUnderWatch('bomb.xlsx', bytes);
    assert.equal(error.code, 'FILE_TOO_LARGE');
    assert.match(error.zh, /解压后超过 200 MB/);
    assert.match(error.en, /inflates to more than 200 MB/);
    assertResponsive(t, `zip bomb (${(bytes.length / 1024).toFixed(0)} KB → 1 GiB)`, watch);
  });

  test('a CSV of more rows than a roster may have stops at the row limit', async (t) => {
    const line = '张三,男,440106200301011234,2022010001\n';
    const bytes = Buffer.from('姓名,性别,身份证号,学号\n' + line.repeat(ROSTER_LIMITS.maxRows + 10_000), 'utf8');
    const { error, watch } = await importUnderWatch('rows.csv', bytes);
    assert.equal(error.code, 'FILE_TOO_LARGE');
    assert.match(error.en, /over 100,000 rows/);
    assertResponsive(t, `CSV rows (${(bytes.length / MB).toFixed(1)} MB)`, watch);
  });

  test('a CSV whose one quoted cell runs to the end of a 19 MB file stops at the cell-length limit', async (t) => {
    const bytes = Buffer.concat([Buffer.from('姓名,身份证号\n"'), Buffer.alloc(19 * MB, 'a')]);
    const { error, watch } = await importUnderWatch('cell.csv', bytes);
    assert.equal(error.code, 'FILE_TOO_LARGE');
    assert.match(error.zh, /第 2 行有单元格超过 4,000 个字符/);
    assertResponsive(t, 'CSV 19 MB cell', watch);
  });

  test('columns beyond the limit, in either format, are refused naming the row', async () => {
    const wide = await xlsxWithSheet([`<sheetData><row r="1">${inlineCell('A1', '姓名')}${inlineCell('KN1', '身份证号')}</row></sheetData>`]);
    await assert.rejects(importRosterFile(app.ctx, null, DEMO_TASK_CODE, 'wide.xlsx', wide), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'FILE_TOO_LARGE');
      assert.match(err.zh, /第 1 行超过 200 列/);
      assert.match(err.en, /Row 1 .* more than 200 columns/);
      return true;
    });
    const csv = Buffer.from(['姓名', '身份证号', ...Array.from({ length: 250 }, (_, i) => `c${i}`)].join(',') + '\n');
    await assert.rejects(importRosterFile(app.ctx, null, DEMO_TASK_CODE, 'wide.csv', csv), (err: unknown) => err instanceof AppError && /more than 200 columns/.test(err.en));
    // Empty cells past the limit (formatting Excel leaves behind) are not columns.
    const trailing = Buffer.from(`姓名,身份证号${','.repeat(300)}\n张三,440106200301011234${','.repeat(300)}\n`);
    const report = await importRosterFile(app.ctx, null, DEMO_TASK_CODE, 'trailing.csv', trailing);
    assert.equal(report.totalRows, 1);
  });

  test('the clock and the worker heap bound the read too: each is a refusal in both languages, the kiosk goes on', async () => {
    const bytes = await xlsxWithSheet(manyRows(50_000));
    await assert.rejects(importRosterFile(app.ctx, null, DEMO_TASK_CODE, 'slow.xlsx', bytes, { ...ROSTER_LIMITS, timeoutMs: 1 }), (err: unknown) => {
      assert.ok(err instanceof AppError, String(err));
      assert.equal(err.code, 'FILE_TOO_LARGE');
      assert.match(err.zh, /读取名单超过 0.001 秒/);
      assert.match(err.en, /took more than 0.001 s/);
      return true;
    });
    await assert.rejects(importRosterFile(app.ctx, null, DEMO_TASK_CODE, 'heavy.xlsx', bytes, { ...ROSTER_LIMITS, maxHeapMb: 24 }), (err: unknown) => {
      assert.ok(err instanceof AppError, String(err));
      assert.equal(err.code, 'FILE_TOO_LARGE');
      assert.match(err.zh, /需要超过 24 MB 内存/);
      assert.match(err.en, /needs more than 24 MB of memory/);
      return true;
    });
    const r = await app.raw('tasks.list', {}, photographer);
    assert.ok(r.ok, 'still answering');
  });
});
