import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { DayReportView } from '../../src/shared/report/DayReportView.js';
import type { DayReport } from '../../src/shared/report/reportTypes.js';
import { DAY_TEXT, seedKnownDay, type SeededDay } from './reportFixtures.js';

let day: SeededDay;
before(async () => {
  day = await seedKnownDay();
});
after(() => day?.app.close());

test('the day report counts the seeded day from the store', async () => {
  const { app } = day;
  const manager = await app.loggedIn('9999');
  const r: DayReport = await app.call(manager, 'report.day', { taskCode: DEMO_TASK_CODE, from: DAY_TEXT, to: DAY_TEXT });

  assert.deepEqual(r.totals, {
    expected: day.expectedIds.length,
    checkedIn: 6,
    captured: 5,
    notCaptured: 1,
    // Expected, minus S1 S2 S4 S5 S6 (checked in here) and S7 (at another station).
    noShow: day.expectedIds.length - 6,
    walkins: 1,
    otherStation: 1,
    void: 0,
  });
  assert.ok(day.expectedIds.length > 20, 'the demo plan reserves many students for the day');

  // Per hour (local): accepted photos 9h: S1 S2 · 10h: S3 · 11h: S5 · 14h: S6's retake; check-ins 9h: 2, 10h: 2, 11h: 2.
  const hour = (h: number) => r.hourly.hours.indexOf(h);
  assert.deepEqual(r.hourly.hours, [8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  assert.equal(r.hourly.stations.length, 1);
  const here = r.hourly.stations[0]!;
  assert.equal(here.stationId, app.ctx.stationId);
  assert.deepEqual([9, 10, 11, 12, 14].map((h) => here.captured[hour(h)]), [2, 1, 1, 0, 1]);
  assert.deepEqual([9, 10, 11, 14].map((h) => here.checkedIn[hour(h)]), [2, 2, 2, 0]);
  assert.equal(here.captured.reduce((a, b) => a + b, 0), 5);

  assert.deepEqual(r.failedChecks, [
    { checkId: 'eyes.open', failedShots: 1, overridden: 1 },
    { checkId: 'sharpness', failedShots: 1, overridden: 0 },
  ]);
  // Shots: S1 1, S2 2, S3 1, S5 1, S6 2 → 7 shots for 5 accepted students.
  assert.deepEqual(r.shots, { total: 7, acceptedAfterRetry: 2, perAccepted: 1.4 });
  assert.deepEqual(
    Object.fromEntries(r.faceMatch.outcomes.map((o) => [o.decision, o.count])),
    { 比对通过: 1, 比对不通过: 1, 需人工确认: 1, 未比对: 2 },
  );
  assert.equal(r.faceMatch.overrides, 2);
  // Rejected on the day: S5 and S6 (S6 retaken since, still a rejection of the day).
  assert.deepEqual(r.retakes, { pending: 1, rejectedInRange: 2, retakenInRange: 1 });
  assert.deepEqual(r.sync, {
    backlogJobs: day.jobs - 1,
    backlogBytes: r.sync.backlogBytes,
    parkedJobs: 1,
    orders: { pending: 5, synced: 0, failed: 1 },
    oldestQueuedAt: r.sync.oldestQueuedAt,
  });
  assert.ok(r.sync.backlogBytes > 5 * 100_000, 'five finished photos and their originals wait to be uploaded');
  assert.equal(new Date(r.sync.oldestQueuedAt!).getHours(), 9);
  assert.deepEqual(r.operators, [{ name: '摄影师 01', captured: 5 }]);

  // Another day has none of it; a range over both days counts the seeded one once.
  const next = await app.call(manager, 'report.day', { taskCode: DEMO_TASK_CODE, from: '2026-06-11', to: '2026-06-11' });
  assert.equal(next.totals.captured, 0);
  assert.equal(next.shots.total, 0);
  const both = await app.call(manager, 'report.day', { taskCode: DEMO_TASK_CODE, from: DAY_TEXT, to: '2026-06-11' });
  assert.equal(both.totals.captured, 5);
  assert.ok(both.totals.expected > r.totals.expected);
});

test('the same view renders the figures as SVG charts (what the screen and the PDF show)', async () => {
  const manager = await day.app.loggedIn('9999');
  const r = await day.app.call(manager, 'report.day', { taskCode: DEMO_TASK_CODE, from: DAY_TEXT, to: DAY_TEXT });
  const html = renderToStaticMarkup(createElement(DayReportView, { report: r, lang: 'zh' }));
  assert.match(html, /data-testid="report-captured">5</);
  assert.match(html, /data-testid="report-check-eyes.open" data-values="1,1"/);
  assert.match(html, /data-hour="9" data-values="2,2"/);
  assert.equal((html.match(/<svg/g) ?? []).length, 5);
  const en = renderToStaticMarkup(createElement(DayReportView, { report: r, lang: 'en' }));
  assert.match(en, /Failed checks by reason/);
});

test('a photographer may not read the report; the PDF is A4 with its Chinese glyphs embedded', async () => {
  const { app } = day;
  const denied = await app.raw('report.day', { taskCode: DEMO_TASK_CODE, from: DAY_TEXT, to: DAY_TEXT }, day.photographer);
  assert.ok(!denied.ok && denied.error.code === 'FORBIDDEN');
  const manager = await app.loggedIn('9999');
  const outDir = join(app.dir, 'pdf-out');
  execFileSync('mkdir', ['-p', outDir]);
  const { path, bytes } = await app.call(manager, 'report.pdf', { taskCode: DEMO_TASK_CODE, from: DAY_TEXT, to: DAY_TEXT, outDir });
  assert.ok(bytes > 10_000);
  assert.deepEqual(readdirSync(outDir), [path.split('/').pop()]);
  const audit = app.ctx.db.prepare(`SELECT operator_id, detail FROM audit_log WHERE action = 'report.pdf'`).all() as { operator_id: string; detail: string }[];
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.operator_id, 'op-manager-1');
  const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
  assert.match(info, /Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
  // Every font is embedded and maps back to Unicode (Skia writes CFF glyphs as Type 3).
  const fonts = execFileSync('pdffonts', [path], { encoding: 'utf8' }).trim().split('\n').slice(2);
  assert.ok(fonts.length > 0);
  for (const line of fonts) assert.match(line, /\s+yes\s+(yes|no)\s+yes\s+\d+\s+\d+$/, line);
  const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
  assert.match(text, /采集日报/);
  assert.match(text, /未通过的检查（按原因）/);
  assert.match(text, /睁眼/);
});
