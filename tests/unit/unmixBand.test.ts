import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxMean, halve, labelComponents, unmixBand } from '../../src/main/imaging/refineMatte.js';

/** The band unmixed the plain way: every window's box mean over the whole half-resolution picture. */
function reference(alpha: Float32Array, rgb: Float32Array, w: number, h: number): Float32Array {
  const n = w * h;
  const out = Float32Array.from(alpha);
  const isF = new Float32Array(n).map((_, i) => (alpha[i]! >= 0.97 ? 1 : 0));
  const isB = new Float32Array(n).map((_, i) => (alpha[i]! <= 0.03 ? 1 : 0));
  const prod = (on: Float32Array, c: number) => new Float32Array(n).map((_, i) => on[i]! * rgb[i * 3 + c]!);
  const maps = [isF, isB, prod(isF, 0), prod(isF, 1), prod(isF, 2), prod(isB, 0), prod(isB, 1), prod(isB, 2)].map((m) => halve(m, w, h));
  const w2 = maps[0]!.width;
  const done = new Uint8Array(n);
  for (const r of [10, 30]) {
    const [sF, sB, fR, fG, fB, bR, bG, bB] = maps.map((m) => boxMean(m.data, m.width, m.height, Math.max(1, Math.round(r / 2))));
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (done[i] || isF[i] || isB[i]) continue;
        const j = (y >> 1) * w2 + (x >> 1);
        const f = sF![j]!;
        const b = sB![j]!;
        if (f < 0.03 || b < 0.03) continue;
        done[i] = 1;
        const back = [bR![j]! / b, bG![j]! / b, bB![j]! / b];
        const d = [fR![j]! / f - back[0]!, fG![j]! / f - back[1]!, fB![j]! / f - back[2]!];
        const norm = d[0]! ** 2 + d[1]! ** 2 + d[2]! ** 2;
        if (norm < 900) continue;
        const dot = (rgb[i * 3]! - back[0]!) * d[0]! + (rgb[i * 3 + 1]! - back[1]!) * d[1]! + (rgb[i * 3 + 2]! - back[2]!) * d[2]!;
        out[i] = Math.min(1, Math.max(0, dot / norm));
      }
    }
  }
  return out;
}

/** A dark head with a sharp edge on a light wall, and a soft, noisy mask band round it that the colours contradict; odd sizes repeat the half-resolution edge. */
function scene(w: number, h: number, seed: number) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const alpha = new Float32Array(w * h);
  const rgb = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const d = Math.hypot((x - w / 2) / (w * 0.3), (y - h * 0.55) / (h * 0.35)) - 1;
      alpha[i] = Math.min(1, Math.max(0, 0.5 - d * 12 + (rand() - 0.5) * 0.2));
      const person = [60 + 20 * rand(), 45, 40];
      const wall = [215, 210 + 10 * rand(), 200];
      for (let c = 0; c < 3; c++) rgb[i * 3 + c] = d < 0 ? person[c]! : wall[c]!;
    }
  }
  return { alpha, rgb };
}

test('unmixBand from summed-area tables gives the box-filter opacities (to float rounding), borders and odd sizes included', () => {
  for (const [w, h, seed] of [[161, 203, 1], [480, 640, 2], [97, 61, 3]] as const) {
    const { alpha, rgb } = scene(w, h, seed);
    const want = reference(alpha, rgb, w, h);
    const got = unmixBand(alpha, rgb, w, h);
    let max = 0;
    let changed = 0;
    for (let i = 0; i < want.length; i++) {
      max = Math.max(max, Math.abs(want[i]! - got[i]!));
      if (Math.abs(want[i]! - alpha[i]!) > 0.05) changed++;
    }
    assert.ok(changed > 50, `${w}×${h}: the band is unmixed at all (${changed} pixels moved)`);
    assert.ok(max < 1e-4, `${w}×${h}: largest difference ${max}`);
  }
});

test('labelComponents labels 4-connected parts, a part touching the border and a one-pixel part included', () => {
  const w = 7;
  const rows = ['11..1..', '1..11..', '....1.1', '111....'];
  const on = Uint8Array.from(rows.join('').split('').map((c) => (c === '1' ? 1 : 0)));
  const { labels, sizes } = labelComponents(on, w, rows.length);
  assert.deepEqual(sizes.slice(1).sort(), [1, 3, 3, 4].sort());
  assert.equal(labels[0], labels[7], 'down from the corner');
  assert.notEqual(labels[0], labels[4]);
  assert.equal(labels[4], labels[11]);
  assert.equal(labels[7 * 2 + 6] !== labels[7 * 2 + 4], true, 'diagonal is not 4-connected');
});
