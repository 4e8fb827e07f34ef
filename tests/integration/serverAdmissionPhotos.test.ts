import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { PORTRAIT_DIR } from '../../bench/finish/portraitFixtures.js';
import { OrderUploadResult, PATHS, ServerError, type OrderUpload } from '../../src/shared/sync/protocol.js';
import { eventually } from '../helpers/syncRig.js';
import { dropRunDatabase, fakePhoto, orderUpload, photoPair, seedTask, sha256, STORE_KINDS, startTestServer, tusUpload, type StationClient, type TestServer } from '../helpers/serverStores.js';
import { filesUnder } from '../helpers/filesUnder.js';

/**
 * Issue 15: the reviewer judges 录取照片比对 with the admission photo beside the capture. A station
 * sends the admission photo it holds with the order; the server keeps it sealed like ID numbers, for
 * that station's order only, and shows it to a logged-in reviewer only. Real server, both stores.
 */
after(() => dropRunDatabase());

const admissionJpeg = readFileSync(join(PORTRAIT_DIR, 'portrait-b.jpg'));
const otherJpeg = readFileSync(join(PORTRAIT_DIR, 'portrait-c.jpg'));
const errorCode = (body: unknown) => ServerError.parse(JSON.parse(String(body))).error;

/** `withCreation`: the bytes ride on the creation request, as a station's first attempt sends them. */
function admissionUpload(s: TestServer, st: StationClient, orderId: string, bytes: Buffer, opts: { withCreation?: boolean } = {}) {
  return tusUpload(s.url, st.authorization, bytes, { sha256: sha256(bytes), orderId, role: 'admission' }, opts.withCreation ? { uploadDataDuringCreation: true } : {});
}

/** Every file under a folder, recursively. */
/** A tus error's HTTP status and our JSON body, as tus-js-client reports it. */
function tusRefusal(err: unknown): { status: number; zh: string; en: string; code: string } {
  const res = (err as { originalResponse?: { getStatus(): number; getBody(): string } }).originalResponse;
  assert.ok(res, `an HTTP answer, not ${String(err)}`);
  const e = errorCode(res.getBody());
  return { status: res.getStatus(), zh: e.zh, en: e.en, code: e.code };
}

async function login(s: TestServer): Promise<string> {
  const r = await fetch(`${s.url}/review/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: s.running.adminToken }).toString(),
    redirect: 'manual',
  });
  assert.equal(r.status, 303);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

/** An order with its photos uploaded (so it is in review), naming `admission` when given. */
async function orderInReview(st: StationClient, o: { id: string; taskCode: string; studentId: string; admission?: Buffer; receiptToken?: string }) {
  const pair = photoPair(20_000, 6_000);
  const body: OrderUpload = {
    ...orderUpload(st, { id: o.id, taskCode: o.taskCode, studentId: o.studentId, photos: pair.refs }),
    receiptToken: o.receiptToken ?? null,
    ...(o.admission ? { admissionPhoto: { sha256: sha256(o.admission), bytes: o.admission.length } } : {}),
  };
  const r = await st.put(PATHS.order(o.id), body);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const result = OrderUploadResult.parse(r.body);
  for (const f of pair.files) await st.upload(f.bytes, { orderId: o.id, role: f.role });
  return { body, result, finishedSha: pair.refs.find((p) => p.role === 'finished')!.sha256 };
}

for (const kind of STORE_KINDS) {
  describe(`admission photos on the server (${kind})`, () => {
    test('sent with the order, kept sealed, shown beside the capture to a logged-in reviewer only, never cached', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'ADM01', 2);
        const a = await s.enrol('st-a');
        const token = 'Rcpt_admission_test_01';
        const { body, result, finishedSha } = await orderInReview(a, { id: 'ord-adm', taskCode: task.code, studentId: task.studentIds[0]!, admission: admissionJpeg, receiptToken: token });
        // The server asks for the admission photo, but does not wait for it: the order is in review.
        assert.deepEqual(result.missingPhotos.filter((x) => x === sha256(admissionJpeg)), [sha256(admissionJpeg)]);
        const before = await s.admin<{ status: string; admissionPhoto: boolean }>('GET', '/v1/admin/orders/ord-adm');
        assert.equal(before.body.status, '待审核');
        assert.equal(before.body.admissionPhoto, false);

        await admissionUpload(s, a, 'ord-adm', admissionJpeg);
        const again = OrderUploadResult.parse((await a.put(PATHS.order('ord-adm'), body)).body);
        assert.equal(again.outcome, 'duplicate');
        assert.deepEqual(again.missingPhotos, [], 'held now: not asked for again');
        // The same bytes twice (a station whose answer was lost) change nothing.
        await admissionUpload(s, a, 'ord-adm', admissionJpeg);

        // Sealed at rest: one file under <data>/admission, and no file anywhere in the data folder
        // (uploads included) holds the JPEG's bytes.
        const sealed = filesUnder(join(s.dataDir, 'admission'));
        assert.equal(sealed.length, 1);
        assert.match(readFileSync(sealed[0]!, 'utf8'), /^v1\./);
        const probe = admissionJpeg.subarray(1000, 1064);
        await eventually(() => {
          for (const f of filesUnder(s.dataDir)) assert.equal(readFileSync(f).includes(probe), false, `${f} holds the admission photo in clear`);
        }, 5_000, 'no admission photo in clear');

        // The review page: both pictures, labelled, with the score; the image only with a session.
        const cookie = await login(s);
        const page = await (await fetch(`${s.url}/review`, { headers: { Cookie: cookie } })).text();
        const card = page.slice(page.indexOf('id="order-ord-adm"'));
        assert.match(card, new RegExp(`<img src="/review/photos/${finishedSha}" alt="本次采集 / This capture"`));
        assert.match(card, /<img src="\/review\/orders\/ord-adm\/admission-photo" alt="录取照片 \/ Admission photo"/);
        assert.match(card, /录取照片比对 \/ face match: <strong>0\.820<\/strong>/);
        const img = await fetch(`${s.url}/review/orders/ord-adm/admission-photo`, { headers: { Cookie: cookie } });
        assert.equal(img.status, 200);
        assert.equal(img.headers.get('content-type'), 'image/jpeg');
        assert.equal(img.headers.get('cache-control'), 'no-store');
        assert.equal(img.headers.get('x-content-type-options'), 'nosniff');
        assert.ok(Buffer.from(await img.arrayBuffer()).equals(admissionJpeg), 'the bytes the station sent');

        // Nobody else: no session, a station's credential, the admin JSON API's photo route, the receipt page.
        const noSession = await fetch(`${s.url}/review/orders/ord-adm/admission-photo`);
        assert.equal(noSession.status, 401);
        assert.ok(errorCode(await noSession.text()).zh, 'refused in words');
        assert.equal((await fetch(`${s.url}/review/orders/ord-adm/admission-photo`, { headers: { Authorization: a.authorization } })).status, 401);
        assert.equal((await s.admin('GET', `/v1/admin/photos/${sha256(admissionJpeg)}`)).status, 404);
        const receipt = await (await fetch(`${s.url}/r/${token}`)).text();
        assert.doesNotMatch(receipt, /admission/i);
        assert.equal((await fetch(`${s.url}/r/${token}/photo.jpg`)).status, 404, 'not approved: nothing, and never the admission photo');

        // An unknown order or a malformed id: 404 in words, for a logged-in reviewer too.
        const missing = await fetch(`${s.url}/review/orders/no-such-order/admission-photo`, { headers: { Cookie: cookie } });
        assert.equal(missing.status, 404);
        assert.match(errorCode(await missing.text()).en, /admission photo/);
        assert.equal((await fetch(`${s.url}/review/orders/${'x'.repeat(80)}/admission-photo`, { headers: { Cookie: cookie } })).status, 404);

        // Logging out ends it.
        const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
        await fetch(`${s.url}/review/logout`, { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: `csrf=${encodeURIComponent(csrf)}`, redirect: 'manual' });
        assert.equal((await fetch(`${s.url}/review/orders/ord-adm/admission-photo`, { headers: { Cookie: cookie } })).status, 401);
      } finally {
        await s.close();
      }
    });

    test('an order without one shows 无录取照片; a newer one sent later replaces it', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'ADM02', 1);
        const a = await s.enrol('st-a');
        const { body, result } = await orderInReview(a, { id: 'ord-none', taskCode: task.code, studentId: task.studentIds[0]! });
        assert.equal('admissionPhoto' in body, false, 'the order goes up exactly as before');
        assert.deepEqual(result.missingPhotos.length, 2, 'only its own two photos');
        const cookie = await login(s);
        let page = await (await fetch(`${s.url}/review`, { headers: { Cookie: cookie } })).text();
        let card = page.slice(page.indexOf('id="order-ord-none"'));
        assert.match(card, /无录取照片 \/ No admission photo/);
        assert.doesNotMatch(card, /\/admission-photo"/);
        assert.equal((await fetch(`${s.url}/review/orders/ord-none/admission-photo`, { headers: { Cookie: cookie } })).status, 404);

        // Imported at the station after the order went up: the same revision again, naming it.
        const named = { ...body, admissionPhoto: { sha256: sha256(otherJpeg), bytes: otherJpeg.length } };
        const asked = OrderUploadResult.parse((await a.put(PATHS.order('ord-none'), named)).body);
        assert.equal(asked.outcome, 'duplicate');
        assert.deepEqual(asked.missingPhotos, [sha256(otherJpeg)]);
        await admissionUpload(s, a, 'ord-none', otherJpeg, { withCreation: true });
        page = await (await fetch(`${s.url}/review`, { headers: { Cookie: cookie } })).text();
        card = page.slice(page.indexOf('id="order-ord-none"'));
        assert.match(card, /<img src="\/review\/orders\/ord-none\/admission-photo"/);
        const got = Buffer.from(await (await fetch(`${s.url}/review/orders/ord-none/admission-photo`, { headers: { Cookie: cookie } })).arrayBuffer());
        assert.ok(got.equals(otherJpeg));

        // Another import: the newer photo replaces it, and the older sealed file goes; the upload too.
        await admissionUpload(s, a, 'ord-none', admissionJpeg, { withCreation: true });
        // The upload is removed right after the answer that took it in.
        const uploads = join(s.dataDir, 'uploads');
        await eventually(() => {
          const roles = readdirSync(uploads)
            .filter((f) => f.endsWith('.json'))
            .map((f) => (JSON.parse(readFileSync(join(uploads, f), 'utf8')) as { metadata?: { role?: string } }).metadata?.role);
          assert.ok(roles.includes('finished'), "the capture's uploads are kept (a lost answer is told by HEAD)");
          assert.equal(roles.includes('admission'), false, 'no admission upload left behind');
        }, 5_000, 'the admission upload removed');
        const now = Buffer.from(await (await fetch(`${s.url}/review/orders/ord-none/admission-photo`, { headers: { Cookie: cookie } })).arrayBuffer());
        assert.ok(now.equals(admissionJpeg));
        assert.equal(filesUnder(join(s.dataDir, 'admission')).length, 1);
      } finally {
        await s.close();
      }
    });

    test("another station cannot upload one for, or read one from, an order it does not own; a corrupt image is refused without losing the order", async () => {
      const logs: string[] = [];
      const s = await startTestServer(kind, { log: (level, msg, fields) => logs.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`) });
      try {
        const task = await seedTask(s, 'ADM03', 2);
        const a = await s.enrol('st-a');
        const b = await s.enrol('st-b');
        const { body } = await orderInReview(a, { id: 'ord-a', taskCode: task.code, studentId: task.studentIds[0]!, admission: admissionJpeg });
        await admissionUpload(s, a, 'ord-a', admissionJpeg);
        const sealedBefore = filesUnder(join(s.dataDir, 'admission')).map((f) => [f, readFileSync(f, 'utf8')]);

        // B uploads "an admission photo" for A's order: refused at creation, nothing kept.
        await assert.rejects(admissionUpload(s, b, 'ord-a', otherJpeg), (err) => {
          const r = tusRefusal(err);
          assert.equal(r.status, 403);
          assert.equal(r.code, 'FORBIDDEN');
          assert.ok(r.zh && r.en);
          return true;
        });
        // B names an admission photo on A's order: the order PUT is refused as a whole.
        const bPut = await b.put(PATHS.order('ord-a'), { ...body, stationId: 'st-b', revision: 9, admissionPhoto: { sha256: sha256(otherJpeg), bytes: otherJpeg.length } });
        assert.equal(bPut.status, 403);
        // For an order the server does not have: 404, nothing kept.
        await assert.rejects(admissionUpload(s, b, 'ord-nobody', otherJpeg), (err) => tusRefusal(err).status === 404);
        assert.deepEqual(
          filesUnder(join(s.dataDir, 'admission')).map((f) => [f, readFileSync(f, 'utf8')]),
          sealedBefore,
          "A's sealed photo untouched, no other file",
        );
        // No station route reads one back: B has no route to it, and uploads are never served.
        assert.equal((await fetch(`${s.url}/review/orders/ord-a/admission-photo`, { headers: { Authorization: b.authorization } })).status, 401);
        assert.equal((await b.get(`${PATHS.uploads}`)).status, 405);
        const cookie = await login(s);
        const img = Buffer.from(await (await fetch(`${s.url}/review/orders/ord-a/admission-photo`, { headers: { Cookie: cookie } })).arrayBuffer());
        assert.ok(img.equals(admissionJpeg), "the reviewer still sees A's photo");

        // Too large for an admission photo: refused before a byte is stored.
        await assert.rejects(admissionUpload(s, a, 'ord-a', fakePhoto(21 * 1024 * 1024)), (err) => tusRefusal(err).status === 413);

        // Corrupt: random bytes, and a JPEG cut in half. Refused in words, the order and the kept photo untouched.
        for (const bad of [fakePhoto(30_000), admissionJpeg.subarray(0, Math.floor(admissionJpeg.length / 2))]) {
          await assert.rejects(admissionUpload(s, a, 'ord-a', bad), (err) => {
            const r = tusRefusal(err);
            assert.equal(r.status, 422);
            assert.match(r.zh, /录取照片/);
            assert.match(r.en, /admission photo/);
            return true;
          });
        }
        const order = await s.admin<{ status: string; admissionPhoto: boolean }>('GET', '/v1/admin/orders/ord-a');
        assert.equal(order.body.status, '待审核');
        assert.equal(order.body.admissionPhoto, true);
        const still = Buffer.from(await (await fetch(`${s.url}/review/orders/ord-a/admission-photo`, { headers: { Cookie: cookie } })).arrayBuffer());
        assert.ok(still.equals(admissionJpeg));
        // Nothing of the refused uploads stays behind in clear.
        const probe = admissionJpeg.subarray(1000, 1064);
        await eventually(() => {
          for (const f of filesUnder(s.dataDir)) assert.equal(readFileSync(f).includes(probe), false, `${f} holds an admission photo in clear`);
        }, 5_000, 'no admission photo in clear');
        assert.ok(logs.some((l) => l.includes('admission photo refused: not an image')));
      } finally {
        await s.close();
      }
    });

    test('a cut admission upload (part of a photo, in clear) is dropped by the sweep after an hour; a capture upload is kept for days', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'ADM04', 1);
        const a = await s.enrol('st-a');
        await orderInReview(a, { id: 'ord-cut', taskCode: task.code, studentId: task.studentIds[0]! });
        const cut = async (role: string, bytes: Buffer): Promise<string> => {
          const meta = Object.entries({ sha256: sha256(bytes), orderId: 'ord-cut', role })
            .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
            .join(',');
          const created = await fetch(s.url + PATHS.uploads, {
            method: 'POST',
            headers: { Authorization: a.authorization, 'Tus-Resumable': '1.0.0', 'Upload-Length': String(bytes.length), 'Upload-Metadata': meta, 'Content-Type': 'application/offset+octet-stream' },
            body: new Uint8Array(bytes.subarray(0, 5000)),
          });
          assert.equal(created.status, 201, await created.text());
          return new URL(created.headers.get('location')!, s.url + PATHS.uploads + '/').pathname.split('/').pop()!;
        };
        const admissionId = await cut('admission', admissionJpeg);
        const captureId = await cut('original', fakePhoto(40_000));
        // Two hours pass for both (the sweep reads each upload's creation date).
        const uploads = join(s.dataDir, 'uploads');
        for (const id of [admissionId, captureId]) {
          const info = JSON.parse(readFileSync(join(uploads, `${id}.json`), 'utf8')) as { creation_date: string };
          info.creation_date = new Date(Date.now() - 2 * 3600_000).toISOString();
          writeFileSync(join(uploads, `${id}.json`), JSON.stringify(info));
        }
        await s.restart(); // the start-up sweep
        assert.equal(existsSync(join(uploads, admissionId)), false, 'the cut admission upload is gone');
        assert.equal(existsSync(join(uploads, `${admissionId}.json`)), false);
        assert.equal(existsSync(join(uploads, captureId)), true, "a capture's cut upload waits to be resumed");
      } finally {
        await s.close();
      }
    });
  });
}
