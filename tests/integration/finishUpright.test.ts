/**
 * Finishing from the analysis copy (decoded once, JPEG shrink-on-load) instead of decoding the
 * still again: the same finished photo within JPEG noise, on a 24 MP still and on the portraits, and
 * the still still decoded where the copy holds too few pixels.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { PORTRAIT_DIR, PORTRAIT_FACES, personShapeMask, scaleFace } from '../../bench/finish/portraitFixtures.js';
import { make24mp } from '../../bench/finish/still24mp.js';
import { finishPhoto } from '../../src/main/imaging/finishPhoto.js';
import { analysisCopy, analysisSize } from '../../src/main/imaging/stillToRgba.js';
import { SpecProfile } from '../../src/shared/spec/specProfile.js';

const spec = SpecProfile.parse(JSON.parse(readFileSync(new URL('../../resources/specs/xuexin.json', import.meta.url), 'utf8')));

async function meanAbsDiff(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([sharp(a).raw().toBuffer(), sharp(b).raw().toBuffer()]);
  let d = 0;
  for (let i = 0; i < x.length; i++) d += Math.abs(x[i]! - y[i]!);
  return d / x.length;
}

test('analysis size: a JPEG shrink factor where one keeps ≥ 1200 px, capped at the max side', () => {
  assert.deepEqual(analysisSize(6000, 4000, 1600), { width: 1500, height: 1000, scale: 0.25 });
  assert.equal(analysisSize(4000, 3000, 1600).width, 1600);
  assert.equal(analysisSize(1920, 1080, 1600).width, 1600);
  assert.equal(analysisSize(874, 1200, 1600).height, 1200);
});

test('a 24 MP still finished from its analysis copy matches the one finished from the still', async () => {
  const { jpeg, face } = await make24mp();
  const copy = await analysisCopy(jpeg, 1600);
  assert.deepEqual([copy.width, copy.height], [1500, 1000]);
  const mask = personShapeMask(face, 256);
  const fromStill = await finishPhoto({ original: jpeg, face, mask, spec });
  const fromCopy = await finishPhoto({ original: jpeg, face, mask, spec, upright: copy });
  assert.equal(fromStill.fromUpright, false);
  assert.equal(fromCopy.fromUpright, true);
  const d = await meanAbsDiff(fromStill.jpeg, fromCopy.jpeg);
  assert.ok(d < 2.5, `mean difference ${d.toFixed(2)} levels`);
  assert.ok(Math.abs(fromCopy.background!.value - fromStill.background!.value) < 0.001, `finish.background ${fromCopy.background!.value} vs ${fromStill.background!.value}`);
});

test('a copy with too few pixels for the output is not used (the still is decoded)', async () => {
  const original = readFileSync(join(PORTRAIT_DIR, 'portrait-b.jpg'));
  const face = PORTRAIT_FACES.b;
  const small = await sharp(original).resize(300).raw().toBuffer({ resolveWithObject: true });
  const r = await finishPhoto({ original, face, mask: null, spec, upright: { rgb: small.data, width: small.info.width, height: small.info.height } });
  assert.equal(r.fromUpright, false);
  // And a copy of another picture's proportions is never taken for this one.
  const other = await sharp(original).resize(1000, 600, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  const r2 = await finishPhoto({ original, face: scaleFace(face, 1), mask: null, spec, upright: { rgb: other.data, width: 1000, height: 600 } });
  assert.equal(r2.fromUpright, false);
});
