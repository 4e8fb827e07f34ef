import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { PORTRAIT_DIR, PORTRAIT_FACES, scaleFace } from '../../bench/finish/portraitFixtures.js';
import type { Session } from '../../src/main/services/AppContext.js';
import type { WebShell } from '../../src/main/web/webShell.js';
import type { FaceGeometry } from '../../src/shared/vision/faceGeometry.js';
import { handVerdict } from '../helpers/stationCapture.js';
import { startMediaShell, type MediaShell } from '../helpers/mediaShell.js';
import type { tempApp } from '../helpers/tempApp.js';

/**
 * capture.prepareFinish (issue 18's overlap): the photo is finished from the face and the mask while
 * the renderer's checks run, and capture.finishShot then records that very photo — only for the same
 * face, never for another one, and never for a shot already finished.
 */
describe('a finish prepared ahead of the verdict', () => {
  let app: Awaited<ReturnType<typeof tempApp>>;
  let shell: WebShell;
  let s: Session;
  let key: string;
  let orderId: string;
  const portrait = readFileSync(join(PORTRAIT_DIR, 'portrait-a.jpg'));
  const at = (path: string) => new URL(path, shell.url).toString();
  const auth = { get Authorization() { return `Bearer ${key}`; } };

  /** A shot stored and its analysis copy fetched, as the renderer does; its face in the copy's pixels. */
  async function shot(): Promise<{ captureId: string; face: FaceGeometry; maskPng: Buffer }> {
    const up = await fetch(at(`/media/still/${orderId}?camera=uvc`), { method: 'POST', headers: { Authorization: auth.Authorization, 'Content-Type': 'image/jpeg' }, body: new Uint8Array(portrait) });
    const { captureId } = (await up.json()) as { captureId: string };
    const a = await app.call(s, 'capture.stillAnalysis', { captureId });
    await (await fetch(at(a.url), { headers: { Authorization: auth.Authorization } })).arrayBuffer();
    const w = 256;
    const h = Math.round((256 * a.height) / a.width);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="black"/><ellipse cx="${w / 2}" cy="${h * 0.55}" rx="${w * 0.4}" ry="${h * 0.5}" fill="white"/></svg>`;
    return { captureId, face: scaleFace(PORTRAIT_FACES.a, a.scale, 0, 0, a.width, a.height), maskPng: await sharp(Buffer.from(svg)).greyscale().png().toBuffer() };
  }
  async function putMask(captureId: string, png: Buffer): Promise<void> {
    const put = await fetch(at(`/media/mask/${captureId}`), { method: 'PUT', headers: { Authorization: auth.Authorization, 'Content-Type': 'image/png' }, body: new Uint8Array(png) });
    assert.equal(put.status, 204);
  }
  async function photo(url: string | null): Promise<Buffer> {
    assert.ok(url);
    return Buffer.from(await (await fetch(at(url), { headers: { Authorization: auth.Authorization } })).arrayBuffer());
  }

  let rig: MediaShell;
  before(async () => {
    rig = await startMediaShell();
    ({ app, shell, s, key, orderId } = rig);
  });
  after(() => rig.close());

  test('the prepared photo is the one finishShot records, the same as finishing after the verdict', async () => {
    const plain = await shot();
    await putMask(plain.captureId, plain.maskPng);
    const expected = await app.call(s, 'capture.finishShot', { captureId: plain.captureId, face: plain.face, mask: true, verdict: handVerdict() });

    const early = await shot();
    await putMask(early.captureId, early.maskPng);
    assert.deepEqual(await app.call(s, 'capture.prepareFinish', { captureId: early.captureId, face: early.face, mask: true }), { ok: true });
    // No mask uploaded now: finishShot can only finish this shot from the prepared photo.
    const finished = await app.call(s, 'capture.finishShot', { captureId: early.captureId, face: early.face, mask: true, verdict: handVerdict(['mouth.closed']) });
    assert.deepEqual(await photo(finished.finishedUrl), await photo(expected.finishedUrl), 'byte for byte the photo the plain path makes');
    assert.equal(finished.bytes, expected.bytes);
    assert.equal(finished.verdict.status, 'fail', 'the verdict is the one given at finishShot');
    const row = app.ctx.db.prepare('SELECT finished_path, face FROM captures WHERE id = ?').get(early.captureId) as { finished_path: string; face: string };
    assert.deepEqual(readFileSync(row.finished_path), await photo(finished.finishedUrl), 'the recorded file is the photo shown');
    assert.deepEqual(JSON.parse(row.face), early.face);
  });

  test('a verdict for another face does not take the photo prepared for this one', async () => {
    const { captureId, face, maskPng } = await shot();
    await putMask(captureId, maskPng);
    await app.call(s, 'capture.prepareFinish', { captureId, face, mask: true });
    const moved: FaceGeometry = { ...face, leftEye: { x: face.leftEye.x + 4, y: face.leftEye.y }, rightEye: { x: face.rightEye.x + 4, y: face.rightEye.y } };
    const refused = await app.raw('capture.finishShot', { captureId, face: moved, mask: true, verdict: handVerdict() }, s);
    assert.ok(!refused.ok && refused.error.code === 'BAD_INPUT', 'the mask went to the prepared finish; none is left for another face');
    // With the mask uploaded again it is finished afresh, for the face given.
    await putMask(captureId, maskPng);
    const fresh = await app.call(s, 'capture.finishShot', { captureId, face: moved, mask: true, verdict: handVerdict() });
    const row = app.ctx.db.prepare('SELECT face, finished_path FROM captures WHERE id = ?').get(captureId) as { face: string; finished_path: string };
    assert.deepEqual(JSON.parse(row.face), moved);
    assert.ok(fresh.finishedUrl);
    // The photo prepared for the first face was written ahead; nothing points at it, so it is gone.
    let finishedFiles: string[] = [];
    for (let i = 0; i < 50; i++) {
      finishedFiles = readdirSync(dirname(row.finished_path)).filter((f) => f.startsWith(`${captureId}-finished-`));
      if (finishedFiles.length === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(finishedFiles, [basename(row.finished_path)]);
  });

  test('a shot already finished is not prepared again, and a mask claimed but not uploaded is refused', async () => {
    const { captureId, face, maskPng } = await shot();
    await putMask(captureId, maskPng);
    await app.call(s, 'capture.finishShot', { captureId, face, mask: true, verdict: handVerdict() });
    const again = await app.raw('capture.prepareFinish', { captureId, face, mask: false }, s);
    assert.ok(!again.ok && again.error.code === 'CONFLICT' && /已处理过/.test(again.error.zh));
    const other = await shot();
    const noMask = await app.raw('capture.prepareFinish', { captureId: other.captureId, face: other.face, mask: true }, s);
    assert.ok(!noMask.ok && noMask.error.code === 'BAD_INPUT' && /人像分割/.test(noMask.error.zh));
  });
});
