import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSpecProfiles, requireSpecProfile } from '../../src/main/spec/specProfiles.js';
import { planCrop } from '../../src/shared/spec/cropPlan.js';
import type { FaceGeometry } from '../../src/shared/vision/faceGeometry.js';

const profiles = loadSpecProfiles();
const xuexin = requireSpecProfile(profiles, 'xuexin');

/** A frontal face in a 1200×1600 still: eyes 140 px apart, face 220 px wide, crown 230 px above the eyes. */
function face(over: Partial<FaceGeometry> = {}): FaceGeometry {
  return {
    imageWidth: 1200,
    imageHeight: 1600,
    rightEye: { x: 530, y: 700 },
    leftEye: { x: 670, y: 700 },
    noseTip: { x: 600, y: 790 },
    mouthRight: { x: 550, y: 880 },
    mouthLeft: { x: 650, y: 880 },
    chin: { x: 600, y: 990 },
    crown: { x: 600, y: 470 },
    faceWidth: 220,
    ...over,
  };
}

const within = (v: number, [lo, hi]: readonly [number, number]) => v >= lo - 1e-9 && v <= hi + 1e-9;

test('every built-in spec profile parses, and the 学信网 one is the 480×640 blue at 300 dpi', () => {
  assert.deepEqual([...profiles.keys()].sort(), ['print-1cun', 'print-2cun', 'xuexin', 'xuexin-white']);
  assert.deepEqual([xuexin.output.widthPx, xuexin.output.heightPx, xuexin.output.dpi, xuexin.output.background], [480, 640, 300, [100, 197, 255]]);
});

test('a frontal face lands inside every head-geometry range of every profile, centred', () => {
  for (const spec of profiles.values()) {
    const plan = planCrop(face(), spec);
    const g = spec.geometry;
    assert.ok(within(plan.placed.eyesFromTop, g.eyesFromTopPx), `${spec.id} eyes ${plan.placed.eyesFromTop}`);
    assert.ok(within(plan.placed.crownFromTop, g.crownFromTopPx), `${spec.id} crown ${plan.placed.crownFromTop}`);
    assert.ok(within(plan.placed.faceWidth, g.faceWidthPx), `${spec.id} face ${plan.placed.faceWidth}`);
    assert.equal(plan.placed.eyeCentreX, spec.output.widthPx / 2);
    assert.ok(Math.abs(plan.width / plan.height - spec.output.widthPx / spec.output.heightPx) < 1e-9);
    assert.deepEqual(plan.overflow, { top: 0, bottom: 0, left: 0, right: 0 });
  }
});

test('a tilted head is levelled about the eye midpoint', () => {
  const plan = planCrop(face({ rightEye: { x: 530, y: 694 }, leftEye: { x: 670, y: 706 } }), xuexin);
  assert.ok(Math.abs(plan.rotateDeg + (Math.atan2(12, 140) * 180) / Math.PI) < 1e-9);
});

test('a far-away face needs upscaling (scale > 1) and a face at the bottom edge overflows', () => {
  const small = planCrop(face({ faceWidth: 90, crown: { x: 600, y: 610 }, rightEye: { x: 570, y: 700 }, leftEye: { x: 630, y: 700 } }), xuexin);
  assert.ok(small.scale > 1, `scale ${small.scale}`);
  const low = planCrop(face({ rightEye: { x: 530, y: 1450 }, leftEye: { x: 670, y: 1450 }, crown: { x: 600, y: 1220 } }), xuexin);
  assert.ok(low.overflow.bottom > 0.2, `bottom ${low.overflow.bottom}`);
});
