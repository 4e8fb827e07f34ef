/**
 * The finishing pipeline on real portraits and on hostile files. Face geometry and masks here are
 * fixtures (bench/finish/portraitFixtures.ts): measured by hand, and an ellipse-and-shoulders shape.
 * Where exact positions matter, the test paints its own markers at the eye positions it hands in.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { PORTRAIT_DIR, PORTRAIT_FACES, personShapeMask, scaleFace, type PortraitId } from '../../bench/finish/portraitFixtures.js';
import { finishPhoto, type FinishedPhoto } from '../../src/main/imaging/finishPhoto.js';
import type { PersonMask } from '../../src/main/imaging/maskToAlpha.js';
import { readStill, type StillConversion } from '../../src/main/imaging/readStill.js';
import { stillForAnalysis, stillToRgba } from '../../src/main/imaging/stillToRgba.js';
import { AppError } from '../../src/shared/errors.js';
import { SpecProfile } from '../../src/shared/spec/specProfile.js';
import type { FaceGeometry, Point } from '../../src/shared/vision/faceGeometry.js';
import { pngClaiming } from '../helpers/pngClaiming.js';

const spec = SpecProfile.parse(JSON.parse(readFileSync(new URL('../../resources/specs/xuexin.json', import.meta.url), 'utf8')));
const BG = spec.output.background;
const portrait = (id: PortraitId) => readFileSync(join(PORTRAIT_DIR, `portrait-${id}.jpg`));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Rgb {
  data: Buffer;
  width: number;
  height: number;
}

async function decode(jpeg: Buffer): Promise<Rgb> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  return { data, width: info.width, height: info.height };
}

function meanPatch(img: Rgb, x: number, y: number, w: number, h: number): [number, number, number] {
  const sum = [0, 0, 0];
  for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) for (let c = 0; c < 3; c++) sum[c]! += img.data[(j * img.width + i) * 3 + c]!;
  return sum.map((s) => s / (w * h)) as [number, number, number];
}

function meanAbsDiff(a: Rgb, b: Rgb): number {
  let d = 0;
  for (let i = 0; i < a.data.length; i++) d += Math.abs(a.data[i]! - b.data[i]!);
  return d / a.data.length;
}

/** What every finished file must be, read back from the bytes. */
async function assertSpecJpeg(r: FinishedPhoto): Promise<void> {
  const meta = await sharp(r.jpeg).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(meta.width, spec.output.widthPx);
  assert.equal(meta.height, spec.output.heightPx);
  assert.equal(meta.density, spec.output.dpi);
  assert.equal(meta.resolutionUnit, 'inch');
  assert.equal(meta.exif, undefined, 'no EXIF block');
  assert.equal(meta.space, 'srgb');
  assert.equal(meta.channels, 3);
  assert.equal(meta.depth, 'uchar');
  assert.equal(r.jpeg.indexOf('Exif\0'), -1, 'no EXIF bytes anywhere');
  assert.equal(r.bytes, r.jpeg.length);
  assert.ok(r.quality >= spec.output.jpeg.minQuality, `quality ${r.quality}`);
  assert.ok(r.bytes >= spec.output.jpeg.minBytes && r.bytes <= spec.output.jpeg.maxBytes, `${r.bytes} bytes`);
  assert.equal(r.withinBounds, true);
}

function assertNear(actual: readonly number[], expected: readonly number[], tolerance: number, what: string): void {
  for (let c = 0; c < expected.length; c++) assert.ok(Math.abs(actual[c]! - expected[c]!) <= tolerance, `${what}: ${actual.map((v) => v.toFixed(1))} vs ${expected}`);
}

/** Paints pure-green discs on raw RGB at continuous positions (pixel i's centre is i + 0.5). */
function paintMarkers(img: Rgb, points: Point[], radius: number): void {
  for (const p of points) {
    for (let y = Math.floor(p.y - radius - 1); y <= p.y + radius + 1; y++) {
      for (let x = Math.floor(p.x - radius - 1); x <= p.x + radius + 1; x++) {
        if ((x + 0.5 - p.x) ** 2 + (y + 0.5 - p.y) ** 2 > radius * radius) continue;
        const i = (y * img.width + x) * 3;
        img.data[i] = 0;
        img.data[i + 1] = 255;
        img.data[i + 2] = 0;
      }
    }
  }
}

/** Centroids of the green marker pixels on the picture's left and right halves. */
function findMarkers(img: Rgb): { left: Point; right: Point } {
  const acc = { left: { x: 0, y: 0, n: 0 }, right: { x: 0, y: 0, n: 0 } };
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 3;
      const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
      if (!(g > 150 && g - Math.max(r, b) > 90)) continue;
      const side = x < img.width / 2 ? acc.left : acc.right;
      side.x += x + 0.5;
      side.y += y + 0.5;
      side.n++;
    }
  }
  assert.ok(acc.left.n > 3 && acc.right.n > 3, `markers found: ${acc.left.n}, ${acc.right.n}`);
  return { left: { x: acc.left.x / acc.left.n, y: acc.left.y / acc.left.n }, right: { x: acc.right.x / acc.right.n, y: acc.right.y / acc.right.n } };
}

/** The eyes must land where the plan says, level, and as far apart as the scale says. */
function assertEyesPlaced(out: Rgb, r: FinishedPhoto, face: FaceGeometry, what: string): string {
  const { left, right } = findMarkers(out);
  const mid = { x: (left.x + right.x) / 2, y: (left.y + right.y) / 2 };
  assert.ok(Math.abs(mid.x - r.plan.placed.eyeCentreX) <= 2, `${what}: eye midpoint x ${mid.x.toFixed(2)} vs ${r.plan.placed.eyeCentreX}`);
  assert.ok(Math.abs(mid.y - r.plan.placed.eyesFromTop) <= 2, `${what}: eye midpoint y ${mid.y.toFixed(2)} vs ${r.plan.placed.eyesFromTop.toFixed(2)}`);
  assert.ok(Math.abs(left.y - right.y) <= 1, `${what}: eyes level (${left.y.toFixed(2)} vs ${right.y.toFixed(2)})`);
  const apart = Math.hypot(face.leftEye.x - face.rightEye.x, face.leftEye.y - face.rightEye.y) * r.plan.scale;
  assert.ok(Math.abs(right.x - left.x - apart) <= 2, `${what}: eyes ${(right.x - left.x).toFixed(2)} apart, expected ${apart.toFixed(2)}`);
  return `${what}: eye midpoint off by (${(mid.x - r.plan.placed.eyeCentreX).toFixed(2)}, ${(mid.y - r.plan.placed.eyesFromTop).toFixed(2)}) px, eyes ${(left.y - right.y).toFixed(2)} px from level`;
}

async function rawOf(input: Buffer | Sharp): Promise<Rgb> {
  const { data, info } = await (Buffer.isBuffer(input) ? sharp(input) : input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const fromRaw = (img: Rgb) => sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });

/** Rejects with an AppError of one of these codes, carrying a Chinese and an English message. */
async function assertAppError(promise: Promise<unknown>, codes: string[]): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    assert.ok(codes.includes(err.code), `${err.code}: ${err.en}`);
    assert.match(err.zh, /[\u4e00-\u9fff]/, 'a Chinese message');
    assert.match(err.en, /[a-z]{3}/i, 'an English message');
    assert.notEqual(err.zh, err.en);
    return err;
  }
  assert.fail(`expected ${codes.join(' or ')}, but it resolved`);
}

describe('finishPhoto on the test portraits', () => {
  const results = new Map<PortraitId, FinishedPhoto>();

  for (const id of ['a', 'b', 'c'] as const) {
    test(`portrait-${id} with a mask: spec JPEG, spec-blue top corners, head in the spec ranges, original untouched`, async (t) => {
      const original = portrait(id);
      const before = sha(original);
      const face = PORTRAIT_FACES[id];
      const r = await finishPhoto({ original, face, mask: personShapeMask(face, 256), spec });
      results.set(id, r);
      assert.equal(sha(original), before, 'the original bytes are untouched');
      await assertSpecJpeg(r);
      assert.equal(r.backgroundReplaced, true);
      const out = await decode(r.jpeg);
      assertNear(meanPatch(out, 4, 4, 16, 16), BG, 6, 'top-left corner');
      assertNear(meanPatch(out, out.width - 20, 4, 16, 16), BG, 6, 'top-right corner');
      const g = spec.geometry;
      const { placed } = r.plan;
      assert.ok(placed.eyesFromTop >= g.eyesFromTopPx[0] && placed.eyesFromTop <= g.eyesFromTopPx[1], `eyes at ${placed.eyesFromTop}`);
      assert.ok(placed.crownFromTop >= g.crownFromTopPx[0] - 1e-9 && placed.crownFromTop <= g.crownFromTopPx[1] + 1e-9, `crown at ${placed.crownFromTop}`);
      for (const gain of [r.correction.exposure, ...r.correction.whiteBalance]) assert.ok(gain >= 0.94 && gain <= 1.12, `gentle gain ${gain}`);
      t.diagnostic(`portrait-${id}: quality ${r.quality}, ${r.bytes} bytes, rotate ${r.plan.rotateDeg.toFixed(2)}°, scale ${r.plan.scale.toFixed(3)}, exposure ×${r.correction.exposure.toFixed(3)}`);
    });
  }

  test('without a mask the original background stays; only the area past the photo’s edge is spec blue', async () => {
    const r = await finishPhoto({ original: portrait('a'), face: PORTRAIT_FACES.a, mask: null, spec });
    await assertSpecJpeg(r);
    assert.equal(r.backgroundReplaced, false);
    const out = await decode(r.jpeg);
    // portrait-a's hair reaches the top of the frame: the crown lands at 80 px only with blue above.
    assert.ok(r.plan.overflow.top > 0.05);
    assertNear(meanPatch(out, 200, 4, 80, 10), BG, 6, 'past the top edge');
    const wall = meanPatch(out, 4, 300, 12, 40);
    assert.ok(wall.every((v) => v > 200), `the white wall is kept: ${wall}`);
  });

  test('the result is deterministic: same input, same bytes', async () => {
    const again = await finishPhoto({ original: portrait('b'), face: PORTRAIT_FACES.b, mask: personShapeMask(PORTRAIT_FACES.b, 256), spec });
    const first = results.get('b');
    assert.ok(first);
    assert.ok(again.jpeg.equals(first.jpeg));
  });
});

describe('geometry: the eyes land where the plan says', () => {
  // portrait-c's head rolls ≈ 4.6°, so the levelling rotation is exercised.
  const face = PORTRAIT_FACES.c;
  let marked: Rgb;
  before(async () => {
    marked = await rawOf(portrait('c'));
    paintMarkers(marked, [face.leftEye, face.rightEye], 3);
  });

  test('native size (1480×832, output scale ≈ 0.67)', async (t) => {
    const still = await fromRaw(marked).jpeg({ quality: 98, chromaSubsampling: '4:4:4' }).toBuffer();
    const r = await finishPhoto({ original: still, face, mask: null, spec });
    assert.ok(Math.abs(r.plan.rotateDeg - 4.65) < 0.1, `rotate ${r.plan.rotateDeg}`);
    t.diagnostic(assertEyesPlaced(await decode(r.jpeg), r, face, 'native'));
  });

  test('4× upscaled (5920×3328, JPEG shrink-on-load at work)', async (t) => {
    const big = await rawOf(fromRaw(await rawOf(portrait('c'))).resize(5920, 3328, { kernel: 'lanczos3' }));
    const bigFace = scaleFace(face, 4);
    paintMarkers(big, [bigFace.leftEye, bigFace.rightEye], 12);
    const still = await fromRaw(big).jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer();
    const r = await finishPhoto({ original: still, face: bigFace, mask: null, spec });
    t.diagnostic(assertEyesPlaced(await decode(r.jpeg), r, bigFace, '4×'));
  });

  test('all eight EXIF orientations (lossless PNG) put the eyes in the same place', async (t) => {
    const half = await rawOf(fromRaw(await rawOf(portrait('c'))).resize(740, 416, { kernel: 'lanczos3' }));
    const halfFace = scaleFace(face, 0.5);
    paintMarkers(half, [halfFace.leftEye, halfFace.rightEye], 2);
    // The stored pixels for each orientation, checked against libvips' own reading of them below.
    const storedFor: Record<number, (s: Sharp) => Sharp> = {
      1: (s) => s,
      2: (s) => s.flop(),
      3: (s) => s.rotate(180),
      4: (s) => s.flip(),
      5: (s) => s.rotate(270).flop(),
      6: (s) => s.rotate(270),
      7: (s) => s.rotate(90).flop(),
      8: (s) => s.rotate(90),
    };
    let upright: Rgb | null = null;
    for (let o = 1; o <= 8; o++) {
      const stored = await rawOf(storedFor[o]!(fromRaw(half)));
      const png = await fromRaw(stored).withMetadata({ orientation: o }).withIccProfile('srgb', { attach: false }).png().toBuffer();
      assert.ok((await rawOf(sharp(png, { autoOrient: true }))).data.equals(half.data), `fixture for orientation ${o}`);
      const info = await readStill(png);
      assert.deepEqual([info.width, info.height, info.exifOrientation], [740, 416, o]);
      const r = await finishPhoto({ original: png, face: halfFace, mask: null, spec });
      const out = await decode(r.jpeg);
      const placed = assertEyesPlaced(out, r, halfFace, `orientation ${o}`);
      if (o === 1) t.diagnostic(placed);
      if (!upright) upright = out;
      else {
        const diff = meanAbsDiff(out, upright);
        t.diagnostic(`orientation ${o}: mean difference from upright ${diff.toFixed(3)}`);
        assert.ok(diff < 0.5, `orientation ${o} differs from upright by ${diff.toFixed(2)}`);
      }
    }
  });

  test('a camera JPEG stored sideways with EXIF orientation 6 gives the upright photo', async (t) => {
    const face6 = PORTRAIT_FACES.a;
    const upright = await sharp(portrait('a')).jpeg({ quality: 95 }).toBuffer();
    const sideways = await sharp(portrait('a')).rotate(270).withMetadata({ orientation: 6 }).withIccProfile('srgb', { attach: false }).jpeg({ quality: 95 }).toBuffer();
    const info = await readStill(sideways);
    assert.deepEqual([info.width, info.height, info.storedWidth, info.storedHeight, info.exifOrientation, info.orientationApplied], [874, 1200, 1200, 874, 6, true]);
    const mask = personShapeMask(face6, 256);
    const a = await finishPhoto({ original: upright, face: face6, mask, spec });
    const b = await finishPhoto({ original: sideways, face: face6, mask, spec });
    const diff = meanAbsDiff(await decode(a.jpeg), await decode(b.jpeg));
    t.diagnostic(`mean difference from the upright still ${diff.toFixed(3)}`);
    assert.ok(diff < 2, `mean difference ${diff.toFixed(2)}`);
  });

  test('a face measured on the analysis copy gives the same photo', async () => {
    const analysis = await stillForAnalysis(portrait('b'), 640);
    assert.deepEqual([analysis.width, analysis.height], [640, 640]);
    assert.equal((await sharp(analysis.jpeg).metadata()).format, 'jpeg');
    const rgba = await stillToRgba(portrait('b'), 640);
    assert.equal(rgba.data.length, 640 * 640 * 4);
    assert.equal(rgba.data[3], 255);
    const small = scaleFace(PORTRAIT_FACES.b, analysis.scale);
    const mask = personShapeMask(PORTRAIT_FACES.b, 256);
    const a = await finishPhoto({ original: portrait('b'), face: PORTRAIT_FACES.b, mask, spec });
    const b = await finishPhoto({ original: portrait('b'), face: small, mask, spec });
    for (const k of ['eyesFromTop', 'crownFromTop', 'faceWidth', 'eyeCentreX'] as const) assert.ok(Math.abs(a.plan.placed[k] - b.plan.placed[k]) < 1e-6, k);
    assert.ok(meanAbsDiff(await decode(a.jpeg), await decode(b.jpeg)) < 0.5);
  });
});

describe('background, correction and size bounds', () => {
  // A flat red "photo" 960×1280 whose fixture face maps 1:1 onto the output, 240 px left of it.
  const FLAT = [200, 60, 60] as const;
  const flatFace: FaceGeometry = {
    imageWidth: 960,
    imageHeight: 1280,
    rightEye: { x: 420, y: 500 },
    leftEye: { x: 540, y: 500 },
    noseTip: { x: 480, y: 600 },
    mouthRight: { x: 440, y: 680 },
    mouthLeft: { x: 520, y: 680 },
    chin: { x: 480, y: 760 },
    crown: { x: 480, y: 260 },
    faceWidth: 240,
  };
  let flat: Buffer;
  before(async () => {
    flat = await sharp({ create: { width: 960, height: 1280, channels: 3, background: { r: FLAT[0], g: FLAT[1], b: FLAT[2] } } }).png().toBuffer();
  });

  test('a hard mask step becomes a short soft edge, and a 40 % (hair-like) probability is kept', async (t) => {
    // Quarter-resolution mask, as a segmenter gives: person left of x = 480; below y = 640 the
    // person side is only 40 % sure (what wisps of hair look like).
    const mask: PersonMask = { width: 240, height: 320, data: new Uint8Array(240 * 320) };
    for (let y = 0; y < 320; y++) for (let x = 0; x < 120; x++) mask.data[y * 240 + x] = y < 160 ? 255 : 102;
    const r = await finishPhoto({ original: flat, face: flatFace, mask, spec });
    assert.equal(r.plan.scale, 1);
    assert.equal(r.plan.left, 240);
    const out = await decode(r.jpeg);
    const at = (u: number, v: number) => [...out.data.subarray((v * out.width + u) * 3, (v * out.width + u) * 3 + 3)];
    const person = at(100, 300);
    assert.ok(person[0]! > 180 && person[2]! < 90, `person side is the photo: ${person}`);
    assertNear(at(400, 300), BG, 6, 'background side');
    // Along the row, fraction of the way from background to person.
    const towardPerson = (u: number, v: number) => {
      const p = at(u, v);
      return [0, 1, 2].reduce((s, c) => s + (p[c]! - BG[c]!) * (person[c]! - BG[c]!), 0) / [0, 1, 2].reduce((s, c) => s + (person[c]! - BG[c]!) ** 2, 0);
    };
    const soft = Array.from({ length: 60 }, (_, i) => towardPerson(210 + i, 300)).filter((f) => f > 0.1 && f < 0.9).length;
    assert.ok(soft >= 2 && soft <= 10, `${soft} edge pixels between photo and background`);
    const hair = towardPerson(100, 540);
    t.diagnostic(`${soft} soft edge pixels; a 40 % pixel keeps ${(hair * 100).toFixed(0)} % of the photo`);
    assert.ok(hair > 0.5 && hair < 0.95, `40 % probability keeps the pixel mostly: ${hair.toFixed(2)}`);
  });

  test('correction is gentle: a dark, yellow-cast still is lifted a little, never normalised', async () => {
    const face = PORTRAIT_FACES.b;
    const mask = personShapeMask(face, 256);
    const dark = await sharp(portrait('b')).linear([0.7, 0.7, 0.56], [0, 0, 0]).jpeg({ quality: 95 }).toBuffer();
    const normal = await finishPhoto({ original: portrait('b'), face, mask, spec });
    const r = await finishPhoto({ original: dark, face, mask, spec });
    assert.ok(r.correction.exposure > 1 && r.correction.exposure <= 1.12, `exposure ${r.correction.exposure}`);
    for (const g of r.correction.whiteBalance) assert.ok(g >= 0.94 && g <= 1.06, `white balance gain ${g}`);
    // The face (between the eyes and the chin) in both outputs.
    const faceBox = (img: Rgb) => meanPatch(img, 200, 280, 80, 80);
    const [n, d] = [faceBox(await decode(normal.jpeg)), faceBox(await decode(r.jpeg))];
    const ratio = (d[0] + d[1] + d[2]) / (n[0] + n[1] + n[2]);
    assert.ok(ratio > 0.7 && ratio < 0.7 * 1.16, `dark still comes out at ${ratio.toFixed(3)} of the normal one`);
  });

  test('size bounds: a tight maxBytes lowers quality, never below minQuality; an unreachable bound is reported', async () => {
    const face = PORTRAIT_FACES.c;
    const mask = personShapeMask(face, 256);
    const withJpeg = (jpeg: Partial<SpecProfile['output']['jpeg']>): SpecProfile => ({ ...spec, output: { ...spec.output, jpeg: { ...spec.output.jpeg, ...jpeg } } });
    const tight = await finishPhoto({ original: portrait('c'), face, mask, spec: withJpeg({ minBytes: 20 * 1024, maxBytes: 40 * 1024 }) });
    assert.ok(tight.withinBounds && tight.bytes <= 40 * 1024 && tight.bytes >= 20 * 1024 && tight.quality < 95 && tight.quality >= 60, `q${tight.quality} ${tight.bytes}`);
    const impossible = await finishPhoto({ original: portrait('c'), face, mask, spec: withJpeg({ minBytes: 0, maxBytes: 5 * 1024 }) });
    assert.deepEqual([impossible.quality, impossible.withinBounds], [60, false]);
    // A flat picture on a flat background is smaller than 30 KB even at quality 100.
    const small = await finishPhoto({ original: flat, face: flatFace, mask: null, spec });
    assert.deepEqual([small.quality, small.withinBounds], [100, false]);
    assert.ok(small.bytes < spec.output.jpeg.minBytes);
  });

  test('EXIF and GPS in the still do not reach the photo', async () => {
    const tagged = await sharp(portrait('b'))
      .withExif({ IFD0: { Make: 'TestCamMake', Model: 'TestCamModel' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 14/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '121/1 28/1 0/1' } })
      .jpeg({ quality: 95 })
      .toBuffer();
    assert.ok((await sharp(tagged).metadata()).exif, 'fixture carries EXIF');
    const r = await finishPhoto({ original: tagged, face: PORTRAIT_FACES.b, mask: personShapeMask(PORTRAIT_FACES.b, 256), spec });
    await assertSpecJpeg(r);
    for (const s of ['TestCam', 'GPS', 'Exif']) assert.equal(r.jpeg.indexOf(s), -1, s);
  });
});

describe('unusual and hostile stills', () => {
  test('CMYK, 16-bit, alpha and greyscale stills are converted to an 8-bit sRGB photo, and say so', async () => {
    const face = PORTRAIT_FACES.b;
    // Top-left quarter transparent: it must come out white, not black or spec blue.
    const alphaRaw = await rawOf(portrait('b'));
    const rgba = Buffer.alloc(1200 * 1200 * 4);
    for (let i = 0; i < 1200 * 1200; i++) {
      alphaRaw.data.copy(rgba, i * 4, i * 3, i * 3 + 3);
      rgba[i * 4 + 3] = i % 1200 < 600 && i / 1200 < 600 ? 0 : 255;
    }
    const cases: [StillConversion, Buffer][] = [
      ['cmyk-to-srgb', await sharp(portrait('b')).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer()],
      ['16-bit-to-8-bit', await sharp(portrait('b')).toColourspace('rgb16').png().toBuffer()],
      ['alpha-flattened-on-white', await sharp(rgba, { raw: { width: 1200, height: 1200, channels: 4 } }).png().toBuffer()],
      ['grey-to-rgb', await sharp(portrait('b')).greyscale().toColourspace('b-w').jpeg({ quality: 95 }).toBuffer()],
    ];
    const reference = await decode((await finishPhoto({ original: portrait('b'), face, mask: null, spec })).jpeg);
    for (const [conversion, bytes] of cases) {
      const info = await readStill(bytes);
      assert.ok(info.conversions.includes(conversion), `${conversion}: ${info.conversions}`);
      const r = await finishPhoto({ original: bytes, face, mask: null, spec });
      await assertSpecJpeg(r);
      const out = await decode(r.jpeg);
      if (conversion === 'alpha-flattened-on-white') assert.ok(meanPatch(out, 10, 150, 30, 30).every((v) => v > 235), 'transparent area is white');
      if (conversion === '16-bit-to-8-bit') assert.ok(meanAbsDiff(out, reference) < 2, '16-bit is the same picture');
      if (conversion === 'cmyk-to-srgb') assert.ok(meanAbsDiff(out, reference) < 12, `CMYK comes back close: ${meanAbsDiff(out, reference).toFixed(1)}`);
    }
  });

  test('damaged, foreign and oversized files: a bilingual AppError, bounded memory, nothing disturbed', async (t) => {
    const a = portrait('a');
    const sos = a.indexOf(Buffer.from([0xff, 0xda]));
    const garbled = Buffer.from(a);
    for (let i = sos + 600; i < sos + 4600; i++) garbled[i] = (i * 73) & 0xff;
    const badHeader = Buffer.from(a);
    for (let i = 20; i < sos - 10; i++) badHeader[i] = (i * 73) & 0xff;
    const huge = await sharp({ create: { width: 12000, height: 9000, channels: 3, background: '#808080' } }).png({ compressionLevel: 1 }).toBuffer();
    const avif = await sharp(a).resize(200).avif().toBuffer();
    const face = PORTRAIT_FACES.a;
    const cases: [string, Buffer, string][] = [
      ['truncated JPEG', a.subarray(0, Math.floor(a.length * 0.6)), 'BAD_INPUT'],
      ['JPEG cut inside its header', a.subarray(0, 300), 'BAD_INPUT'],
      ['garbled JPEG scan data', garbled, 'BAD_INPUT'],
      ['garbled JPEG header', badHeader, 'BAD_INPUT'],
      ['text', Buffer.from('this is not a photo, it is a note'), 'BAD_INPUT'],
      ['empty file', Buffer.alloc(0), 'BAD_INPUT'],
      ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000"><rect width="100%" height="100%"/></svg>'), 'BAD_INPUT'],
      ['AVIF/HEIF', avif, 'BAD_INPUT'],
      ['108 MP PNG (12000×9000)', huge, 'FILE_TOO_LARGE'],
      ['PNG header claiming 100000×100000', pngClaiming(100_000, 100_000, 'rgb'), 'FILE_TOO_LARGE'],
    ];
    const reference = await finishPhoto({ original: portrait('c'), face: PORTRAIT_FACES.c, mask: personShapeMask(PORTRAIT_FACES.c, 256), spec });

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      for (const [name, bytes, code] of cases) {
        const before = sha(bytes);
        const err = await assertAppError(finishPhoto({ original: bytes, face, mask: null, spec }), [code]);
        await assertAppError(stillToRgba(bytes, 1280), [code]);
        await assertAppError(stillForAnalysis(bytes), [code]);
        assert.equal(sha(bytes), before, `${name}: input untouched`);
        assert.ok(err.toPayload().zh && err.toPayload().en, name);
      }
      // Inputs that are fine as pictures but wrong as data.
      const mask = personShapeMask(face, 256);
      await assertAppError(finishPhoto({ original: a, face, mask: { ...mask, data: mask.data.subarray(1) }, spec }), ['BAD_INPUT']);
      await assertAppError(finishPhoto({ original: a, face, mask: { width: 256, height: 256, data: new Uint8Array(256 * 256) }, spec }), ['BAD_INPUT']);
      await assertAppError(finishPhoto({ original: a, face: { ...face, imageWidth: 1200, imageHeight: 1200 }, mask: null, spec }), ['BAD_INPUT']);
      await assertAppError(finishPhoto({ original: a, face: { ...face, leftEye: face.rightEye, rightEye: face.leftEye }, mask: null, spec }), ['BAD_INPUT']);
      await assertAppError(finishPhoto({ original: a, face: { ...face, faceWidth: Number.NaN }, mask: null, spec }), ['BAD_INPUT']);
      await assertAppError(finishPhoto({ original: a, face: { ...face, crown: { x: 435, y: 286 }, faceWidth: 20 }, mask: null, spec }), ['BAD_INPUT']);
    } finally {
      clearInterval(sampler);
    }
    const grew = peak - baseline;
    t.diagnostic(`rss grew at most ${Math.round(grew / 1e6)} MB`);
    assert.ok(grew < 700 * 1024 * 1024, `rss grew ${Math.round(grew / 1e6)} MB`);

    const after = await finishPhoto({ original: portrait('c'), face: PORTRAIT_FACES.c, mask: personShapeMask(PORTRAIT_FACES.c, 256), spec });
    assert.ok(after.jpeg.equals(reference.jpeg), 'a good still still finishes, byte for byte as before');
  });
});
