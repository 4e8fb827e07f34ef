import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, describe, test } from 'node:test';
import { parseReservationToken, verifyTokenSignature } from '../../src/shared/checkin/reservationToken.js';
import { EnrolResponse, feedPage, PATHS, ServerError, StudentCorrectionResult, WhoAmIResponse, type FeedName, type FeedPage } from '../../src/shared/sync/protocol.js';
import { dropRunDatabase, orderUpload, seedTask, STORE_KINDS, startTestServer, type StationClient, type TestServer } from '../helpers/serverStores.js';

after(() => dropRunDatabase());

async function enrolWith(s: TestServer, code: string, stationId = 'st-x') {
  const r = await fetch(s.url + PATHS.enrol, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code, stationId, stationName: '采集站 X' }) });
  return { status: r.status, body: (await r.json()) as unknown };
}

function errorCode(body: unknown): string {
  return ServerError.parse(body).error.code;
}

/** Pulls a feed page by page until `more` is false, checking every page against the protocol. */
async function pullAll<F extends FeedName>(st: StationClient, feed: F, cursor: string, limit: number): Promise<{ items: FeedPage<F>['items']; cursor: string; pages: number }> {
  const items: FeedPage<F>['items'] = [];
  let pages = 0;
  for (;;) {
    const r = await st.get(`${PATHS.feed(feed)}?cursor=${cursor}&limit=${limit}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const page = feedPage(feed).parse(r.body) as FeedPage<F>;
    pages++;
    items.push(...page.items);
    assert.ok(BigInt(page.cursor) >= BigInt(cursor), 'a cursor never goes back');
    cursor = page.cursor;
    if (!page.more) return { items, cursor, pages };
    assert.ok(pages < 100, 'feed paging terminates');
  }
}

/** A raw request with a declared body length and the body actually sent. */
function rawRequest(url: string, opts: { method: string; path: string; headers?: Record<string, string>; body?: Buffer }): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: opts.method, path: opts.path, headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Opens a raw connection, sends `text`, then stalls; resolves with what came back once the server
 * closes the connection. */
function stallAfter(url: string, text: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname, () => socket.write(text));
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (got += c));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(got));
    setTimeout(() => reject(new Error('the server never closed a stalled connection')), 20_000).unref();
  });
}

for (const kind of STORE_KINDS) {
  describe(`server enrolment, feeds and bad input (${kind})`, () => {
    test('enrolment: a good code once; used, expired and unknown codes refused; revoked station refused', async () => {
      let clock = new Date('2026-06-01T08:00:00Z');
      const s = await startTestServer(kind, { now: () => clock });
      try {
        const task = await seedTask(s, 'ENR1', 1);
        const code = (await s.admin<{ code: string; expiresAt: string }>('POST', '/v1/admin/enrol-codes', { label: 'A', ttlMinutes: 60, tasks: [task.code] })).body.code;
        // Typing tolerance: lower case, no dashes.
        const good = await enrolWith(s, code.toLowerCase().replace(/-/g, ''), 'st-a');
        assert.equal(good.status, 201);
        const enrolled = EnrolResponse.parse(good.body);

        const again = await enrolWith(s, code, 'st-b');
        assert.equal(again.status, 400);
        assert.equal(errorCode(again.body), 'ENROL_CODE_INVALID');

        const unknown = await enrolWith(s, 'ZZZZ-ZZZZ-ZZZZ');
        assert.equal(errorCode(unknown.body), 'ENROL_CODE_INVALID');

        const shortLived = (await s.admin<{ code: string }>('POST', '/v1/admin/enrol-codes', { ttlMinutes: 1, tasks: [task.code] })).body.code;
        clock = new Date(clock.getTime() + 2 * 60_000);
        const expired = await enrolWith(s, shortLived);
        assert.equal(errorCode(expired.body), 'ENROL_CODE_INVALID');

        const auth = { Authorization: `Bearer ${enrolled.deviceId}.${enrolled.credential}` };
        const who = await fetch(s.url + PATHS.whoami, { headers: auth });
        assert.equal(who.status, 200);
        const me = WhoAmIResponse.parse(await who.json());
        assert.equal(me.stationId, 'st-a');
        assert.equal(me.deviceId, enrolled.deviceId);

        // Wrong credential for a real device: 401, not a hint that the device exists.
        const wrong = await fetch(s.url + PATHS.whoami, { headers: { Authorization: `Bearer ${enrolled.deviceId}.${'x'.repeat(43)}` } });
        assert.equal(wrong.status, 401);
        assert.equal(errorCode(await wrong.json()), 'UNAUTHENTICATED');

        const stations = await s.admin<{ stations: { deviceId: string; revokedAt: string | null }[] }>('GET', '/v1/admin/stations');
        assert.deepEqual(
          stations.body.stations.map((x) => x.deviceId),
          [enrolled.deviceId],
        );
        const revoked = await s.admin<{ revokedAt: string | null }>('POST', `/v1/admin/stations/${enrolled.deviceId}/revoke`);
        assert.equal(revoked.status, 200);
        assert.ok(revoked.body.revokedAt);
        for (const path of [PATHS.whoami, PATHS.feed('roster')]) {
          const r = await fetch(s.url + path, { headers: auth });
          assert.equal(r.status, 401);
          assert.equal(errorCode(await r.json()), 'REVOKED');
        }
        const tusRefused = await fetch(s.url + PATHS.uploads, { method: 'POST', headers: { ...auth, 'Tus-Resumable': '1.0.0', 'Upload-Length': '10' } });
        assert.equal(tusRefused.status, 401);
      } finally {
        await s.close();
      }
    });

    test('feeds page with cursors; a second pull gets only what changed', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'FEED1', 25);
        const st = await s.enrol('st-feed');

        const first = await pullAll(st, 'roster', '0', 10);
        assert.equal(first.items.length, 25);
        assert.equal(first.pages, 3);
        assert.deepEqual(new Set(first.items.map((i) => i.id)), new Set(task.studentIds));
        const tasks = await pullAll(st, 'tasks', '0', 500);
        assert.equal(tasks.items.length, 1);
        assert.equal(tasks.items[0]!.code, 'FEED1');

        // Nothing changed: no items, same cursor.
        const idle = await st.get(`${PATHS.feed('roster')}?cursor=${first.cursor}`);
        assert.deepEqual(idle.body, { items: [], cursor: first.cursor, more: false });

        // Two students change (re-import by ID number updates; here: a new import of two rows).
        const imp = await s.admin<{ students: { id: string }[] }>('POST', '/v1/admin/tasks/FEED1/students', [
          { name: '新同学甲', idNumber: '11010819900307001X' },
          { name: '新同学乙', idNumber: '110108199003070028' },
        ]);
        assert.equal(imp.status, 200);
        const second = await pullAll(st, 'roster', first.cursor, 10);
        assert.deepEqual(
          second.items.map((i) => i.name),
          ['新同学甲', '新同学乙'],
        );
        assert.equal(second.items[0]!.idNumber, '11010819900307001X');
        // Re-importing the same ID number updates that student (same id), and only it comes down again.
        const re = await s.admin<{ imported: number; updated: number; students: { id: string }[] }>('POST', '/v1/admin/tasks/FEED1/students', [
          { name: '新同学甲（改名）', idNumber: '11010819900307001X' },
        ]);
        assert.equal(re.body.updated, 1);
        assert.equal(re.body.students[0]!.id, imp.body.students[0]!.id);
        const third = await pullAll(st, 'roster', second.cursor, 10);
        assert.deepEqual(
          third.items.map((i) => [i.id, i.name]),
          [[imp.body.students[0]!.id, '新同学甲（改名）']],
        );

        // An unknown feed, a bad cursor and a bad limit.
        assert.equal((await st.get('/v1/feeds/nope')).status, 404);
        const badCursor = await st.get(`${PATHS.feed('roster')}?cursor=abc`);
        assert.equal(badCursor.status, 400);
        assert.equal(errorCode(badCursor.body), 'BAD_REQUEST');
        assert.ok(ServerError.parse(badCursor.body).error.details!.some((d) => d.startsWith('cursor')));
        assert.equal((await st.get(`${PATHS.feed('roster')}?limit=0`)).status, 400);
      } finally {
        await s.close();
      }
    });

    test('roster corrections from a station: applied once, newest wins, published in the roster feed', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'COR1', 2);
        const st = await s.enrol('st-cor');
        const start = (await pullAll(st, 'roster', '0', 500)).cursor;
        const correction = (id: string, at: string, fields: Record<string, unknown>) => ({
          id,
          taskCode: task.code,
          studentId: task.studentIds[0],
          stationId: 'st-cor',
          operator: { id: 'op-m', name: '负责人' },
          at,
          reason: '学生出示身份证',
          fields,
        });
        const newer = correction('cor-2', '2026-06-01T02:00:00.000Z', { name: '王小明', idNumber: '11010819900307001X' });
        const r1 = await st.put(PATHS.correction('cor-2'), newer);
        assert.equal(r1.status, 200, JSON.stringify(r1.body));
        assert.deepEqual(StudentCorrectionResult.parse(r1.body), { outcome: 'stored' });
        assert.deepEqual((await st.put(PATHS.correction('cor-2'), newer)).body, { outcome: 'duplicate' });
        // An older correction arriving late is kept but does not overwrite the newer one.
        const older = await st.put(PATHS.correction('cor-1'), correction('cor-1', '2026-06-01T01:00:00.000Z', { name: '王晓明' }));
        assert.deepEqual(older.body, { outcome: 'stored' });
        const feed = await pullAll(st, 'roster', start, 500);
        assert.deepEqual(
          feed.items.map((i) => [i.id, i.name, i.idNumber]),
          [[task.studentIds[0], '王小明', '11010819900307001X']],
        );
        // The other student cannot take the same ID number.
        const clash = await st.put(PATHS.correction('cor-3'), { ...correction('cor-3', '2026-06-01T03:00:00.000Z', { idNumber: '11010819900307001X' }), studentId: task.studentIds[1] });
        assert.equal(clash.status, 409);
        assert.equal((await st.put(PATHS.correction('cor-x'), newer)).status, 400, 'path and body ids differ');
        // A task this station is not enrolled for (here: one the server does not have either).
        assert.equal((await st.put(PATHS.correction('cor-4'), { ...correction('cor-4', '2026-06-01T03:00:00.000Z', {}), taskCode: 'NOPE' })).status, 403);
      } finally {
        await s.close();
      }
    });

    test('reservations: the server signs CC1 tokens with the task key; cancelling publishes a revocation', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'RES1', 2);
        const st = await s.enrol('st-res');
        const tasks = await pullAll(st, 'tasks', '0', 500);
        const publicKey = Uint8Array.from(Buffer.from(tasks.items[0]!.publicKey, 'base64'));
        assert.equal(publicKey.length, 32);

        const made = await s.admin<{ id: string; token: string; settlement: string }>('POST', '/v1/admin/reservations', { taskCode: 'RES1', studentId: task.studentIds[0], slotId: task.slotId });
        assert.equal(made.status, 201, JSON.stringify(made.body));
        const parsed = parseReservationToken(made.body.token);
        assert.ok(parsed.ok);
        assert.equal(parsed.payload.rid, made.body.id);
        assert.equal(parsed.payload.sid, task.studentIds[0]);
        assert.equal(parsed.payload.slot, task.slotId);
        assert.ok(verifyTokenSignature(parsed, publicKey), 'the token verifies with the published key');
        assert.equal(made.body.settlement, 'none');

        const dup = await s.admin('POST', '/v1/admin/reservations', { taskCode: 'RES1', studentId: task.studentIds[0] });
        assert.equal(dup.status, 409);

        const res1 = await pullAll(st, 'reservations', '0', 500);
        assert.equal(res1.items.length, 1);
        assert.equal(res1.items[0]!.state, 'active');
        const rev0 = await pullAll(st, 'revocations', '0', 500);
        assert.equal(rev0.items.length, 0);

        const cancelled = await s.admin<{ state: string; settlement: string }>('POST', `/v1/admin/reservations/${made.body.id}/cancel`, { reason: '学生申请取消' });
        assert.equal(cancelled.body.state, 'cancelled');
        assert.equal(cancelled.body.settlement, 'to_refund');
        const res2 = await pullAll(st, 'reservations', res1.cursor, 500);
        assert.deepEqual(
          res2.items.map((r) => [r.id, r.state]),
          [[made.body.id, 'cancelled']],
        );
        const rev1 = await pullAll(st, 'revocations', rev0.cursor, 500);
        assert.equal(rev1.items.length, 1);
        assert.equal(rev1.items[0]!.reservationId, made.body.id);
        assert.equal(rev1.items[0]!.reason, '学生申请取消');
      } finally {
        await s.close();
      }
    });

    test('a stalled client is cut off and does not hold up others', async () => {
      const s = await startTestServer(kind, { timeouts: { headersMs: 400, bodyMs: 400, requestMs: 1500 } });
      try {
        await seedTask(s, 'SLOW1', 1);
        const st = await s.enrol('st-slow');
        const host = new URL(s.url).host;
        const noHeaders = stallAfter(s.url, `GET ${PATHS.whoami} HTTP/1.1\r\nHost: ${host}\r\n`);
        const halfBody = stallAfter(
          s.url,
          `PUT ${PATHS.order('slow-1')} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${st.authorization}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id":`,
        );
        // Meanwhile the server answers everyone else.
        assert.equal((await st.get(PATHS.whoami)).status, 200);
        assert.match(await noHeaders, /^$|^HTTP\/1\.1 408/);
        const answer = await halfBody;
        assert.match(answer, /^$|^HTTP\/1\.1 (400|408)/);
        if (answer.includes(' 400 ')) assert.match(answer, /BAD_REQUEST/);
      } finally {
        await s.close();
      }
    });

    test('bad input: unauthenticated, malformed, schema-invalid and oversized requests get clear errors', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'BAD1', 1);
        const st = await s.enrol('st-bad');
        const order = orderUpload(st, { id: 'bad-order-1', taskCode: task.code, studentId: task.studentIds[0]! });

        for (const headers of [{}, { Authorization: 'Bearer nonsense' }, { Authorization: 'Basic abc' }] as Record<string, string>[]) {
          const r = await fetch(s.url + PATHS.order(order.id), { method: 'PUT', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(order) });
          assert.equal(r.status, 401);
          const body = ServerError.parse(await r.json());
          assert.equal(body.error.code, 'UNAUTHENTICATED');
          assert.ok(body.error.zh && body.error.en);
        }
        assert.equal((await fetch(s.url + '/v1/admin/stations')).status, 401);
        assert.equal((await fetch(s.url + '/v1/admin/stations', { headers: { Authorization: 'Bearer wrong' } })).status, 401);

        const malformed = await fetch(s.url + PATHS.order(order.id), { method: 'PUT', headers: { Authorization: st.authorization, 'Content-Type': 'application/json' }, body: '{"id": ' });
        assert.equal(malformed.status, 400);
        assert.equal(errorCode(await malformed.json()), 'BAD_REQUEST');

        const invalid = await st.put(PATHS.order(order.id), { ...order, revision: 0, photos: [{ sha256: 'xyz', bytes: 1, role: 'original' }], extra: true });
        assert.equal(invalid.status, 400);
        const details = ServerError.parse(invalid.body).error.details ?? [];
        assert.ok(details.some((d) => d.startsWith('revision')), details.join('\n'));
        assert.ok(details.some((d) => d.startsWith('photos.0.sha256')), details.join('\n'));

        const mismatch = await st.put(PATHS.order('another-id'), order);
        assert.equal(mismatch.status, 400);

        // Oversized: declared by Content-Length, and sent without one (chunked).
        const big = Buffer.alloc(1024 * 1024 + 10, 0x20);
        const declared = await rawRequest(s.url, { method: 'PUT', path: PATHS.order(order.id), headers: { Authorization: st.authorization, 'Content-Type': 'application/json', 'Content-Length': String(big.length) }, body: big });
        assert.equal(declared.status, 413);
        assert.equal(errorCode(JSON.parse(declared.body)), 'TOO_LARGE');
        const chunked = await rawRequest(s.url, { method: 'PUT', path: PATHS.order(order.id), headers: { Authorization: st.authorization, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, body: big });
        assert.equal(chunked.status, 413);

        // Unknown task; unknown path; nothing was half-stored by any of the above.
        // A task this station is not enrolled for (here: one the server does not have either) is refused as not its business.
        const unknownTask = await st.put(PATHS.order('bad-order-2'), { ...order, id: 'bad-order-2', taskCode: 'NOPE' });
        assert.equal(unknownTask.status, 403);
        assert.equal(errorCode(unknownTask.body), 'FORBIDDEN');
        assert.equal((await st.get('/v1/nothing')).status, 404);
        const orders = await s.admin<{ orders: unknown[] }>('GET', '/v1/admin/orders');
        assert.equal(orders.body.orders.length, 0);

        // The order from another station's id is refused; then the good order is stored.
        const foreign = await st.put(PATHS.order(order.id), { ...order, stationId: 'someone-else' });
        assert.equal(foreign.status, 409);
        const ok = await st.put(PATHS.order(order.id), order);
        assert.equal(ok.status, 200);
      } finally {
        await s.close();
      }
    });
  });
}
