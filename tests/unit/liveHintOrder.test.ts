import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSpecProfiles, requireSpecProfile } from '../../src/main/spec/specProfiles.js';
import type { Limit } from '../../src/shared/spec/specProfile.js';
import { guideLive, guideTarget, type LiveMeasures } from '../../src/shared/vision/liveGuidance.js';
import { HINT_PRIORITY, orderedHints } from '../../src/renderer/vision/liveHintOrder.js';

const spec = requireSpecProfile(loadSpecProfiles(), 'xuexin');
const FRAME = { width: 1280, height: 720 };
const g = guideTarget(spec, FRAME);
const good = (l: Limit | undefined) => (!l ? 0 : l.kind === 'max' ? l.warn / 2 : l.warn * 1.5);
const bad = (l: Limit | undefined) => (!l ? 1 : l.kind === 'max' ? l.fail * 1.5 : l.fail / 2);

function student(o: { k?: number; dx?: number; measures?: Partial<LiveMeasures> }): LiveMeasures {
  const k = o.k ?? 1;
  const eyeMid = { x: g.centreX + (o.dx ?? 0), y: g.eyeY };
  return {
    frame: FRAME,
    faceCount: 1,
    face: { eyeMid, crown: { x: eyeMid.x, y: eyeMid.y - 170 * g.scale * k }, chin: { x: eyeMid.x, y: eyeMid.y + 160 * g.scale * k }, faceWidth: g.faceWidth * k, eyeLineDeg: 0 },
    pose: { roll: good(spec.limits['pose.roll']), yaw: good(spec.limits['pose.yaw']), pitch: good(spec.limits['pose.pitch']) },
    eyeOpenness: good(spec.limits['eyes.open']),
    mouthOpenness: good(spec.limits['mouth.closed']),
    lightImbalance: good(spec.limits['light.uniform']),
    exposure: good(spec.limits.exposure),
    exposureBias: 'dark',
    ...o.measures,
  };
}

test('a dark, tilted, small face is told to straighten up and find light before it is told to come closer (issue 15)', () => {
  const m = student({ k: 0.7, measures: { pose: { roll: 25, yaw: good(spec.limits['pose.yaw']), pitch: good(spec.limits['pose.pitch']) }, exposure: bad(spec.limits.exposure) } });
  const hints = orderedHints(guideLive(m, spec, null, 0).feedback).map((h) => h.id);
  assert.ok(hints.includes('head.size'), `hints: ${hints.join(', ')}`);
  assert.equal(hints[0], 'pose.roll');
  assert.ok(hints.indexOf('exposure') < hints.indexOf('head.size'), `hints: ${hints.join(', ')}`);
});

test('hints follow the priority list whatever the order the guidance found them in', () => {
  const m = student({ k: 0.7, dx: 200, measures: { mouthOpenness: bad(spec.limits['mouth.closed']), eyeOpenness: bad(spec.limits['eyes.open']) } });
  const hints = orderedHints(guideLive(m, spec, null, 0).feedback).map((h) => h.id);
  assert.ok(hints.length >= 3, `hints: ${hints.join(', ')}`);
  const ranks = hints.map((id) => HINT_PRIORITY.indexOf(id));
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  assert.equal(hints[0], 'eyes.open');
});

test('a frame where everything passes has no hints', () => {
  assert.deepEqual(orderedHints(guideLive(student({}), spec, null, 0).feedback), []);
});
