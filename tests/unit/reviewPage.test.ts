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
  admissionPhoto: false,
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

test('the admission photo stands beside the capture at the same size, labelled, with the match score; without one the page says so (issue 15)', () => {
  const sha = 'f'.repeat(64);
  const withBoth: OrderView = { ...order, id: 'order/2', finishedPhoto: sha, admissionPhoto: true, faceMatch: { score: 0.8123, decision: '通过', overrideReason: null } };
  const html = listPage('n0nce', '待审核', [withBoth], 'csrf', null);
  const pair = html.slice(html.indexOf('<div class="pair">'), html.indexOf('<div class="info">'));
  assert.match(pair, new RegExp(`<img src="/review/photos/${sha}" alt="本次采集 / This capture"`));
  assert.match(pair, /<img src="\/review\/orders\/order%2F2\/admission-photo" alt="录取照片 \/ Admission photo"/);
  assert.match(pair, /<figcaption>本次采集 \/ This capture<\/figcaption>/);
  assert.match(pair, /<figcaption>录取照片 \/ Admission photo<\/figcaption>/);
  assert.match(pair, /录取照片比对 \/ face match: <strong>0\.812<\/strong> · 通过/);
  // One rule sizes both pictures: the same box for the capture and the admission photo.
  assert.match(html, /\.card img\{width:240px;height:320px;/);
  assert.equal((pair.match(/<img /g) ?? []).length, 2);
  assert.doesNotMatch(pair, /on[a-z]+=/i, 'no inline handlers (the CSP allows none)');

  const none = listPage('n0nce', '待审核', [{ ...order, finishedPhoto: sha }], 'csrf', null);
  assert.match(none, /无录取照片 \/ No admission photo/);
  assert.doesNotMatch(none, /\/admission-photo"/);
  assert.match(none, /<figcaption>录取照片 \/ Admission photo<\/figcaption>/);
});
