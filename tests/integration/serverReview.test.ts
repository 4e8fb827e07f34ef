import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { feedPage, OrderUploadResult, PATHS, type FeedPage } from '../../src/shared/sync/protocol.js';
import { dropRunDatabase, orderUpload, photoPair, seedTask, STORE_KINDS, startTestServer, type StationClient, type TestServer } from '../helpers/serverStores.js';

after(() => dropRunDatabase());

/** Stores an order and uploads its photos: it ends at 待审核. */
async function capture(st: StationClient, o: { id: string; taskCode: string; studentId: string; revision?: number; capturedAt?: string; reservationId?: string | null }) {
  const photos = photoPair(20_000, 8_000);
  const r = await st.put(PATHS.order(o.id), orderUpload(st, { ...o, photos: photos.refs }));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(OrderUploadResult.parse(r.body).outcome, 'stored');
  for (const f of photos.files) await st.upload(f.bytes, { orderId: o.id, role: f.role });
  return photos;
}

async function reviews(st: StationClient, cursor = '0'): Promise<FeedPage<'reviews'>> {
  const r = await st.get(`${PATHS.feed('reviews')}?cursor=${cursor}`);
  return feedPage('reviews').parse(r.body) as FeedPage<'reviews'>;
}

async function decide(s: TestServer, id: string, body: Record<string, unknown>) {
  return s.admin<{ status: string; reason: string | null; revision: number }>('POST', `/v1/admin/orders/${id}/decision`, body);
}

/** A browser-ish client for the review page: keeps the cookie, reads forms. */
class ReviewBrowser {
  cookie: string | null = null;
  constructor(private readonly base: string) {}

  async get(path: string): Promise<{ status: number; html: string; headers: Headers }> {
    const r = await fetch(this.base + path, { headers: this.cookie ? { Cookie: this.cookie } : {}, redirect: 'manual' });
    return { status: r.status, html: await r.text(), headers: r.headers };
  }

  async post(path: string, form: Record<string, string>, extra: Record<string, string> = {}): Promise<{ status: number; location: string | null; html: string; headers: Headers }> {
    const r = await fetch(this.base + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(this.cookie ? { Cookie: this.cookie } : {}), ...extra },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    const setCookie = r.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    return { status: r.status, location: r.headers.get('location'), html: await r.text(), headers: r.headers };
  }

  /** The hidden fields of the decision form for this order and decision. */
  static form(html: string, orderId: string, decision: string): Record<string, string> {
    const forms = html.split('<form').slice(1);
    const f = forms.find((x) => x.includes(`action="/review/orders/${encodeURIComponent(orderId)}/decision"`) && x.includes(`name="decision" value="${decision}"`));
    assert.ok(f, `a ${decision} form for ${orderId}`);
    const fields: Record<string, string> = {};
    for (const m of f.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    return fields;
  }
}

for (const kind of STORE_KINDS) {
  describe(`server review and settlement (${kind})`, () => {
    test('review through the JSON API: reject with a reason, retake back to 待审核, approve, complete', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'REVW1', 1);
        const st = await s.enrol('st-review');
        await capture(st, { id: 'ord-r1', taskCode: task.code, studentId: task.studentIds[0]! });

        const reasons = await s.admin<{ reasons: string[] }>('GET', '/v1/admin/review-reasons');
        assert.ok(reasons.body.reasons.includes('背景不符合要求'));
        const list = await s.admin<{ orders: { id: string; finishedPhoto: string | null; faceMatch: { score: number } }[] }>('GET', `/v1/admin/orders?status=${encodeURIComponent('待审核')}`);
        assert.deepEqual(
          list.body.orders.map((o) => o.id),
          ['ord-r1'],
        );
        assert.ok(list.body.orders[0]!.finishedPhoto);
        assert.equal(list.body.orders[0]!.faceMatch.score, 0.82);
        const photo = await fetch(`${s.url}/v1/admin/photos/${list.body.orders[0]!.finishedPhoto}`, { headers: { Authorization: `Bearer ${s.running.adminToken}` } });
        assert.equal(photo.status, 200);
        assert.equal((await photo.arrayBuffer()).byteLength, 8_000);

        assert.equal((await decide(s, 'ord-r1', { decision: 'reject' })).status, 400, 'a rejection needs a reason');
        assert.equal((await decide(s, 'ord-r1', { decision: 'complete' })).status, 409, '待审核 cannot be completed');
        assert.equal((await decide(s, 'ord-r1', { decision: 'approve', revision: 7 })).status, 409, 'a decision on an outdated view is refused');
        const cursor0 = (await reviews(st)).cursor;
        const rejected = await decide(s, 'ord-r1', { decision: 'reject', reason: '背景不符合要求', revision: 1 });
        assert.equal(rejected.status, 200);
        assert.equal(rejected.body.status, '被驳回');
        const afterReject = await reviews(st, cursor0);
        assert.equal(afterReject.items.length, 1);
        assert.deepEqual([afterReject.items[0]!.status, afterReject.items[0]!.reason, afterReject.items[0]!.revision], ['被驳回', '背景不符合要求', 1]);
        assert.ok(afterReject.items[0]!.decidedAt);

        // The station starts a retake (采集中 does not undo the rejection) and then sends new photos.
        const mid = await st.put(PATHS.order('ord-r1'), orderUpload(st, { id: 'ord-r1', taskCode: task.code, studentId: task.studentIds[0]!, revision: 2, status: '采集中', capturedAt: null, photos: [] }));
        assert.equal(OrderUploadResult.parse(mid.body).outcome, 'stored');
        assert.equal((await s.admin<{ status: string }>('GET', '/v1/admin/orders/ord-r1')).body.status, '被驳回');
        await capture(st, { id: 'ord-r1', taskCode: task.code, studentId: task.studentIds[0]!, revision: 3 });
        const afterRetake = await reviews(st, afterReject.cursor);
        assert.deepEqual(
          afterRetake.items.map((i) => [i.status, i.reason, i.revision]),
          [['待审核', null, 3]],
        );

        assert.equal((await decide(s, 'ord-r1', { decision: 'approve', revision: 3 })).body.status, '待制作');
        assert.equal((await decide(s, 'ord-r1', { decision: 'complete' })).body.status, '已完成');
        const final = await reviews(st, afterRetake.cursor);
        assert.deepEqual(
          final.items.map((i) => i.status),
          ['已完成'],
        );
        const detail = await s.admin<{ decisions: { decision: string; revision: number }[] }>('GET', '/v1/admin/orders/ord-r1');
        assert.deepEqual(
          detail.body.decisions.map((d) => [d.decision, d.revision]),
          [
            ['reject', 1],
            ['approve', 3],
            ['complete', 3],
          ],
        );
      } finally {
        await s.close();
      }
    });

    test('review through the web page: login, list with photo and checks, reject/approve/complete by form', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'PAGE1', 3);
        const st = await s.enrol('st-page');
        const p1 = await capture(st, { id: 'ord-p1', taskCode: task.code, studentId: task.studentIds[0]! });
        await capture(st, { id: 'ord-p2', taskCode: task.code, studentId: task.studentIds[1]! });
        await capture(st, { id: 'ord-p3', taskCode: task.code, studentId: task.studentIds[2]! });

        const browser = new ReviewBrowser(s.url);
        const login = await browser.get('/review');
        assert.equal(login.status, 200);
        assert.match(login.html, /管理员令牌/);
        const csp = login.headers.get('content-security-policy') ?? '';
        assert.match(csp, /default-src 'none'/);
        assert.doesNotMatch(login.html, /<script/);
        assert.equal((await browser.post('/review/login', { token: 'wrong' })).status, 401);
        assert.equal(browser.cookie, null);
        const ok = await browser.post('/review/login', { token: s.running.adminToken });
        assert.equal(ok.status, 303);
        assert.match(ok.headers.get('set-cookie') ?? '', /HttpOnly/);
        assert.match(ok.headers.get('set-cookie') ?? '', /SameSite=Strict/);

        const page = await browser.get('/review');
        assert.equal(page.status, 200);
        for (const name of ['学生1', '学生2', '学生3']) assert.ok(page.html.includes(name), name);
        const finishedSha = p1.refs.find((r) => r.role === 'finished')!.sha256;
        assert.ok(page.html.includes(`/review/photos/${finishedSha}`));
        assert.match(page.html, /0\.820/);
        assert.match(page.html, /通过 \/ pass/);
        const img = await fetch(`${s.url}/review/photos/${finishedSha}`, { headers: { Cookie: browser.cookie! } });
        assert.equal(img.status, 200);
        assert.equal(Buffer.from(await img.arrayBuffer()).equals(p1.files[1]!.bytes), true);
        assert.equal((await fetch(`${s.url}/review/photos/${finishedSha}`)).status, 401);

        // Reject with a listed reason; reject another with free text; approve the third.
        const cursor0 = (await reviews(st)).cursor;
        const rej = await browser.post('/review/orders/ord-p1/decision', { ...ReviewBrowser.form(page.html, 'ord-p1', 'reject'), reason: '照片模糊', reasonText: '' });
        assert.equal(rej.status, 303);
        const rej2 = await browser.post('/review/orders/ord-p2/decision', { ...ReviewBrowser.form(page.html, 'ord-p2', 'reject'), reason: '', reasonText: '请摘下帽子' });
        assert.equal(rej2.status, 303);
        const noReason = await browser.post('/review/orders/ord-p3/decision', { ...ReviewBrowser.form(page.html, 'ord-p3', 'reject'), reason: '', reasonText: '' });
        assert.match(noReason.location ?? '', /notice=reason/);
        const appr = await browser.post('/review/orders/ord-p3/decision', ReviewBrowser.form(page.html, 'ord-p3', 'approve'));
        assert.equal(appr.status, 303);

        const feed = new Map((await reviews(st, cursor0)).items.map((i) => [i.orderId, i]));
        assert.deepEqual([feed.get('ord-p1')?.status, feed.get('ord-p1')?.reason], ['被驳回', '照片模糊']);
        assert.deepEqual([feed.get('ord-p2')?.status, feed.get('ord-p2')?.reason], ['被驳回', '请摘下帽子']);
        assert.equal(feed.get('ord-p3')?.status, '待制作');

        const producing = await browser.get(`/review?status=${encodeURIComponent('待制作')}`);
        const done = await browser.post('/review/orders/ord-p3/decision', ReviewBrowser.form(producing.html, 'ord-p3', 'complete'));
        assert.equal(done.status, 303);
        assert.equal((await s.admin<{ status: string }>('GET', '/v1/admin/orders/ord-p3')).body.status, '已完成');

        // Forged posts: no CSRF token, or from another site.
        const form = ReviewBrowser.form(page.html, 'ord-p1', 'reject');
        const rejectedTab = await browser.get(`/review?status=${encodeURIComponent('被驳回')}`);
        assert.ok(rejectedTab.html.includes('照片模糊') && rejectedTab.html.includes('请摘下帽子'));
        assert.equal((await browser.post('/review/orders/ord-p1/decision', { ...form, csrf: 'forged', reason: '照片模糊' })).status, 403);
        assert.equal((await browser.post('/review/orders/ord-p1/decision', { ...form, reason: '照片模糊' }, { Origin: 'http://evil.example' })).status, 403);
        const anonymous = new ReviewBrowser(s.url);
        const anon = await anonymous.post('/review/orders/ord-p1/decision', { ...form, reason: '照片模糊' });
        assert.equal(anon.status, 303);
        assert.equal(anon.location, '/review');
        // A genuine post on an order that has moved on is refused with a notice, not applied twice.
        const twice = await browser.post('/review/orders/ord-p1/decision', { ...form, reason: '照片模糊' });
        assert.match(twice.location ?? '', /notice=changed/);
        assert.equal((await s.admin<{ decisions: unknown[] }>('GET', '/v1/admin/orders/ord-p1')).body.decisions.length, 1, 'none of these posts decided anything');

        const out = await browser.post('/review/logout', { csrf: form.csrf! });
        assert.equal(out.status, 303);
        assert.match((await browser.get('/review')).html, /管理员令牌/);
      } finally {
        await s.close();
      }
    });

    test('settlement: an accepted capture marks the pre-authorised reservation to settle; closing the session lists no-shows for refund', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'PAY1', 3);
        const st = await s.enrol('st-pay');
        const book = async (studentId: string, paymentState: string) => {
          const r = await s.admin<{ id: string }>('POST', '/v1/admin/reservations', { taskCode: task.code, studentId, slotId: task.slotId, paymentState });
          assert.equal(r.status, 201, JSON.stringify(r.body));
          return r.body.id;
        };
        const [s1, s2, s3] = task.studentIds as [string, string, string];
        const r1 = await book(s1, '预授权');
        const r2 = await book(s2, '预授权');
        const r3 = await book(s3, '未支付');
        const resCursor = feedPage('reservations').parse((await st.get(`${PATHS.feed('reservations')}?cursor=0`)).body).cursor;

        // A station still at 采集中 is not a capture; 已采集 is (even before the photos arrive).
        await st.put(PATHS.order('ord-pay-1'), orderUpload(st, { id: 'ord-pay-1', taskCode: task.code, studentId: s1, status: '采集中', capturedAt: null, reservationId: r1 }));
        const listed = async (settlement?: string) =>
          (await s.admin<{ reservations: { id: string; settlement: string; state: string; paymentState: string }[] }>('GET', `/v1/admin/reservations?taskCode=${task.code}${settlement ? `&settlement=${settlement}` : ''}`)).body.reservations;
        assert.equal((await listed()).find((r) => r.id === r1)?.settlement, 'none');
        const pr = photoPair(5_000, 2_000);
        await st.put(PATHS.order('ord-pay-1'), orderUpload(st, { id: 'ord-pay-1', taskCode: task.code, studentId: s1, revision: 2, reservationId: r1, photos: pr.refs }));
        const afterCapture = await listed();
        assert.deepEqual(
          [afterCapture.find((r) => r.id === r1)?.settlement, afterCapture.find((r) => r.id === r1)?.state],
          ['to_settle', 'used'],
        );
        // Stations hear that the reservation is used.
        const resFeed = feedPage('reservations').parse((await st.get(`${PATHS.feed('reservations')}?cursor=${resCursor}`)).body);
        assert.deepEqual(
          resFeed.items.map((r) => [r.id, r.state]),
          [[r1, 'used']],
        );

        const closed = await s.admin<{ noShows: { reservationId: string; studentName: string; paymentState: string; settlement: string }[] }>('POST', `/v1/admin/tasks/${task.code}/sessions/${task.date}/close`);
        assert.equal(closed.status, 200, JSON.stringify(closed.body));
        assert.deepEqual(
          closed.body.noShows.map((n) => [n.reservationId, n.studentName, n.paymentState, n.settlement]).sort(),
          [
            [r2, '学生2', '预授权', 'to_refund'],
            [r3, '学生3', '未支付', 'none'],
          ].sort(),
        );
        assert.deepEqual(
          (await listed('to_refund')).map((r) => r.id),
          [r2],
        );
        assert.deepEqual(
          (await listed('to_settle')).map((r) => r.id),
          [r1],
        );
        // Another session date has no no-shows among these.
        const other = await s.admin<{ noShows: unknown[] }>('POST', `/v1/admin/tasks/${task.code}/sessions/2026-06-02/close`);
        assert.equal(other.body.noShows.length, 0);

        // A station that was offline at closing time sends student 2's capture late: settle, not refund.
        await st.put(PATHS.order('ord-pay-2'), orderUpload(st, { id: 'ord-pay-2', taskCode: task.code, studentId: s2, reservationId: r2 }));
        assert.equal((await listed()).find((r) => r.id === r2)?.settlement, 'to_settle');

        // Recording what the payment provider did.
        const settled = await s.admin<{ settlement: string; paymentState: string }>('POST', `/v1/admin/reservations/${r1}/settlement`, { outcome: 'settled' });
        assert.deepEqual([settled.body.settlement, settled.body.paymentState], ['settled', '已扣款']);
        assert.equal((await s.admin('POST', `/v1/admin/reservations/${r3}/settlement`, { outcome: 'refunded' })).status, 409);
      } finally {
        await s.close();
      }
    });
  });
}
