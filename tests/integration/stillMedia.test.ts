import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { PORTRAIT_DIR, PORTRAIT_FACES, scaleFace } from '../../bench/finish/portraitFixtures.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { dropMediaSession } from '../../src/main/web/stillMedia.js';
import type { WebShell } from '../../src/main/web/webShell.js';
import { MAX_MASK_BYTES, MAX_STILL_BYTES } from '../../src/shared/stillMedia.js';
import { handVerdict } from '../helpers/stationCapture.js';
import { startMediaShell, type MediaShell } from '../helpers/mediaShell.js';
import type { tempApp } from '../helpers/tempApp.js';

/** The still routes of the web shell (src/main/web/stillMedia.ts), as the renderer uses them. */
describe('still media: stills by local URL with the RPC session’s key, never base64 over RPC', () => {
  let app: Awaited<ReturnType<typeof tempApp>>;
  let shell: WebShell;
  let s: Session;
  let key: string;
  let orderId: string;
  const portrait = readFileSync(join(PORTRAIT_DIR, 'portrait-a.jpg'));

  const at = (path: string) => new URL(path, shell.url).toString();
  const auth = (k: string) => ({ Authorization: `Bearer ${k}` });
  async function bilingual(res: Response): Promise<{ code: string; zh: string; en: string }> {
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as { ok: boolean; error: { code: string; zh: string; en: string } };
    assert.equal(body.ok, false);
    assert.match(body.error.zh, /[\u4e00-\u9fff]/, 'Chinese first');
    assert.match(body.error.en, /[a-z]/);
    return body.error;
  }
  async function upload(k: string, body: Uint8Array | Buffer, camera = 'uvc'): Promise<Response> {
    return fetch(at(`/media/still/${orderId}?camera=${camera}`), { method: 'POST', headers: { ...auth(k), 'Content-Type': 'image/jpeg' }, body: new Uint8Array(body) });
  }

  let rig: MediaShell;
  before(async () => {
    rig = await startMediaShell();
    ({ app, shell, s, key, orderId } = rig);
  });
  after(() => rig.close());

  test('the whole shot: still up, analysis copy down, mask up, finished photo down', async () => {
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal((await app.call(s, 'media.session', {})).key, key, 'one key per session');
    const up = await upload(key, portrait);
    assert.equal(up.status, 200);
    assert.equal(up.headers.get('cache-control'), 'no-store');
    const shot = (await up.json()) as { captureId: string; width: number; height: number };
    assert.deepEqual([shot.width, shot.height], [874, 1200]);
    const row = app.ctx.db.prepare('SELECT original_path FROM captures WHERE id = ?').get(shot.captureId) as { original_path: string };
    assert.deepEqual(readFileSync(row.original_path), portrait, 'stored byte for byte');

    const analysis = await app.call(s, 'capture.stillAnalysis', { captureId: shot.captureId });
    assert.equal(analysis.url, `/media/analysis/${shot.captureId}`);
    const copy = await fetch(at(analysis.url), { headers: auth(key) });
    assert.equal(copy.status, 200);
    // Raw upright RGB of the size the RPC gave: the worker takes it as it is (issue 18).
    assert.equal(copy.headers.get('content-type'), 'application/octet-stream');
    assert.equal(copy.headers.get('cache-control'), 'no-store');
    const rgb = Buffer.from(await copy.arrayBuffer());
    assert.equal(rgb.length, analysis.width * analysis.height * 3);
    const fromStill = await sharp(portrait).rotate().resize(analysis.width, analysis.height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < rgb.length; i++) diff += Math.abs(rgb[i]! - fromStill[i]!);
    assert.ok(diff / rgb.length < 3, `the copy is the still's picture (mean difference ${(diff / rgb.length).toFixed(2)})`);

    const face = scaleFace(PORTRAIT_FACES.a, analysis.scale, 0, 0, analysis.width, analysis.height);
    // A person mask as the renderer's segmenter sends it: white inside an ellipse round the face.
    const w = 256;
    const h = Math.round((256 * analysis.height) / analysis.width);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="black"/><ellipse cx="${w / 2}" cy="${h * 0.55}" rx="${w * 0.4}" ry="${h * 0.5}" fill="white"/></svg>`;
    const maskPng = await sharp(Buffer.from(svg)).greyscale().png().toBuffer();
    const put = await fetch(at(`/media/mask/${shot.captureId}`), { method: 'PUT', headers: { ...auth(key), 'Content-Type': 'image/png' }, body: new Uint8Array(maskPng) });
    assert.equal(put.status, 204);

    const finished = await app.call(s, 'capture.finishShot', { captureId: shot.captureId, face, mask: true, verdict: handVerdict(['mouth.closed']) });
    assert.equal(finished.finishedUrl, `/media/finished/${shot.captureId}`);
    const photo = await fetch(at(finished.finishedUrl), { headers: auth(key) });
    assert.equal(photo.status, 200);
    const photoBytes = Buffer.from(await photo.arrayBuffer());
    const meta = await sharp(photoBytes).metadata();
    assert.deepEqual([meta.width, meta.height, meta.density], [480, 640, 300]);
    // The analysis copy is let go once the shot is finished.
    assert.equal((await fetch(at(analysis.url), { headers: auth(key) })).status, 404);
    // The strip's thumbnail, by URL too.
    const thumb = await app.call(s, 'capture.photoUrl', { captureId: shot.captureId, which: 'finished' });
    assert.equal((await fetch(at(thumb.url), { headers: auth(key) })).status, 200);
    // The mask as the kiosk's worker sends it: raw bytes, the size in the query.
    const shot3 = (await (await upload(key, portrait)).json()) as { captureId: string };
    await app.call(s, 'capture.stillAnalysis', { captureId: shot3.captureId });
    const rawMask = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer();
    const putRaw = (q: string, body: Uint8Array<ArrayBuffer>) => fetch(at(`/media/mask/${shot3.captureId}${q}`), { method: 'PUT', headers: { ...auth(key), 'Content-Type': 'application/octet-stream' }, body });
    for (const [q, body, why] of [
      ['', new Uint8Array(rawMask), 'no size'],
      [`?width=${w}&height=${h}`, new Uint8Array(rawMask.subarray(1)), 'one byte short'],
      [`?width=${w}&height=${h}&x=1`, new Uint8Array(rawMask), 'an unknown field'],
      [`?width=0&height=${h}`, new Uint8Array(0), 'zero width'],
      [`?width=5000&height=5000`, new Uint8Array(16), 'too large'],
    ] as const) {
      const bad = await putRaw(q, body);
      assert.equal(bad.status, 400, why);
      assert.match((await bilingual(bad)).zh, /人像分割数据无效/, why);
    }
    assert.equal((await putRaw(`?width=${w}&height=${h}`, new Uint8Array(rawMask))).status, 204);
    const finished3 = await app.call(s, 'capture.finishShot', { captureId: shot3.captureId, face, mask: true, verdict: handVerdict(['mouth.closed']) });
    assert.ok(finished3.finishedUrl, 'finished with the raw mask');
    const photo3 = Buffer.from(await (await fetch(at(finished3.finishedUrl), { headers: auth(key) })).arrayBuffer());
    assert.ok(photo3.equals(photoBytes), 'the same still and the same mask, raw or PNG: the same finished photo byte for byte');
    // A mask claimed but never uploaded is refused, bilingually.
    const shot2 = (await (await upload(key, portrait)).json()) as { captureId: string };
    const r = await app.raw('capture.finishShot', { captureId: shot2.captureId, face, mask: true, verdict: handVerdict() }, s);
    assert.ok(!r.ok && r.error.code === 'BAD_INPUT' && /人像分割/.test(r.error.zh));
  });

  test('auth: no key → 401, a logged-out session → 403, another session’s id → 404, a closed session’s key → 401', async () => {
    const shot = (await (await upload(key, portrait)).json()) as { captureId: string };
    const { url } = await app.call(s, 'capture.stillAnalysis', { captureId: shot.captureId });

    const none = await fetch(at(url));
    assert.equal(none.status, 401);
    assert.equal((await bilingual(none)).code, 'UNAUTHENTICATED');
    assert.equal((await fetch(at(url), { headers: { Authorization: `Bearer ${'0'.repeat(64)}` } })).status, 401);
    assert.equal((await fetch(at(url), { headers: { Authorization: 'Basic abc' } })).status, 401);
    assert.equal((await upload('f'.repeat(64), portrait)).status, 401, 'no upload without a key');

    // Another logged-in session knows the URL but was never given it: nothing there for it.
    const other = await app.loggedIn();
    const otherKey = (await app.call(other, 'media.session', {})).key;
    assert.notEqual(otherKey, key);
    const foreign = await fetch(at(url), { headers: auth(otherKey) });
    assert.equal(foreign.status, 404);
    assert.equal((await bilingual(foreign)).code, 'NOT_FOUND');
    const foreignMask = await fetch(at(`/media/mask/${shot.captureId}`), { method: 'PUT', headers: auth(otherKey), body: new Uint8Array(8) });
    assert.equal(foreignMask.status, 404);

    // Logged out: the key no longer opens anything.
    await app.call(other, 'auth.logout', {});
    const out = await fetch(at(url), { headers: auth(otherKey) });
    assert.equal(out.status, 403);
    await bilingual(out);
    // A session that is gone (its socket closed) takes its key along.
    dropMediaSession(other);
    assert.equal((await fetch(at(url), { headers: auth(otherKey) })).status, 401);
    // No media key without a login.
    const anon = await app.raw('media.session', {}, app.newSession());
    assert.ok(!anon.ok && anon.error.code === 'UNAUTHENTICATED');
    // A page from another origin is refused outright.
    assert.equal((await fetch(at(url), { headers: { ...auth(key), Origin: 'http://evil.example' } })).status, 403);
    // The owner still reads it.
    assert.equal((await fetch(at(url), { headers: auth(key) })).status, 200);
  });

  test('a student display reads the one photo published to it, nothing else', async () => {
    const shot = (await (await upload(key, portrait)).json()) as { captureId: string };
    const a = await app.call(s, 'capture.stillAnalysis', { captureId: shot.captureId });
    const face = scaleFace(PORTRAIT_FACES.a, a.scale, 0, 0, a.width, a.height);
    await app.call(s, 'capture.finishShot', { captureId: shot.captureId, face, mask: false, verdict: handVerdict(['mouth.closed']) });

    const display = app.newSession();
    await app.call(display, 'studentView.attach', {});
    const displayKey = (await app.call(display, 'media.session', {})).key;
    assert.deepEqual(await app.call(display, 'studentView.photoUrl', {}), { url: null }, 'nothing published yet');
    const refused = await app.raw('studentView.photoUrl', {}, app.newSession());
    assert.equal(refused.ok ? 'ok' : refused.error.code, 'FORBIDDEN', 'only a display asks');

    await app.call(s, 'studentView.publish', { phase: 'confirm', hint: null, allGood: false, camera: 'webcam', spec: null, captureId: shot.captureId, confirmed: false, orderId });
    const { url } = await app.call(display, 'studentView.photoUrl', {});
    assert.equal(url, `/media/student-photo/${shot.captureId}`);
    const photo = await fetch(at(url!), { headers: auth(displayKey) });
    assert.equal(photo.status, 200);
    assert.deepEqual(await sharp(Buffer.from(await photo.arrayBuffer())).metadata().then((m) => [m.width, m.height]), [480, 640]);
    // The photographer's URLs are not the display's, even for the same shot; its key opens no upload.
    assert.equal((await fetch(at(`/media/finished/${shot.captureId}`), { headers: auth(displayKey) })).status, 403);
    assert.equal((await upload(displayKey, portrait)).status, 403);
    // The photographer never asked for the student's URL: nothing there for them.
    assert.equal((await fetch(at(url!), { headers: auth(key) })).status, 404);
  });

  test('bounds: ids are parsed, bodies are bounded, a corrupt still or mask is refused bilingually', async () => {
    for (const p of ['/media/analysis/..%2f..%2fstation.sqlite', '/media/analysis/a%20b', `/media/analysis/${'x'.repeat(65)}`]) {
      const r = await fetch(at(p), { headers: auth(key) });
      assert.equal(r.status, 400, p);
      await bilingual(r);
    }
    assert.equal((await fetch(at('/media/secrets/abc'), { headers: auth(key) })).status, 404);
    assert.equal((await fetch(at('/media/analysis/a/b'), { headers: auth(key) })).status, 404);
    assert.equal((await upload(key, portrait, 'polaroid')).status, 400, 'camera kind parsed');
    assert.equal((await fetch(at(`/media/still/${orderId}`), { headers: auth(key) })).status, 405);

    const huge = Buffer.alloc(MAX_STILL_BYTES + 1, 0xff);
    const big = await upload(key, huge);
    assert.equal(big.status, 413);
    const e = await bilingual(big);
    assert.equal(e.code, 'FILE_TOO_LARGE');
    assert.match(e.zh, /21 MB/);

    const corrupt = await upload(key, Buffer.concat([portrait.subarray(0, 2), Buffer.from('not really a jpeg at all')]));
    assert.equal(corrupt.status, 400);
    const ce = await bilingual(corrupt);
    assert.match(ce.zh, /照片/);
    assert.match(ce.en, /photo/i);
    const noOrder = await fetch(at('/media/still/no-such-order'), { method: 'POST', headers: auth(key), body: new Uint8Array(portrait) });
    assert.equal(noOrder.status, 404);
    await bilingual(noOrder);

    const shot = (await (await upload(key, portrait)).json()) as { captureId: string };
    await app.call(s, 'capture.stillAnalysis', { captureId: shot.captureId });
    const badMask = await fetch(at(`/media/mask/${shot.captureId}`), { method: 'PUT', headers: auth(key), body: new Uint8Array(Buffer.from('PNG? no')) });
    assert.equal(badMask.status, 400);
    assert.match((await bilingual(badMask)).zh, /人像分割/);
    const bigMask = await fetch(at(`/media/mask/${shot.captureId}`), { method: 'PUT', headers: auth(key), body: new Uint8Array(MAX_MASK_BYTES + 1) });
    assert.equal(bigMask.status, 413);
  });
});
