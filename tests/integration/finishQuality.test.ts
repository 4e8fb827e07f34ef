/**
 * The finished photo judged on itself (finish.background) and the edges and framing behind it, on the
 * generated set of tests/helpers/finishTestSet.ts (see there for each case and why). Expectations:
 * - clean stills: finish.background passes;
 * - an object attached to the head in the mask: finish.background fails, outlined where the object is;
 * - an object detached from the person: dropped by the matte refinement — the spec colour where it was;
 * - a bright patch at the hair under a soft mask band: unmixed away — the spec colour where it was,
 *   and finish.background does not fail;
 * - grey wall kept round the head by an over-grown mask: finish.background fails as a leftover;
 * - a tight, tilted still: no filler where the person would be unless face.in_frame fails, and then
 *   finish.background fails and outlines the filler ("move to the centre").
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import { finishPhoto, type FinishedPhoto } from '../../src/main/imaging/finishPhoto.js';
import { faceInImage, outputToOriginal, applyAffine } from '../../src/main/imaging/outputMapping.js';
import { readStill } from '../../src/main/imaging/readStill.js';
import { planCrop } from '../../src/shared/spec/cropPlan.js';
import { SpecProfile } from '../../src/shared/spec/specProfile.js';
import { withFinishChecks } from '../../src/shared/vision/finishChecks.js';
import type { Verdict } from '../../src/shared/vision/verdict.js';
import { finishTestSet, type FinishCase } from '../helpers/finishTestSet.js';

const spec = SpecProfile.parse(JSON.parse(readFileSync(new URL('../../resources/specs/xuexin.json', import.meta.url), 'utf8')));
const BG = spec.output.background;
const W = spec.output.widthPx;
const H = spec.output.heightPx;
const limit = spec.limits['finish.background']!;

interface Run {
  c: FinishCase;
  r: FinishedPhoto;
  out: Buffer;
  verdict: Verdict;
  /** Output pixel → still pixel (continuous). */
  toStill: (u: number, v: number) => { x: number; y: number };
  stillSize: { width: number; height: number };
}

let runs: Run[] = [];

before(async () => {
  const cases = await finishTestSet();
  runs = await Promise.all(
    cases.map(async (c) => {
      const r = await finishPhoto({ original: c.still, face: c.face, mask: c.mask, spec });
      const out = (await sharp(r.jpeg).raw().toBuffer({ resolveWithObject: true })).data;
      const info = await readStill(c.still);
      const face = faceInImage(c.face, info.width, info.height);
      const map = outputToOriginal(planCrop(face, spec), face);
      const empty: Verdict = { specId: spec.id, status: 'pass', checks: [] };
      return { c, r, out, verdict: withFinishChecks(empty, { background: r.background }, spec), toStill: (u, v) => applyAffine(map, { x: u + 0.5, y: v + 0.5 }), stillSize: info };
    }),
  );
});

const finishCheck = (run: Run) => run.verdict.checks.find((k) => k.id === 'finish.background')!;

/** Output pixels whose centre falls inside a box of the still. */
function pixelsOver(run: Run, box: { x: number; y: number; width: number; height: number }): number[] {
  const at: number[] = [];
  for (let v = 0; v < H; v++) {
    for (let u = 0; u < W; u++) {
      const p = run.toStill(u, v);
      if (p.x >= box.x && p.x < box.x + box.width && p.y >= box.y && p.y < box.y + box.height) at.push(v * W + u);
    }
  }
  return at;
}

/** Mean distance (RGB, per channel) of those output pixels from the spec colour. */
function offSpec(run: Run, pixels: number[]): number {
  let d = 0;
  for (const i of pixels) for (let c = 0; c < 3; c++) d += Math.abs(run.out[i * 3 + c]! - BG[c]!);
  return d / (3 * Math.max(1, pixels.length));
}

const byExpect = (e: FinishCase['expect']) => runs.filter((r) => r.c.expect === e);

describe('finish.background and the matte on the generated set', () => {
  test('clean stills pass, with nothing outlined', () => {
    const clean = runs.filter((r) => r.c.name.endsWith(': clean'));
    assert.equal(clean.length, 3);
    for (const run of clean) {
      const k = finishCheck(run);
      assert.equal(k.status, 'pass', `${run.c.name}: ${k.value}`);
      assert.equal(k.regions, undefined);
    }
  });

  test('an object attached to the head fails, outlined over the object, with the retake reason', () => {
    for (const run of byExpect('fail-leftover').filter((r) => r.c.object)) {
      const k = finishCheck(run);
      assert.equal(k.status, 'fail', `${run.c.name}: ${k.value} vs fail ${limit.fail}`);
      assert.match(k.zh, /离背景远一点/);
      const over = new Set(pixelsOver(run, run.c.object!));
      const hit = k.regions!.some((g) => {
        for (let v = g.y; v < g.y + g.height; v++) for (let u = g.x; u < g.x + g.width; u++) if (over.has(v * W + u)) return true;
        return false;
      });
      assert.ok(hit, `${run.c.name}: no outlined region over the object (${JSON.stringify(k.regions)})`);
    }
  });

  test('grey wall kept round the head by an over-grown mask fails as a leftover', () => {
    const ring = runs.filter((r) => r.c.name.includes('over-grown'));
    assert.equal(ring.length, 3);
    for (const run of ring) {
      const k = finishCheck(run);
      assert.equal(k.status, 'fail', `${run.c.name}: ${k.value}`);
      assert.ok(k.regions!.every((g) => g.kind === 'leftover'));
    }
  });

  test('an object detached from the person is dropped: the spec colour where it stood', () => {
    const detached = byExpect('clean-object');
    assert.equal(detached.length, 3);
    for (const run of detached) {
      const px = pixelsOver(run, run.c.object!);
      assert.ok(px.length > 200, `${run.c.name}: the object lands on the output (${px.length} px)`);
      const d = offSpec(run, px);
      assert.ok(d < 6, `${run.c.name}: the object's area is ${d.toFixed(1)} off the spec colour`);
      assert.notEqual(finishCheck(run).status, 'fail');
    }
  });

  test('a bright patch at the hair under a soft mask band is unmixed away, and does not fail', () => {
    const halo = runs.filter((r) => r.c.name.includes('bright patch'));
    assert.equal(halo.length, 3);
    for (const run of halo) {
      // The band of the mask outside the person: wall in the still, spec colour on the output.
      const band: number[] = [];
      const clean = runs.find((r) => r.c.portrait === run.c.portrait && r.c.name.endsWith(': clean'))!;
      for (let i = 0; i < W * H; i++) {
        // Where the clean run put the spec colour but the band's mask said "maybe person".
        const wasBg = Math.abs(clean.out[i * 3]! - BG[0]) + Math.abs(clean.out[i * 3 + 1]! - BG[1]) + Math.abs(clean.out[i * 3 + 2]! - BG[2]) < 6;
        const v = Math.floor(i / W);
        if (wasBg && v < 0.6 * H) band.push(i);
      }
      const d = offSpec(run, band);
      assert.ok(d < 2.5, `${run.c.name}: background above the shoulders is ${d.toFixed(2)} off the spec colour on average`);
      assert.notEqual(finishCheck(run).status, 'fail', `${run.c.name}: ${finishCheck(run).value}`);
    }
  });

  test('a tight, tilted still: no filler where the person would be unless face.in_frame fails, and then it is outlined', () => {
    const tight = byExpect('no-filler-unless-out-of-frame');
    assert.equal(tight.length, 3);
    let outOfFrame = 0;
    for (const run of tight) {
      const o = run.r.plan.overflow;
      const inFrame = Math.max(o.bottom, o.left, o.right);
      // Output pixels below the eyes that the still does not reach, where the person's mask (edge
      // carried outwards) says person: the wedge of filler cutting the suit.
      let wedge = 0;
      const { width, height } = run.stillSize;
      const m = run.c.mask;
      for (let v = Math.ceil(run.r.plan.placed.eyesFromTop); v < H; v++) {
        for (let u = 0; u < W; u++) {
          const p = run.toStill(u, v);
          if (p.x >= 0 && p.y >= 0 && p.x < width && p.y < height) continue;
          const mx = Math.min(m.width - 1, Math.max(0, Math.floor((p.x / width) * m.width)));
          const my = Math.min(m.height - 1, Math.max(0, Math.floor((p.y / height) * m.height)));
          if (m.data[my * m.width + mx]! > 128) wedge++;
        }
      }
      if (inFrame > (spec.limits['face.in_frame'].kind === 'max' ? spec.limits['face.in_frame'].fail : 0)) {
        outOfFrame++;
        const k = finishCheck(run);
        assert.equal(k.status, 'fail', `${run.c.name}: filler should fail finish.background`);
        assert.ok(k.regions!.some((g) => g.kind === 'uncovered'));
        assert.match(k.zh, /中央/);
      } else {
        assert.equal(wedge, 0, `${run.c.name}: ${wedge} px of filler where the person would be, yet face.in_frame ${inFrame.toFixed(3)} passes`);
      }
    }
    assert.ok(outOfFrame < tight.length, 'at least one tight still is framed inside the picture');
  });
});
