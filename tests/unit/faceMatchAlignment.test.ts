import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alignmentResidual,
  applySimilarity,
  boxDownsample,
  chipTemplate,
  estimateSimilarity,
  fivePointList,
  fivePointsFrom68,
  invertSimilarity,
  similarityAngleDeg,
  similarityScale,
  warpToChip,
  yawIndex,
  type Pt,
} from '../../src/shared/faceMatch/alignment.js';

const close = (a: number, b: number, eps = 1e-6, msg?: string) => assert.ok(Math.abs(a - b) <= eps, msg ?? `${a} ≉ ${b}`);

test("the chip template is dlib's mean face with 25 % padding: eyes level and symmetric, mouth below the nose", () => {
  const t = chipTemplate();
  close(t.rightEye.y, t.leftEye.y);
  close(t.rightEye.x + t.leftEye.x, 2 * t.noseTip.x, 0.1, 'eyes symmetric about the nose (dlib\'s mean face is centred at 0.49)');
  close(t.leftEye.x - t.rightEye.x, 52.9, 0.1);
  assert.ok(t.noseTip.y > t.leftEye.y && t.mouthLeft.y > t.noseTip.y);
  close(t.mouthLeft.y, t.mouthRight.y);
});

test('a known rotation, scale and shift is recovered exactly from five points, and inverts', () => {
  const dst = fivePointList(chipTemplate());
  const truth = { a: 2.5 * Math.cos(0.3), b: 2.5 * Math.sin(0.3), tx: 40, ty: -12 };
  const src = dst.map((p) => applySimilarity(invertSimilarity(truth), p));
  const m = estimateSimilarity(src, dst);
  close(m.a, truth.a, 1e-9);
  close(m.b, truth.b, 1e-9);
  close(m.tx, truth.tx, 1e-7);
  close(m.ty, truth.ty, 1e-7);
  close(similarityScale(m), 2.5, 1e-9);
  close(similarityAngleDeg(m), (0.3 * 180) / Math.PI, 1e-7);
  close(alignmentResidual(m, src, dst), 0, 1e-7);
  const back = applySimilarity(invertSimilarity(m), applySimilarity(m, { x: 17, y: 5 }));
  close(back.x, 17, 1e-9);
  close(back.y, 5, 1e-9);
});

test('noisy landmarks give the least-squares fit: the residual is the noise, never zero, and the fit beats a perturbed one', () => {
  const dst = fivePointList(chipTemplate());
  const noise: Pt[] = [
    { x: 1, y: -1 },
    { x: -1, y: 0.5 },
    { x: 0.5, y: 1 },
    { x: -0.5, y: -1 },
    { x: 0, y: 0.5 },
  ];
  const src = dst.map((p, i) => ({ x: p.x * 2 + 100 + noise[i]!.x, y: p.y * 2 + 50 + noise[i]!.y }));
  const m = estimateSimilarity(src, dst);
  const r = alignmentResidual(m, src, dst);
  assert.ok(r > 0.1 && r < 1, `residual ${r}`);
  assert.ok(alignmentResidual({ ...m, tx: m.tx + 0.3 }, src, dst) > r);
  assert.ok(alignmentResidual({ ...m, a: m.a * 1.01 }, src, dst) > r);
});

test('the warp puts the five points where the template says: a picture with dots at the points yields dots at the template', () => {
  const width = 400;
  const height = 300;
  const data = new Uint8Array(width * height * 3);
  const template = fivePointList(chipTemplate());
  // A face twice chip size, turned 20°, somewhere in the picture.
  const toImage = { a: 2 * Math.cos(-0.35), b: 2 * Math.sin(-0.35), tx: 60, ty: 40 };
  const points = template.map((p) => applySimilarity(toImage, p));
  for (const p of points) {
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) data.fill(255, ((Math.round(p.y) + dy) * width + Math.round(p.x) + dx) * 3, ((Math.round(p.y) + dy) * width + Math.round(p.x) + dx) * 3 + 3);
  }
  const m = estimateSimilarity(points, template);
  const chip = warpToChip({ data, width, height }, m, 150);
  for (const t of template) {
    const v = chip[(Math.floor(t.y) * 150 + Math.floor(t.x)) * 3]!;
    assert.ok(v > 150, `bright at template point (${t.x.toFixed(1)}, ${t.y.toFixed(1)}): ${v}`);
  }
  // And dark half-way between the eyes.
  const mid = chip[(Math.floor(template[0]!.y) * 150 + 75) * 3]!;
  assert.ok(mid < 30, `dark between the eyes: ${mid}`);
});

test('outside the picture the warp repeats the edge pixel instead of inventing a frame', () => {
  const data = new Uint8Array(10 * 10 * 3).fill(77);
  const chip = warpToChip({ data, width: 10, height: 10 }, { a: 1, b: 0, tx: 100, ty: 100 }, 20);
  assert.ok(chip.every((v) => Math.abs(v - 77) < 1e-3));
});

test('68 landmarks reduce to eye centres (mean of six contour points), nose tip 30 and mouth corners 48 / 54', () => {
  const pts: Pt[] = Array.from({ length: 68 }, (_, i) => ({ x: i, y: 2 * i }));
  const f = fivePointsFrom68(pts);
  assert.deepEqual(f.rightEye, { x: 38.5, y: 77 });
  assert.deepEqual(f.leftEye, { x: 44.5, y: 89 });
  assert.deepEqual(f.noseTip, { x: 30, y: 60 });
  assert.deepEqual([f.mouthRight, f.mouthLeft], [
    { x: 48, y: 96 },
    { x: 54, y: 108 },
  ]);
  assert.throws(() => fivePointsFrom68(pts.slice(1)), /68/);
});

test('the yaw index is ~0 for the frontal template and grows as the nose moves sideways', () => {
  const t = chipTemplate();
  assert.ok(Math.abs(yawIndex(t)) < 0.01);
  const turned = { ...t, noseTip: { x: t.noseTip.x + 20, y: t.noseTip.y } };
  assert.ok(Math.abs(yawIndex(turned)) > 0.3);
  assert.ok(Math.sign(yawIndex(turned)) !== Math.sign(yawIndex({ ...t, noseTip: { x: t.noseTip.x - 20, y: t.noseTip.y } })));
});

test('box downsampling averages blocks', () => {
  const data = new Uint8Array([0, 0, 0, 100, 100, 100, 200, 200, 200, 100, 100, 100]);
  const out = boxDownsample({ data, width: 2, height: 2 }, 2);
  assert.deepEqual([out.width, out.height, ...out.data], [1, 1, 100, 100, 100]);
});
