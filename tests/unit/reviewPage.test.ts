import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listPage, localTime, loginPage, reviewCsp } from '../../server/review/reviewPage.js';
import type { OrderView } from '../../server/services/review.js';

const order: OrderView = {
  id: 'order-1',
  revision: 3,
  taskCode: 'DEMO2026',
  studentId: 's1',
  studentName: '张"三"><script>alert(1)</script>',
  studentNo: '2022060244',
  department: '艺术与设计学院',
  studentSource: 'roster',
  stationId: 'st1',
  stationName: '采集站 1',
  operatorName: null,
  status: '待审核',
  stationStatus: '已采集',
  reason: null,
  current: true,
  conflict: false,
  checkedInAt: null,
  capturedAt: '2026-12-07T13:24:47.841Z',
  decidedAt: null,
  updatedAt: '2026-12-07T13:24:47.841Z',
  photos: [],
  finishedPhoto: null,
  checks: null,
  faceMatch: null,
  withdrawn: false,
};

test('the review page shows a wall-clock time, not the stored UTC instant (issue 15)', () => {
  const html = listPage('n0nce', '待审核', [order], 'csrf', null);
  assert.doesNotMatch(html.replace(/datetime="[^"]*"/g, ''), /2026-12-07T13:24/);
  assert.match(html, /<time datetime="2026-12-07T13:24:47.841Z">\d{4}-\d{2}-\d{2} \d{2}:\d{2}<\/time>/);
  assert.equal(localTime(null), '');
});

test("the page's one script runs by nonce only, and a student's name cannot break out of its attribute", () => {
  assert.match(reviewCsp('n0nce'), /script-src 'nonce-n0nce'/);
  assert.doesNotMatch(reviewCsp('n0nce'), /unsafe-inline/);
  const html = listPage('n0nce', '待审核', [order], 'csrf', null);
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'only the page script; the name is escaped');
  assert.match(html, /<script nonce="n0nce">/);
  assert.match(html, /data-name="张&quot;三&quot;&gt;&lt;script&gt;/);
  // Keys and the confirmation live in the page; the decisions are still plain forms.
  assert.match(html, /data-testid="decision-confirm"/);
  assert.match(html, /name="decision" value="approve"/);
  assert.doesNotMatch(loginPage('n0nce', null), /<script/, 'the login page runs nothing');
});
