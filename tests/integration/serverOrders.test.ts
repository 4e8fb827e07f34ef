import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { feedPage, OrderUploadResult, PATHS, ServerError, type FeedPage, type ReviewItem } from '../../src/shared/sync/protocol.js';
import { dropRunDatabase, fakePhoto, orderUpload, photoPair, seedTask, sha256, STORE_KINDS, startTestServer, tusUpload, type StationClient, type TestServer } from '../helpers/serverStores.js';

after(() => dropRunDatabase());

async function put(st: StationClient, order: ReturnType<typeof orderUpload>) {
  const r = await st.put(PATHS.order(order.id), order);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return OrderUploadResult.parse(r.body);
}

async function reviews(st: StationClient, cursor = '0'): Promise<FeedPage<'reviews'>> {
  const r = await st.get(`${PATHS.feed('reviews')}?cursor=${cursor}`);
  assert.equal(r.status, 200);
  return feedPage('reviews').parse(r.body) as FeedPage<'reviews'>;
}

async function adminOrder(s: TestServer, id: string) {
  const r = await s.admin<{ status: string; current: boolean; conflict: boolean; revision: number; studentSource: string; studentName: string; photos: { held: boolean }[] }>('GET', `/v1/admin/orders/${encodeURIComponent(id)}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

function storedPhotoFiles(s: TestServer): string[] {
  const root = join(s.dataDir, 'photos');
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)));
}

/** tus creation by hand, then a PATCH that sends part of the body and is cut off mid-way. */
async function createAndCutUpload(s: TestServer, st: StationClient, bytes: Buffer, meta: Record<string, string>, sendBytes: number): Promise<string> {
  const encoded = Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');
  const created = await fetch(s.url + PATHS.uploads, {
    method: 'POST',
    headers: { Authorization: st.authorization, 'Tus-Resumable': '1.0.0', 'Upload-Length': String(bytes.length), 'Upload-Metadata': encoded },
  });
  assert.equal(created.status, 201);
  const location = new URL(created.headers.get('location')!, s.url + PATHS.uploads).toString();
  const u = new URL(location);
  await new Promise<void>((resolve) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      method: 'PATCH',
      path: u.pathname,
      headers: { Authorization: st.authorization, 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(bytes.length) },
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(bytes.subarray(0, sendBytes), () => {
      // Let the server take the bytes, then cut the connection as a dropped network would.
      setTimeout(() => req.destroy(), 200);
    });
  });
  return location;
}

async function headOffset(url: string, st: StationClient): Promise<{ status: number; offset: number }> {
  const r = await fetch(url, { method: 'HEAD', headers: { Authorization: st.authorization, 'Tus-Resumable': '1.0.0' } });
  return { status: r.status, offset: Number(r.headers.get('upload-offset') ?? -1) };
}

for (const kind of STORE_KINDS) {
  describe(`server orders and photo uploads (${kind})`, () => {
    test('revisions: stored, duplicate no-op, stale never overwrites; task/student cannot change', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'REV1', 2);
        const st = await s.enrol('st-rev');
        const photos = photoPair();
        const base = { id: 'ord-rev-1', taskCode: task.code, studentId: task.studentIds[0]!, photos: photos.refs };

        const r1 = await put(st, orderUpload(st, { ...base, revision: 1, status: '采集中', capturedAt: null, photos: [] }));
        // The answer says what the server now holds, which the station shows.
        assert.deepEqual(r1, { outcome: 'stored', serverRevision: 1, missingPhotos: [], status: '采集中', reason: null });
        const r2 = await put(st, orderUpload(st, { ...base, revision: 2 }));
        assert.equal(r2.outcome, 'stored');
        assert.deepEqual(new Set(r2.missingPhotos), new Set(photos.refs.map((p) => p.sha256)));
        const dup = await put(st, orderUpload(st, { ...base, revision: 2 }));
        assert.equal(dup.outcome, 'duplicate');
        assert.equal(dup.serverRevision, 2);
        assert.equal(dup.missingPhotos.length, 2, 'a duplicate still says which photos to send');
        const stale = await put(st, orderUpload(st, { ...base, revision: 1, status: '采集中', capturedAt: null, photos: [] }));
        assert.equal(stale.outcome, 'stale');
        assert.equal(stale.serverRevision, 2);
        const after = await adminOrder(s, base.id);
        assert.equal(after.revision, 2);
        assert.equal(after.status, '已采集', 'waits for its photos');

        const moved = await st.put(PATHS.order(base.id), orderUpload(st, { ...base, revision: 3, studentId: task.studentIds[1]! }));
        assert.equal(moved.status, 409);
        assert.equal(ServerError.parse(moved.body).error.code, 'CONFLICT');
        assert.equal((await adminOrder(s, base.id)).revision, 2, 'the refused revision was not stored');
        // Nothing reached the reviews feed: the order is not reviewable until its photos arrive.
        assert.equal((await reviews(st)).items.length, 0);
      } finally {
        await s.close();
      }
    });

    test('photos by tus: order goes to 待审核 when the last photo arrives; same bytes stored once; photos first works too', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'UPL1', 3);
        const st = await s.enrol('st-upl');
        const photos = photoPair(300_000, 40_000);
        const order = orderUpload(st, { id: 'ord-upl-1', taskCode: task.code, studentId: task.studentIds[0]!, photos: photos.refs });
        const first = await put(st, order);
        assert.equal(first.missingPhotos.length, 2);

        await st.upload(photos.files[0]!.bytes, { orderId: order.id, role: 'original' });
        assert.equal((await adminOrder(s, order.id)).status, '已采集', 'one photo is not enough');
        assert.equal((await reviews(st)).items.length, 0);
        // creation-with-upload for the second one
        await st.upload(photos.files[1]!.bytes, { orderId: order.id, role: 'finished' }, { uploadDataDuringCreation: true });

        const detail = await adminOrder(s, order.id);
        assert.equal(detail.status, '待审核');
        assert.ok(detail.photos.every((p) => p.held));
        const feed = await reviews(st);
        assert.equal(feed.items.length, 1);
        const item: ReviewItem = feed.items[0]!;
        assert.equal(item.orderId, order.id);
        assert.equal(item.status, '待审核');
        assert.equal(item.stationId, 'st-upl');
        assert.equal(item.current, true);
        assert.equal(item.conflict, false);
        assert.deepEqual((await put(st, order)).missingPhotos, []);

        // The same bytes again (a retry after a lost answer, or another order naming them): kept once.
        await st.upload(photos.files[1]!.bytes, { orderId: order.id, role: 'finished' });
        assert.equal(storedPhotoFiles(s).length, 2);

        // Photos before the order: the order is reviewable at once.
        const early = photoPair(50_000, 20_000);
        for (const f of early.files) await st.upload(f.bytes, { orderId: 'ord-upl-2', role: f.role });
        const second = await put(st, orderUpload(st, { id: 'ord-upl-2', taskCode: task.code, studentId: task.studentIds[1]!, photos: early.refs }));
        assert.deepEqual(second.missingPhotos, []);
        assert.equal((await adminOrder(s, 'ord-upl-2')).status, '待审核');
        assert.equal(storedPhotoFiles(s).length, 4);

        // An order naming already-held photos needs nothing uploaded.
        const shared = await put(st, orderUpload(st, { id: 'ord-upl-3', taskCode: task.code, studentId: task.studentIds[2]!, photos: early.refs }));
        assert.deepEqual(shared.missingPhotos, []);
        assert.equal(storedPhotoFiles(s).length, 4);
      } finally {
        await s.close();
      }
    });

    test('a wrong sha256 is refused and discarded; bad metadata is refused; another station cannot touch an upload', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'SHA1', 1);
        const st = await s.enrol('st-sha');
        const other = await s.enrol('st-other');
        const bytes = fakePhoto(100_000);
        const claimed = sha256(fakePhoto(10));
        await put(st, orderUpload(st, { id: 'ord-sha-1', taskCode: task.code, studentId: task.studentIds[0]!, photos: [{ sha256: claimed, bytes: bytes.length, role: 'finished' }] }));

        let uploadUrl: string | null = null;
        await assert.rejects(
          tusUpload(s.url, st.authorization, bytes, { sha256: claimed, orderId: 'ord-sha-1', role: 'finished' }, { onAfterResponse: (req) => void (req.getMethod() === 'PATCH' && (uploadUrl = req.getURL())) }),
          (err: Error & { originalResponse?: { getStatus(): number; getBody(): string } }) => {
            assert.equal(err.originalResponse?.getStatus(), 422);
            assert.equal(ServerError.parse(JSON.parse(err.originalResponse!.getBody())).error.code, 'PHOTO_HASH_MISMATCH');
            return true;
          },
        );
        assert.equal(storedPhotoFiles(s).length, 0);
        assert.equal((await adminOrder(s, 'ord-sha-1')).status, '已采集');
        // The refused upload is gone: resuming it is a 404, so a client starts over.
        assert.ok(uploadUrl, 'the PATCH went to an upload URL');
        assert.equal((await headOffset(uploadUrl, st)).status, 404);

        await assert.rejects(tusUpload(s.url, st.authorization, bytes, { orderId: 'x', role: 'finished' }), (err: Error & { originalResponse?: { getStatus(): number } }) => {
          assert.equal(err.originalResponse?.getStatus(), 400);
          return true;
        });

        // Another station cannot see or continue this station's upload.
        const partial = await createAndCutUpload(s, st, bytes, { sha256: sha256(bytes), orderId: 'ord-sha-1', role: 'finished' }, 10_000);
        assert.equal((await headOffset(partial, other)).status, 404);
        assert.equal((await headOffset(partial, st)).status, 200);
      } finally {
        await s.close();
      }
    });

    test('an upload cut mid-PATCH resumes from its offset, across a server restart', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'RES2', 1);
        const st = await s.enrol('st-resume');
        const bytes = fakePhoto(1_500_000);
        const sha = sha256(bytes);
        await put(st, orderUpload(st, { id: 'ord-resume', taskCode: task.code, studentId: task.studentIds[0]!, photos: [{ sha256: sha, bytes: bytes.length, role: 'original' }] }));

        const url = await createAndCutUpload(s, st, bytes, { sha256: sha, orderId: 'ord-resume', role: 'original' }, 700_000);
        const before = await headOffset(url, st);
        assert.equal(before.status, 200);
        assert.ok(before.offset > 0 && before.offset < bytes.length, `partial offset ${before.offset}`);

        await s.restart();
        assert.equal((await headOffset(url, st)).offset, before.offset, 'the partial upload survived the restart');

        const methods: string[] = [];
        let firstPatchOffset = -1;
        await tusUpload(s.url, st.authorization, bytes, { sha256: sha, orderId: 'ord-resume', role: 'original' }, {
          uploadUrl: url,
          onBeforeRequest: (req) => {
            methods.push(req.getMethod());
            if (req.getMethod() === 'PATCH' && firstPatchOffset < 0) firstPatchOffset = Number(req.getHeader('Upload-Offset'));
          },
        });
        assert.deepEqual(methods, ['HEAD', 'PATCH'], 'resumed, not re-created');
        assert.equal(firstPatchOffset, before.offset);
        assert.equal((await adminOrder(s, 'ord-resume')).status, '待审核');
        assert.deepEqual(storedPhotoFiles(s), [sha]);
      } finally {
        await s.close();
      }
    });

    for (const arrival of ['earlier first', 'later first', 'at once'] as const) {
      test(`two stations, one student, both offline (${arrival}): both kept, the later capture current, both flagged`, async () => {
        const s = await startTestServer(kind);
        try {
          const task = await seedTask(s, 'TWO1', 1);
          const a = await s.enrol('st-a');
          const b = await s.enrol('st-b');
          const studentId = task.studentIds[0]!;
          const pa = photoPair(20_000, 10_000);
          const pb = photoPair(20_000, 10_000);
          const orderA = orderUpload(a, { id: 'ord-a', taskCode: task.code, studentId, capturedAt: '2026-06-01T01:05:00.000Z', photos: pa.refs });
          const orderB = orderUpload(b, { id: 'ord-b', taskCode: task.code, studentId, capturedAt: '2026-06-01T01:20:00.000Z', photos: pb.refs });
          const sendA = async () => {
            await put(a, orderA);
            for (const f of pa.files) await a.upload(f.bytes, { orderId: 'ord-a', role: f.role });
          };
          const sendB = async () => {
            await put(b, orderB);
            for (const f of pb.files) await b.upload(f.bytes, { orderId: 'ord-b', role: f.role });
          };
          if (arrival === 'earlier first') {
            await sendA();
            await sendB();
          } else if (arrival === 'later first') {
            await sendB();
            await sendA();
          } else {
            await Promise.all([put(a, orderA), put(b, orderB)]);
            await Promise.all([...pa.files.map((f) => a.upload(f.bytes, { orderId: 'ord-a', role: f.role })), ...pb.files.map((f) => b.upload(f.bytes, { orderId: 'ord-b', role: f.role }))]);
          }
          const oa = await adminOrder(s, 'ord-a');
          const ob = await adminOrder(s, 'ord-b');
          assert.deepEqual([oa.status, oa.current, oa.conflict], ['待审核', false, true]);
          assert.deepEqual([ob.status, ob.current, ob.conflict], ['待审核', true, true]);
          // Both stations learn it on their next pull: both orders, with the same flags.
          for (const st of [a, b]) {
            const items = new Map((await reviews(st)).items.map((i) => [i.orderId, i]));
            assert.deepEqual([items.get('ord-a')?.current, items.get('ord-a')?.conflict], [false, true]);
            assert.deepEqual([items.get('ord-b')?.current, items.get('ord-b')?.conflict], [true, true]);
            assert.equal(items.get('ord-a')?.stationId, 'st-a');
          }
          // The reviewer voids the duplicate: the other is no longer in conflict, and stations hear of it.
          const cursor = (await reviews(a)).cursor;
          const voided = await s.admin<{ status: string }>('POST', '/v1/admin/orders/ord-a/decision', { decision: 'void', reason: '重复采集' });
          assert.equal(voided.body.status, '已作废');
          const later = new Map((await reviews(a, cursor)).items.map((i) => [i.orderId, i]));
          assert.equal(later.get('ord-a')?.status, '已作废');
          assert.deepEqual([later.get('ord-b')?.current, later.get('ord-b')?.conflict], [true, false]);
        } finally {
          await s.close();
        }
      });
    }

    test('a walk-in order is stored with its student flagged walk-in, ready for review', async () => {
      const s = await startTestServer(kind);
      try {
        const task = await seedTask(s, 'WALK1', 1);
        const st = await s.enrol('st-walk');
        const p = photoPair(10_000, 5_000);
        const order = {
          ...orderUpload(st, { id: 'ord-walk', taskCode: task.code, studentId: 'st-walk-W0001', photos: p.refs }),
          walkin: { name: '临时学生', gender: '女' as const, idNumber: '110108199003070028', studentNo: '20229999', department: '外国语学院', xuexinCode: null },
        };
        const r = await put(st, order);
        assert.equal(r.outcome, 'stored');
        for (const f of p.files) await st.upload(f.bytes, { orderId: 'ord-walk', role: f.role });
        const o = await adminOrder(s, 'ord-walk');
        assert.equal(o.studentSource, 'walkin');
        assert.equal(o.studentName, '临时学生');
        assert.equal(o.status, '待审核');
        // A retry of the same walk-in upload is a duplicate, not a second student.
        assert.equal((await put(st, order)).outcome, 'duplicate');
      } finally {
        await s.close();
      }
    });
  });
}
