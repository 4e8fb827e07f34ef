/**
 * finish.background with the kiosk's own engine (face landmarks and the selfie segmenter's mask from
 * Chromium) on the shared portraits, as the station finishes a shot. The synthetic set in
 * tests/integration/finishQuality.test.ts controls the mask; here the segmenter decides, so each
 * pasted object must be either gone from the finished photo or outlined by a failing check.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { PORTRAIT_DIR } from '../../bench/finish/portraitFixtures.js';
import { finishPhoto } from '../../src/main/imaging/finishPhoto.js';
import { decodeMaskPng } from '../../src/main/imaging/maskPng.js';
import { applyAffine, outputToOriginal } from '../../src/main/imaging/outputMapping.js';
import { loadSpecProfiles, requireSpecProfile } from '../../src/main/spec/specProfiles.js';
import { planCrop } from '../../src/shared/spec/cropPlan.js';
import { withFinishChecks } from '../../src/shared/vision/finishChecks.js';
import type { FaceGeometry } from '../../src/shared/vision/faceGeometry.js';
import { startCheckInChromium, type CheckInChromium } from '../helpers/checkInChromium.js';

const spec = requireSpecProfile(loadSpecProfiles(), 'xuexin');
const BG = spec.output.background;
const NAMES = ['portrait-a', 'portrait-b', 'portrait-c'] as const;

async function finishWithEngine(engine: CheckInChromium, bytes: Buffer) {
  const r = await engine.check(bytes, spec);
  assert.ok(r.face && r.maskPngBase64, 'the engine finds the face and gives a mask');
  const mask = await decodeMaskPng(Buffer.from(r.maskPngBase64, 'base64'));
  const finished = await finishPhoto({ original: bytes, face: r.face, mask, spec });
  const verdict = withFinishChecks(r.verdict, { background: finished.background }, spec);
  return { face: r.face, finished, check: verdict.checks.find((c) => c.id === 'finish.background')! };
}

describe('finish.background with the kiosk engine in Chromium', { timeout: 240_000 }, () => {
  let engine: CheckInChromium;
  before(async () => {
    engine = await startCheckInChromium();
  });
  after(async () => {
    await engine?.close();
  });

  test('the portraits as they are: no failure (the segmenter masks them cleanly)', async () => {
    for (const name of NAMES) {
      const { check } = await finishWithEngine(engine, readFileSync(join(PORTRAIT_DIR, `${name}.jpg`)));
      assert.notEqual(check.status, 'fail', `${name}: ${check.value} ${JSON.stringify(check.regions)}`);
    }
  });

  // Where the bar lies over the hair the segmenter takes it for the student (a hair clip would be the
  // same): that part is the student's business. Beyond 0.9 face widths from the eyes' centre, where
  // no head reaches, it must not show unless outlined.
  test('a bar pasted from the hair at the temple outwards is gone beside the head or outlined by a failure', async () => {
    for (const name of NAMES) {
      const src = readFileSync(join(PORTRAIT_DIR, `${name}.jpg`));
      const first = await engine.check(src, spec);
      const f = first.face as FaceGeometry;
      const cx = (f.leftEye.x + f.rightEye.x) / 2;
      const headH = f.chin.y - f.crown.y;
      const box = { left: Math.round(cx + 0.45 * f.faceWidth), top: Math.round(f.crown.y + 0.1 * headH), width: Math.round(0.75 * f.faceWidth), height: Math.round(0.15 * f.faceWidth) };
      box.width = Math.min(box.width, f.imageWidth - box.left);
      const bar = await sharp({ create: { width: box.width, height: box.height, channels: 3, background: { r: 95, g: 62, b: 30 } } }).png().toBuffer();
      const bytes = await sharp(src).composite([{ input: bar, left: box.left, top: box.top }]).jpeg({ quality: 95 }).toBuffer();
      const { face, finished, check } = await finishWithEngine(engine, bytes);
      const out = (await sharp(finished.jpeg).raw().toBuffer({ resolveWithObject: true })).data;
      const plan = planCrop(face, spec);
      const map = outputToOriginal(plan, face);
      const beside = 0.9 * plan.placed.faceWidth;
      // Output pixels over the bar, and how far they are from the spec colour on average.
      let n = 0;
      let off = 0;
      const over: { u: number; v: number }[] = [];
      for (let v = 0; v < spec.output.heightPx; v++) {
        for (let u = 0; u < spec.output.widthPx; u++) {
          const p = applyAffine(map, { x: u + 0.5, y: v + 0.5 });
          if (p.x < box.left || p.y < box.top || p.x >= box.left + box.width || p.y >= box.top + box.height) continue;
          if (Math.abs(u + 0.5 - plan.placed.eyeCentreX) < beside) continue;
          const i = (v * spec.output.widthPx + u) * 3;
          off += (Math.abs(out[i]! - BG[0]) + Math.abs(out[i + 1]! - BG[1]) + Math.abs(out[i + 2]! - BG[2])) / 3;
          n++;
          over.push({ u, v });
        }
      }
      assert.ok(n > 100, `${name}: the bar reaches beyond the head on the output (${n} px)`);
      const gone = off / n < 8;
      const outlined = check.status === 'fail' && (check.regions ?? []).some((g) => over.some(({ u, v }) => u >= g.x && u < g.x + g.width && v >= g.y && v < g.y + g.height));
      assert.ok(gone || outlined, `${name}: the bar shows (${(off / n).toFixed(1)} off the spec colour) and finish.background is ${check.status} (${check.value})`);
    }
  });
});
