import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, describe, test } from 'node:test';
import { EnrolResponse, feedPage, OrderUploadResult, PATHS, ServerError, type FeedName, type FeedPage, type OrderUpload } from '../../src/shared/sync/protocol.js';
import { dropRunDatabase, fakePhoto, orderUpload, photoPair, seedTask, sha256, STORE_KINDS, startTestServer, stationClient, type HttpAnswer, type StationClient, type TestServer } from '../helpers/serverStores.js';

/**
 * Issue 19: two real enrolled stations against a real server, each case named after the attack a
 * hostile second station (or a guesser at the review page) tried. Every case failed on the code
 * before the fix: B could take over, void or rob A's orders and uploads.
 */
after(() => dropRunDatabase());

const errorCode = (body: unknown) => ServerError.parse(body).error.code;

async function putOrder(st: StationClient, order: OrderUpload): Promise<HttpAnswer> {
  return st.put(PATHS.order(order.id), order);
}

async function stored(st: StationClient, order: OrderUpload) {
  const r = await putOrder(st, order);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return OrderUploadResult.parse(r.body);
}

async function adminOrder(s: TestServer, id: string) {
  const r = await s.admin<{ stationId: string; status: string; revision: number; stationStatus: string; photos: { sha256: string; held: boolean }[] }>('GET', `/v1/admin/orders/${encodeURIComponent(id)}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function feed<F extends FeedName>(st: StationClient, name: F, cursor = '0'): Promise<FeedPage<F>> {
  const r = await st.get(`${PATHS.feed(name)}?cursor=${cursor}&limit=500`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return feedPage(name).parse(r.body) as FeedPage<F>;
}

/** A's order with both photos uploaded by A: in review. */
async function ordersInReview(s: TestServer, a: StationClient, taskCode: string, studentId: string, id: string) {
  const pair = photoPair(20_000, 5_000);
  const order = { ...orderUpload(a, { id, taskCode, studentId, photos: pair.refs }), receiptToken: null };
  await stored(a, order);
  for (const f of pair.files) await a.upload(f.bytes, { orderId: id, role: f.role });
  assert.equal((await adminOrder(s, id)).status, '待审核');
  return { order, pair };
}

function rawTus(s: TestServer, st: StationClient, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<{ status: number; text: string }> {
  const u = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers: { Authorization: st.authorization, 'Tus-Resumable': '1.0.0', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Creates an upload of `total` bytes with only `sent` of them sent: an unfinished upload of A's. */
async function unfinishedUpload(s: TestServer, st: StationClient, orderId: string, total: Buffer, sent: number): Promise<string> {
  const meta = { sha256: sha256(total), orderId, role: 'original' };
  const encoded = Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');
  const r = await fetch(s.url + PATHS.uploads, {
    method: 'POST',
    headers: { Authorization: st.authorization, 'Tus-Resumable': '1.0.0', 'Upload-Length': String(total.length), 'Upload-Metadata': encoded },
  });
  assert.equal(r.status, 201);
  const id = new URL(r.headers.get('location')!, s.url + PATHS.uploads + '/').pathname.split('/').pop()!;
  const patched = await rawTus(s, st, 'PATCH', `${PATHS.uploads}/${id}`, { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }, total.subarray(0, sent));
  assert.equal(patched.status, 204, patched.text);
  return id;
}

async function uploadOffset(s: TestServer, st: StationClient, id: string): Promise<number | null> {
  const r = await fetch(`${s.url}${PATHS.uploads}/${id}`, { method: 'HEAD', headers: { Authorization: st.authorization, 'Tus-Resumable': '1.0.0' } });
  return r.status === 200 ? Number(r.headers.get('upload-offset')) : null;
}

async function enrolWith(s: TestServer, code: string, stationId: string) {
  const r = await fetch(s.url + PATHS.enrol, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code, stationId, stationName: `采集站 ${stationId}` }) });
  return { status: r.status, body: (await r.json()) as unknown };
}

/** A bare HTTP/1.1 exchange on its own socket: sends `text`, optionally cuts the connection right after. */
function rawExchange(url: string, text: string, opts: { cut?: boolean } = {}): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port), u.hostname);
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (got += c));
    socket.on('error', () => resolve(got));
    socket.on('close', () => resolve(got));
    socket.write(text, () => {
      if (opts.cut) setTimeout(() => socket.destroy(), 5);
      else socket.end();
    });
    setTimeout(() => socket.destroy(), 5_000).unref();
  });
}

for (const kind of STORE_KINDS) {
  describe(`hostile stations against a real server (${kind})`, () => {
    test("takeover: B's PUT on A's order at a higher revision is refused and changes nothing", async () => {
      const logs: string[] = [];
      const s = await startTestServer(kind, { log: (level, msg, fields) => logs.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`) });
      try {
        const task = await seedTask(s, 'HOST1', 2);
        const a = await s.enrol('st-a');
        const b = await s.enrol('st-b');
        const { order } = await ordersInReview(s, a, task.code, task.studentIds[0]!, 'ord-a1');
        const before = await adminOrder(s, 'ord-a1');
        const reviewsA = await feed(a, 'reviews');

        const hostile: OrderUpload = { ...order, revision: 9, stationId: b.stationId, stationName: 'B', status: '已作废', photos: [{ sha256: 'f'.repeat(64), bytes: 10, role: 'finished' }] };
        const r = await putOrder(b, hostile);
        assert.equal(r.status, 403);
        assert.equal(errorCode(r.body), 'FORBIDDEN');
        assert.match(ServerError.parse(r.body).error.zh, /另一个采集站/);
        assert.deepEqual(await adminOrder(s, 'ord-a1'), before, 'no field of the order changed');
        assert.equal((await feed(a, 'reviews', reviewsA.cursor)).items.length, 0, 'A hears of no change: none happened');
        assert.ok(logs.some((l) => l.includes('order of another station refused') && l.includes('st-a') && l.includes('st-b')), 'logged with both station ids');
        // A itself still moves its order on.
        assert.equal((await stored(a, { ...order, revision: 2 })).outcome, 'stored');
      } finally {
        await s.close();
      }
    });

    test("receipt theft: B's stale PUT with its own receipt token binds nothing, and A's token is never replaced", async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'HOST2', 1);
        const a = await s.enrol('st-a');
        const b = await s.enrol('st-b');
        const { order } = await ordersInReview(s, a, task.code, task.studentIds[0]!, 'ord-r1');
        assert.equal((await s.admin('POST', '/v1/admin/orders/ord-r1/decision', { decision: 'approve', reason: null })).status, 200);

        const stolenToken = 'B'.repeat(22);
        const r = await putOrder(b, { ...order, stationId: b.stationId, revision: 1, receiptToken: stolenToken });
        assert.equal(r.status, 403);
        assert.equal((await fetch(`${s.url}/r/${stolenToken}/photo.jpg`)).status, 404);
        assert.equal((await fetch(`${s.url}/r/${stolenToken}`)).status, 404);

        // A binds its token once (a receipt printed after upload: same revision); a later token never replaces it.
        const tokenA = 'A'.repeat(22);
        assert.equal((await stored(a, { ...order, receiptToken: tokenA })).outcome, 'duplicate');
        assert.equal((await fetch(`${s.url}/r/${tokenA}/photo.jpg`)).status, 200);
        await stored(a, { ...order, revision: 2, receiptToken: 'C'.repeat(22) });
        assert.equal((await fetch(`${s.url}/r/${'C'.repeat(22)}`)).status, 404);
        assert.equal((await fetch(`${s.url}/r/${tokenA}`)).status, 200);

        // A token already bound to one order cannot be bound to another (not even by its own station).
        const other = orderUpload(a, { id: 'ord-r2', taskCode: task.code, studentId: task.studentIds[0]! });
        const clash = await putOrder(a, { ...other, receiptToken: tokenA });
        assert.equal(clash.status, 409);
      } finally {
        await s.close();
      }
    });

    test("upload reach: B's encoded, nested and foreign upload paths touch none of A's uploads", async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'HOST3', 1);
        const a = await s.enrol('st-a');
        const b = await s.enrol('st-b');
        const bytes = fakePhoto(50_000);
        const id = await unfinishedUpload(s, a, 'ord-u1', bytes, 20_000);
        const encodedFirst = `%${id.charCodeAt(0).toString(16)}${id.slice(1)}`;

        for (const path of [`${PATHS.uploads}/${encodedFirst}`, `${PATHS.uploads}/x/${id}`, `${PATHS.uploads}/${id}/`, `${PATHS.uploads}/${id}%2F`, `${PATHS.uploads}/./${id}`]) {
          for (const method of ['HEAD', 'PATCH', 'DELETE']) {
            const r = await rawTus(s, b, method, path, method === 'PATCH' ? { 'Upload-Offset': '20000', 'Content-Type': 'application/offset+octet-stream' } : {}, method === 'PATCH' ? Buffer.alloc(10) : undefined);
            assert.ok(r.status === 404 || r.status === 405, `${method} ${path} → ${r.status}`);
            assert.ok(!r.text.includes('sha256') && !r.text.includes(sha256(bytes)), `${method} ${path} shows no metadata`);
          }
        }
        for (const method of ['HEAD', 'PATCH', 'DELETE']) {
          const r = await rawTus(s, b, method, `${PATHS.uploads}/${id}`, method === 'PATCH' ? { 'Upload-Offset': '20000', 'Content-Type': 'application/offset+octet-stream' } : {}, method === 'PATCH' ? Buffer.alloc(10) : undefined);
          assert.equal(r.status, 404, `B's ${method} on A's upload`);
        }
        assert.equal(await uploadOffset(s, a, id), 20_000, "A's unfinished upload is untouched");

        // Stations do not read uploads back (GET is not served), nor delete finished ones — their own included.
        assert.equal((await rawTus(s, a, 'GET', `${PATHS.uploads}/${id}`)).status, 405);
        const done = await a.upload(fakePhoto(3_000), { orderId: 'ord-u1', role: 'finished' });
        const doneId = new URL(done.url!).pathname.split('/').pop()!;
        assert.equal((await rawTus(s, a, 'DELETE', `${PATHS.uploads}/${doneId}`)).status, 403);
        assert.notEqual(await uploadOffset(s, a, doneId), null);
        // An unfinished upload of its own a station may abandon.
        assert.equal((await rawTus(s, a, 'DELETE', `${PATHS.uploads}/${id}`)).status, 204);

        // B cannot upload photos for A's order either, once A has stored it.
        await stored(a, orderUpload(a, { id: 'ord-u2', taskCode: task.code, studentId: task.studentIds[0]! }));
        await assert.rejects(() => b.upload(fakePhoto(1_000), { orderId: 'ord-u2', role: 'original' }), /403/);
      } finally {
        await s.close();
      }
    });

    test("identity claim: a second device enrolling as A's station id is refused; re-issuing revokes A's old device", async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'HOST4', 1);
        const a = await s.enrol('st-a');
        const code = (await s.admin<{ code: string }>('POST', '/v1/admin/enrol-codes', { tasks: [task.code] })).body.code;
        const claim = await enrolWith(s, code, 'st-a');
        assert.equal(claim.status, 409);
        assert.match(ServerError.parse(claim.body).error.zh, /已由另一台设备登记/);
        // The refused claim did not use up the code: a new station id may still enrol with it.
        assert.equal((await enrolWith(s, code, 'st-new')).status, 201);

        // A code made for one station id is for that id only.
        const forC = (await s.admin<{ code: string }>('POST', '/v1/admin/enrol-codes', { tasks: [task.code], stationId: 'st-c' })).body.code;
        assert.equal((await enrolWith(s, forC, 'st-z')).status, 409);
        assert.equal((await enrolWith(s, forC, 'st-c')).status, 201);

        // The laptop died: the admin re-issues st-a. The old credential stops at once (401, listed).
        const re = await s.admin<{ code: string; stationId: string }>('POST', '/v1/admin/station-ids/st-a/reissue', { reason: '笔记本故障' });
        assert.equal(re.status, 201, JSON.stringify(re.body));
        const old = await a.get(PATHS.whoami);
        assert.equal(old.status, 401);
        assert.equal(errorCode(old.body), 'REVOKED');
        const replaced = await enrolWith(s, re.body.code, 'st-a');
        assert.equal(replaced.status, 201);
        const fresh = stationClient(s.url, EnrolResponse.parse(replaced.body), 'st-a');
        assert.equal((await fresh.get(PATHS.whoami)).status, 200);
        const list = (await s.admin<{ stations: { deviceId: string; stationId: string; revokedAt: string | null }[] }>('GET', '/v1/admin/stations')).body.stations;
        const asA = list.filter((x) => x.stationId === 'st-a');
        assert.equal(asA.length, 2);
        assert.ok(asA.find((x) => x.deviceId === a.deviceId)!.revokedAt, 'the old device is listed as revoked');
        assert.equal(asA.find((x) => x.deviceId === fresh.deviceId)!.revokedAt, null);
        const audit = (await s.admin<{ actions: { action: string; target: string }[] }>('GET', '/v1/admin/audit?target=st-a')).body.actions;
        assert.ok(audit.some((x) => x.action === 'station.reissue'));

        // Revoking by the admin API: every later request of that device is 401.
        assert.equal((await s.admin('POST', `/v1/admin/stations/${fresh.deviceId}/revoke`, { reason: '测试' })).status, 200);
        for (const path of [PATHS.whoami, PATHS.feed('roster')]) assert.equal((await fresh.get(path)).status, 401);
        assert.equal((await fresh.put(PATHS.order('x1'), orderUpload(fresh, { id: 'x1', taskCode: task.code, studentId: task.studentIds[0]! }))).status, 401);
      } finally {
        await s.close();
      }
    });

    test('server kill: tus GET with Connection: close, and malformed or cut requests on every route, leave the server answering', async () => {
      const errors: string[] = [];
      const s = await startTestServer(kind, { log: (level, msg, fields) => level === 'error' && errors.push(`${msg} ${JSON.stringify(fields ?? {})}`) });
      try {
        const task = await seedTask(s, 'HOST5', 1);
        const a = await s.enrol('st-a');
        await ordersInReview(s, a, task.code, task.studentIds[0]!, 'ord-k1');
        const done = await a.upload(fakePhoto(2_000), { orderId: 'ord-k1', role: 'finished' });
        const uploadPath = new URL(done.url!).pathname;
        const host = new URL(s.url).host;
        const auth = `Authorization: ${a.authorization}\r\n`;
        const routes = [
          ['GET', uploadPath],
          ['HEAD', uploadPath],
          ['PATCH', uploadPath],
          ['DELETE', uploadPath],
          ['POST', PATHS.uploads],
          ['POST', PATHS.enrol],
          ['GET', PATHS.whoami],
          ['GET', `${PATHS.feed('reviews')}?cursor=abc`],
          ['PUT', PATHS.order('ord-k1')],
          ['PUT', PATHS.correction('c-1')],
          ['POST', '/review/login'],
          ['POST', '/review/logout'],
          ['POST', '/review/orders/ord-k1/decision'],
          ['GET', '/r/AAAAAAAAAAAAAAAAAAAAAA/photo.jpg'],
          ['POST', '/v1/admin/enrol-codes'],
        ] as const;
        const bodies = ['{"id":', '\u0000\u00ff garbage', '{"tasks":[1,2,3]}', 'token=' + 'x'.repeat(5000)];
        for (let round = 0; round < 3; round++) {
          for (const [method, path] of routes) {
            for (const body of bodies) {
              const len = Buffer.byteLength(body);
              // Declared longer than sent, then cut: the request dies mid-body.
              await rawExchange(s.url, `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n${auth}Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nUpload-Length: 99\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: ${len + 500}\r\nConnection: close\r\n\r\n${body}`, { cut: true });
              // Complete but malformed.
              await rawExchange(s.url, `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n${auth}Tus-Resumable: 1.0.0\r\nContent-Type: application/json\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${body}`);
            }
            // Headers only, then gone.
            await rawExchange(s.url, `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n${auth}Connection: close\r\n`, { cut: true });
          }
          const alive = await fetch(s.url + '/');
          assert.equal(alive.status, 200, `round ${round}: the server still answers`);
        }
        assert.equal((await a.get(PATHS.whoami)).status, 200);
        assert.deepEqual(errors, [], 'no request ended in an unhandled server error');
      } finally {
        await s.close();
      }
    });

    test('token guessing: review logins are rate-limited per client address; logout ends the session on the server; Secure over TLS; idle sessions end', async () => {
      let clock = new Date('2026-06-01T08:00:00Z');
      const s = await startTestServer(kind, { now: () => clock, trustProxy: ['127.0.0.1'] });
      try {
        const login = (token: string, from: string, proto = 'http') =>
          fetch(`${s.url}/review/login`, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': from, 'X-Forwarded-Proto': proto },
            body: `token=${encodeURIComponent(token)}`,
          });
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) statuses.push((await login('wrong-token-' + i, '203.0.113.7')).status);
        assert.deepEqual(statuses.slice(0, 4), [401, 401, 401, 401]);
        assert.ok(statuses.slice(4).every((x) => x === 429), `locked out after a handful: ${statuses.join(',')}`);
        const locked = await login(s.running.adminToken, '203.0.113.7');
        assert.equal(locked.status, 429, 'even the right token waits out the lockout');
        assert.ok(Number(locked.headers.get('retry-after')) > 0);
        // Another address is not held up by the guesser.
        const ok = await login(s.running.adminToken, '203.0.113.8', 'https');
        assert.equal(ok.status, 303);
        const cookie = ok.headers.get('set-cookie')!;
        assert.match(cookie, /HttpOnly/);
        assert.match(cookie, /; Secure/, 'https at the trusted proxy: Secure cookie');
        const plain = await login(s.running.adminToken, '203.0.113.9');
        assert.doesNotMatch(plain.headers.get('set-cookie')!, /Secure/);
        // After the lockout ends the address may try again.
        clock = new Date(clock.getTime() + 61_000);
        assert.equal((await login(s.running.adminToken, '203.0.113.7')).status, 303);

        const session = cookie.split(';')[0]!;
        const page = () => fetch(`${s.url}/review`, { headers: { Cookie: session } }).then((r) => r.text());
        assert.match(await page(), /退出 \/ Log out/);
        const csrf = /name="csrf" value="([^"]+)"/.exec(await page())![1]!;
        const out = await fetch(`${s.url}/review/logout`, { method: 'POST', redirect: 'manual', headers: { Cookie: session, 'Content-Type': 'application/x-www-form-urlencoded' }, body: `csrf=${encodeURIComponent(csrf)}` });
        assert.equal(out.status, 303);
        assert.doesNotMatch(await page(), /退出 \/ Log out/, 'the old cookie, replayed, no longer opens the page');
        assert.equal((await fetch(`${s.url}/review/photos/${'a'.repeat(64)}`, { headers: { Cookie: session } })).status, 401);

        // A session left idle ends.
        const again = (await login(s.running.adminToken, '203.0.113.8')).headers.get('set-cookie')!.split(';')[0]!;
        assert.match(await fetch(`${s.url}/review`, { headers: { Cookie: again } }).then((r) => r.text()), /退出 \/ Log out/);
        clock = new Date(clock.getTime() + 31 * 60_000);
        assert.doesNotMatch(await fetch(`${s.url}/review`, { headers: { Cookie: again } }).then((r) => r.text()), /退出 \/ Log out/);

        // Without a trusted proxy, forwarding headers are not believed: one address, no Secure.
        const direct = await startTestServer(kind);
        try {
          const r = await fetch(`${direct.url}/review/login`, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-Proto': 'https' },
            body: `token=${encodeURIComponent(direct.running.adminToken)}`,
          });
          assert.doesNotMatch(r.headers.get('set-cookie')!, /Secure/);
          const spread: number[] = [];
          for (let i = 0; i < 6; i++) {
            const w = await fetch(`${direct.url}/review/login`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': `198.51.100.${i}` }, body: 'token=nope' });
            spread.push(w.status);
          }
          assert.equal(spread[5], 429, 'a spoofed X-Forwarded-For does not buy fresh attempts');
        } finally {
          await direct.close();
        }
      } finally {
        await s.close();
      }
    });

    test("photo claim: an order naming a photo another station uploaded waits for its own station's bytes", async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'HOST6', 2);
        const a = await s.enrol('st-a');
        const b = await s.enrol('st-b');
        const { pair } = await ordersInReview(s, a, task.code, task.studentIds[0]!, 'ord-p1');
        const claim = orderUpload(b, { id: 'ord-p2', taskCode: task.code, studentId: task.studentIds[1]!, photos: pair.refs });
        const r = await stored(b, claim);
        assert.deepEqual([...r.missingPhotos].sort(), pair.refs.map((p) => p.sha256).sort(), "A's photos count for nothing in B's order");
        assert.equal((await adminOrder(s, 'ord-p2')).status, '已采集');
        // Once B sends the bytes itself (it really has them), its order goes to review; the file is stored once.
        for (const f of pair.files) await b.upload(f.bytes, { orderId: 'ord-p2', role: f.role });
        assert.equal((await adminOrder(s, 'ord-p2')).status, '待审核');
      } finally {
        await s.close();
      }
    });

    test("feed overreach: a station reads only its own tasks, and other stations' orders only once they concern it", async () => {
      const s = await startTestServer(kind);
      try {
        const t1 = await seedTask(s, 'HOSTA', 3);
        const t2 = await seedTask(s, 'HOSTB', 4);
        const a = await s.enrol('st-a', undefined, { tasks: [t1.code] });
        const c = await s.enrol('st-c', undefined, { tasks: [t1.code] });
        const d = await s.enrol('st-d', undefined, { tasks: [t2.code] });

        const rosterA = await feed(a, 'roster');
        assert.deepEqual(new Set(rosterA.items.map((i) => i.taskCode)), new Set([t1.code]));
        assert.equal(rosterA.items.length, 3);
        assert.deepEqual((await feed(a, 'tasks')).items.map((t) => t.code), [t1.code]);
        assert.equal((await feed(d, 'roster')).items.length, 4);
        const resA = await feed(a, 'reservations');
        assert.ok(resA.items.every((i) => i.taskCode === t1.code));

        // A task it is not enrolled for is refused in words.
        const foreign = await putOrder(a, orderUpload(a, { id: 'ord-f0', taskCode: t2.code, studentId: t2.studentIds[0]! }));
        assert.equal(foreign.status, 403);
        assert.equal(errorCode(foreign.body), 'FORBIDDEN');

        await ordersInReview(s, a, t1.code, t1.studentIds[0]!, 'ord-f1');
        assert.deepEqual((await feed(a, 'reviews')).items.map((i) => i.orderId), ['ord-f1']);
        const cCursor = await feed(c, 'reviews');
        assert.equal(cCursor.items.length, 0, "C has no business with A's order in review");
        assert.equal((await feed(d, 'reviews')).items.length, 0);

        // Rejected: C needs it for the retake list (the student may come to C), D never.
        assert.equal((await s.admin('POST', '/v1/admin/orders/ord-f1/decision', { decision: 'reject', reason: '头部姿态不正' })).status, 200);
        const rejected = await feed(c, 'reviews', cCursor.cursor);
        assert.deepEqual(
          rejected.items.map((i) => [i.orderId, i.status]),
          [['ord-f1', '被驳回']],
        );
        assert.equal((await feed(d, 'reviews')).items.length, 0);
        // A retakes: C hears how it ended, so its retake list empties.
        const pair = photoPair(9_000, 3_000);
        await stored(a, { ...orderUpload(a, { id: 'ord-f1', taskCode: t1.code, studentId: t1.studentIds[0]!, photos: pair.refs }), revision: 2 });
        for (const f of pair.files) await a.upload(f.bytes, { orderId: 'ord-f1', role: f.role });
        const after = await feed(c, 'reviews', rejected.cursor);
        assert.deepEqual(
          after.items.map((i) => [i.orderId, i.status]),
          [['ord-f1', '待审核']],
        );

        // The admin gives D task 1 as well: D now gets task 1's students, though its cursor was past them.
        const dCursor = await feed(d, 'roster');
        assert.equal((await s.admin('PUT', '/v1/admin/station-ids/st-d/tasks', { tasks: [t1.code, t2.code], reason: '支援' })).status, 200);
        const gained = await feed(d, 'roster', dCursor.cursor);
        assert.deepEqual(gained.items.map((i) => i.id).sort(), [...t1.studentIds].sort());
      } finally {
        await s.close();
      }
    });

    test('admin takeover: an order moves to another station only by an audited admin transfer, with its history', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'HOST7', 1);
        const a = await s.enrol('st-a');
        const b = await s.enrol('st-b');
        const { order } = await ordersInReview(s, a, task.code, task.studentIds[0]!, 'ord-t1');
        assert.equal((await s.admin('POST', '/v1/admin/orders/ord-t1/decision', { decision: 'reject', reason: '照片模糊' })).status, 200);
        assert.equal((await s.admin('POST', '/v1/admin/orders/ord-t1/transfer', { toStationId: 'st-b' })).status, 400, 'a reason is required');
        const moved = await s.admin<{ from: string; to: string }>('POST', '/v1/admin/orders/ord-t1/transfer', { toStationId: 'st-b', reason: 'A 站笔记本故障' });
        assert.equal(moved.status, 200, JSON.stringify(moved.body));
        assert.deepEqual([moved.body.from, moved.body.to], ['st-a', 'st-b']);
        const now = await adminOrder(s, 'ord-t1');
        assert.equal(now.stationId, 'st-b');
        assert.equal(now.status, '被驳回', 'its state and decisions move with it');
        assert.ok(now.photos.every((p) => p.held), "the photos A sent are held for B's use");

        assert.equal((await putOrder(a, { ...order, revision: 5 })).status, 403, 'A no longer owns it');
        const pair = photoPair(8_000, 2_000);
        const r = await stored(b, { ...orderUpload(b, { id: 'ord-t1', taskCode: task.code, studentId: task.studentIds[0]!, photos: pair.refs }), revision: 3 });
        assert.equal(r.outcome, 'stored');
        const audit = (await s.admin<{ actions: { action: string; reason: string; detail: { from: string; to: string } }[] }>('GET', '/v1/admin/audit?target=ord-t1')).body.actions;
        assert.equal(audit.length, 1);
        assert.equal(audit[0]!.action, 'order.transfer');
        assert.equal(audit[0]!.reason, 'A 站笔记本故障');
        assert.deepEqual([audit[0]!.detail.from, audit[0]!.detail.to], ['st-a', 'st-b']);
      } finally {
        await s.close();
      }
    });

    test('two stations, one student: both keep working (two order ids, flagged), neither touches the other', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'HOST8', 1);
        const a = await s.enrol('st-a');
        const b = await s.enrol('st-b');
        await ordersInReview(s, a, task.code, task.studentIds[0]!, 'ord-2a');
        await ordersInReview(s, b, task.code, task.studentIds[0]!, 'ord-2b');
        const seenByA = (await feed(a, 'reviews')).items;
        assert.deepEqual(seenByA.map((i) => i.orderId).sort(), ['ord-2a', 'ord-2b']);
        assert.ok(seenByA.every((i) => i.conflict), 'both flagged, both stations learn it');
      } finally {
        await s.close();
      }
    });
  });
}
