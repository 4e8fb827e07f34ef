import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSpecProfiles, requireSpecProfile } from '../../src/main/spec/specProfiles.js';
import { CHECK_IDS, CheckId, SpecProfile, STANDARD_CHECK_IDS } from '../../src/shared/spec/specProfile.js';
import { checkLabel } from '../../src/shared/report/reportLabels.js';
import { CHECK_MESSAGES } from '../../src/shared/vision/checkMessages.js';
import { deltaE2000, srgbToLab } from '../../src/shared/vision/colour.js';
import { clothingContrast, evaluatePhoto, judge } from '../../src/shared/vision/evaluate.js';
import type { FaceGeometry } from '../../src/shared/vision/faceGeometry.js';
import { exposureScore } from '../../src/shared/vision/imageMeasures.js';
import { poseFromMatrix } from '../../src/shared/vision/measureFace.js';
import type { PhotoMeasures } from '../../src/shared/vision/measureTypes.js';
import { NO_STANDARD_VALUES } from '../../src/shared/vision/standardMeasures.js';
import { Verdict } from '../../src/shared/vision/verdict.js';

const xuexin = requireSpecProfile(loadSpecProfiles(), 'xuexin');

/** A frontal face in a 1200×1600 still, framed so the crop plan needs no upscaling and no overflow. */
function face(over: Partial<FaceGeometry> = {}): FaceGeometry {
  return {
    imageWidth: 1200,
    imageHeight: 1600,
    rightEye: { x: 480, y: 700 },
    leftEye: { x: 720, y: 700 },
    noseTip: { x: 600, y: 840 },
    mouthRight: { x: 510, y: 960 },
    mouthLeft: { x: 690, y: 960 },
    chin: { x: 600, y: 1120 },
    crown: { x: 600, y: 330 },
    faceWidth: 400,
    ...over,
  };
}

/** Measures of a compliant photo: every value comfortably inside the 学信网 limits. */
function good(over: Partial<PhotoMeasures> = {}): PhotoMeasures {
  return {
    image: { width: 1200, height: 1600 },
    analysed: { width: 1200, height: 1600 },
    faces: [{ x: 400, y: 560, width: 400, height: 400, score: 0.93 }],
    faceCount: 1,
    face: face(),
    pose: { roll: 1, yaw: -1, pitch: 2 },
    eyeOpenness: 0.3,
    mouthOpenness: 0.01,
    lightImbalance: 0.05,
    exposure: 0,
    exposureBias: 'dark',
    sharpness: 0.6,
    backgroundNonUniformity: 2,
    clothing: [{ lab: [20, 0, -5], weight: 1 }],
    glare: 0,
    extraObjects: 0,
    shoulderTilt: 1,
    earAsymmetry: 0.2,
    browCover: 0.05,
    redEye: 0,
    lensTint: 0.1,
    clothingPattern: 0.1,
    headTop: 0.4,
    jewellery: 0,
    details: {},
    ...over,
  };
}

/** The 学信网 profile with round limits, so the boundaries below do not move when the JSON is recalibrated. */
function withLimits(limits: Partial<SpecProfile['limits']>): SpecProfile {
  return { ...xuexin, limits: { ...xuexin.limits, ...limits } };
}

const check = (v: ReturnType<typeof evaluatePhoto>, id: CheckId) => v.checks.find((c) => c.id === id)!;

test('a verdict holds the 24 checks in CHECK_IDS order, each with the spec limit, a value and zh + en words', () => {
  const v = evaluatePhoto(good(), xuexin);
  assert.doesNotThrow(() => Verdict.parse(v));
  assert.deepEqual(
    v.checks.map((c) => c.id),
    [...CHECK_IDS],
  );
  assert.equal(v.specId, 'xuexin');
  for (const c of v.checks) {
    assert.deepEqual(c.limit, xuexin.limits[c.id], c.id);
    assert.ok(c.value !== null && Number.isFinite(c.value), c.id);
    assert.ok(c.zh.length > 0 && c.en.length > 0, c.id);
    assert.equal(c.status, 'pass', `${c.id} = ${c.value}`);
  }
  assert.equal(v.status, 'pass');
});

test('max limits: at the warn number still passes, above it warns, above fail fails', () => {
  const max = { kind: 'max', warn: 5, fail: 8 } as const;
  assert.equal(judge(5, max), 'pass');
  assert.equal(judge(5.0001, max), 'warn');
  assert.equal(judge(8, max), 'warn');
  assert.equal(judge(8.0001, max), 'fail');
  const min = { kind: 'min', warn: 0.45, fail: 0.38 } as const;
  assert.equal(judge(0.45, min), 'pass');
  assert.equal(judge(0.4499, min), 'warn');
  assert.equal(judge(0.38, min), 'warn');
  assert.equal(judge(0.3799, min), 'fail');
  // face.count's "max 1 / 1": one face passes, two fail outright.
  assert.equal(judge(1, { kind: 'max', warn: 1, fail: 1 }), 'pass');
  assert.equal(judge(2, { kind: 'max', warn: 1, fail: 1 }), 'fail');
});

test('every check reads its own measure and its own limit from the spec', () => {
  const spec = withLimits({ 'pose.yaw': { kind: 'max', warn: 3, fail: 5 }, 'eyes.open': { kind: 'min', warn: 0.15, fail: 0.12 } });
  const cases: [Partial<PhotoMeasures>, CheckId, 'warn' | 'fail'][] = [
    [{ pose: { roll: 0, yaw: -4, pitch: 0 } }, 'pose.yaw', 'warn'],
    [{ pose: { roll: 0, yaw: 6, pitch: 0 } }, 'pose.yaw', 'fail'],
    [{ pose: { roll: -20, yaw: 0, pitch: 0 } }, 'pose.roll', 'fail'],
    [{ pose: { roll: 0, yaw: 0, pitch: -30 } }, 'pose.pitch', 'fail'],
    [{ eyeOpenness: 0.14 }, 'eyes.open', 'warn'],
    [{ eyeOpenness: 0.05 }, 'eyes.open', 'fail'],
    [{ mouthOpenness: 0.3 }, 'mouth.closed', 'fail'],
    [{ lightImbalance: 0.9 }, 'light.uniform', 'fail'],
    [{ exposure: 1 }, 'exposure', 'fail'],
    [{ sharpness: 0.1 }, 'sharpness', 'fail'],
    [{ backgroundNonUniformity: 60 }, 'background.uniform', 'fail'],
    [{ clothing: [{ lab: srgbToLab(100, 197, 255), weight: 1 }] }, 'clothing.contrast', 'fail'],
    [{ glare: 0.5 }, 'glasses.glare', 'fail'],
    [{ extraObjects: 1 }, 'extra.objects', 'fail'],
    [{ faceCount: 2 }, 'face.count', 'fail'],
    [{ shoulderTilt: 5 }, 'shoulders.level', 'warn'],
    [{ shoulderTilt: 12 }, 'shoulders.level', 'fail'],
    [{ earAsymmetry: 0.6 }, 'ears.symmetric', 'warn'],
    [{ earAsymmetry: 0.9 }, 'ears.symmetric', 'fail'],
    [{ browCover: 0.9 }, 'hair.covers_brows', 'fail'],
    [{ redEye: 0.8 }, 'eyes.red', 'fail'],
    [{ lensTint: 0.45 }, 'glasses.tinted', 'warn'],
    [{ lensTint: 0.8 }, 'glasses.tinted', 'fail'],
    [{ clothingPattern: 0.5 }, 'clothing.pattern', 'fail'],
    [{ headTop: 0.6 }, 'headwear', 'warn'],
    [{ headTop: 0.8 }, 'headwear', 'fail'],
    [{ jewellery: 2 }, 'jewellery', 'warn'],
  ];
  for (const [over, id, status] of cases) {
    const v = evaluatePhoto(good(over), spec);
    const c = check(v, id);
    assert.equal(c.status, status, `${id} = ${c.value}`);
    assert.deepEqual(c.limit, spec.limits[id]);
    // Only that check changed.
    for (const other of v.checks) if (other.id !== id) assert.equal(other.status, 'pass', `${other.id} while testing ${id}`);
    assert.equal(v.status, status);
  }
});

test('pose limits are on the size of the angle, either way; the value shown is that size', () => {
  const v = evaluatePhoto(good({ pose: { roll: -10, yaw: 0, pitch: 0 } }), xuexin);
  assert.equal(check(v, 'pose.roll').value, 10);
  assert.equal(check(v, 'pose.roll').status, 'fail');
  assert.equal(check(v, 'pose.roll').zh, '头部歪斜，请摆正头部');
});

test('head geometry comes from the crop plan: a far face needs upscaling, a low face overflows, an off-centre face is measured', () => {
  const far = evaluatePhoto(good({ face: face({ rightEye: { x: 570, y: 700 }, leftEye: { x: 630, y: 700 }, crown: { x: 600, y: 610 }, chin: { x: 600, y: 800 }, faceWidth: 100 }) }), xuexin);
  assert.ok(check(far, 'head.size').value! > 2, `scale ${check(far, 'head.size').value}`);
  assert.equal(check(far, 'head.size').status, 'fail');
  assert.equal(check(far, 'head.size').zh, '头部过小，请靠近一点');

  const low = evaluatePhoto(good({ face: face({ rightEye: { x: 480, y: 1450 }, leftEye: { x: 720, y: 1450 }, crown: { x: 600, y: 1080 } }) }), xuexin);
  assert.ok(check(low, 'face.in_frame').value! > 0.2);
  assert.equal(check(low, 'face.in_frame').status, 'fail');

  const aside = evaluatePhoto(good({ face: face({ rightEye: { x: 180, y: 700 }, leftEye: { x: 420, y: 700 }, crown: { x: 300, y: 330 } }) }), xuexin);
  assert.equal(check(aside, 'face.centered').value, 0.25);
  assert.equal(check(aside, 'face.centered').status, 'fail');
  // The face runs off the left edge of the crop window as well.
  assert.equal(check(aside, 'face.in_frame').status, 'fail');
});

test('no face: face.count fails with "no face", and every check that needs a face says it could not measure (warn)', () => {
  const v = evaluatePhoto(
    good({
      faceCount: 0,
      faces: [],
      face: null,
      pose: null,
      eyeOpenness: null,
      mouthOpenness: null,
      lightImbalance: null,
      exposure: null,
      exposureBias: null,
      sharpness: null,
      backgroundNonUniformity: null,
      clothing: null,
      glare: null,
      extraObjects: null,
      ...NO_STANDARD_VALUES,
    }),
    xuexin,
  );
  assert.equal(v.status, 'fail');
  const count = check(v, 'face.count');
  assert.deepEqual([count.status, count.value, count.zh], ['fail', 0, '未检测到人脸，请正对镜头']);
  for (const c of v.checks.slice(1)) {
    assert.equal(c.status, 'warn', c.id);
    assert.equal(c.value, null, c.id);
    assert.equal(c.zh, '无法测量：未检测到人脸', c.id);
    assert.deepEqual(c.limit, xuexin.limits[c.id], c.id);
  }
});

test('one measure missing with a face present: that check warns "could not be measured", the rest are judged', () => {
  const v = evaluatePhoto(good({ backgroundNonUniformity: null, glare: Number.NaN }), xuexin);
  assert.equal(v.status, 'warn');
  for (const id of ['background.uniform', 'glasses.glare'] as const) {
    const c = check(v, id);
    assert.deepEqual([c.status, c.value, c.en], ['warn', null, 'Could not be measured: check by eye']);
  }
});

test('the rest of the standard: its ids follow the 16 in CHECK_IDS, every shipped profile judges them, and each has words and a report label', () => {
  assert.deepEqual(CHECK_IDS.slice(16), [...STANDARD_CHECK_IDS]);
  // capture.accept takes one reason per failing check, at most 32: every check must fit.
  assert.ok(CheckId.options.length <= 32, String(CheckId.options.length));
  for (const profile of loadSpecProfiles().values()) {
    for (const id of STANDARD_CHECK_IDS) assert.ok(profile.limits[id], `${profile.id} has no limit for ${id}`);
  }
  for (const id of STANDARD_CHECK_IDS) {
    assert.ok(/\p{Script=Han}/u.test(CHECK_MESSAGES[id].fix.zh) && /\p{Script=Han}/u.test(CHECK_MESSAGES[id].ok.zh), id);
    assert.ok(/\p{Script=Han}/u.test(checkLabel(id, 'zh')) && checkLabel(id, 'en') !== id, id);
  }
});

test('a site profile written before the rest of the standard still parses; those checks then report their value without judging it', () => {
  const older = JSON.parse(JSON.stringify(xuexin)) as { limits: Record<string, unknown> };
  for (const id of STANDARD_CHECK_IDS) delete older.limits[id];
  const spec = SpecProfile.parse(older);
  const v = evaluatePhoto(good({ redEye: 0.9, clothingPattern: 0.9 }), spec);
  for (const id of ['eyes.red', 'clothing.pattern'] as const) {
    const c = check(v, id);
    assert.deepEqual([c.status, c.value, c.limit], ['pass', 0.9, null], id);
  }
});

test('jewellery warns and never fails in the shipped profiles (validated on generated images only)', () => {
  for (const profile of loadSpecProfiles().values()) {
    const c = check(evaluatePhoto(good({ jewellery: 40 }), profile), 'jewellery');
    assert.equal(c.status, 'warn', profile.id);
    assert.equal(c.zh, '请摘下耳环、项链等饰品');
  }
});

test('exposure says which way it is off', () => {
  assert.equal(check(evaluatePhoto(good({ exposure: 0.9, exposureBias: 'bright' }), xuexin), 'exposure').zh, '照片过亮（曝光过度），请减弱光线');
  assert.equal(check(evaluatePhoto(good({ exposure: 0.9, exposureBias: 'dark' }), xuexin), 'exposure').zh, '照片过暗，请增加光线');
});

test('exposure: dark skin beside a bright collar or backdrop is not under-exposed; a dark picture is; blown skin is over', () => {
  assert.equal(exposureScore(40, 90, 0, 0).exposure, 0);
  const dark = exposureScore(25, 30, 0, 0);
  assert.ok(dark.exposure > 0.5 && dark.exposureBias === 'dark', JSON.stringify(dark));
  const bright = exposureScore(100, 100, 0.5, 0);
  assert.deepEqual(bright, { exposure: 1, exposureBias: 'bright' });
});

test('clothing contrast is the CIEDE2000 distance a quarter of the clothing is within, against the spec background', () => {
  const blue = srgbToLab(100, 197, 255);
  const navy = srgbToLab(20, 30, 60);
  // Three quarters navy, a quarter sky blue (a shirt the background would swallow): the quarter decides.
  const palette = [
    { lab: navy, weight: 0.7 },
    { lab: blue, weight: 0.3 },
  ];
  assert.equal(clothingContrast(palette, [100, 197, 255]), 0);
  const navyOnly = clothingContrast([{ lab: navy, weight: 1 }], [100, 197, 255])!;
  assert.ok(navyOnly > 30, String(navyOnly));
  // The same palette on the white profile: white and navy are both far from white.
  assert.ok(clothingContrast(palette, [255, 255, 255])! > 20);
});

test('CIEDE2000 matches Sharma, Wu & Dalal (2005) test pairs', () => {
  const pairs: [[number, number, number], [number, number, number], number][] = [
    [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
    [[50, 2.5, 0], [73, 25, -18], 27.1492],
    [[50, -1, 2], [50, 0, 0], 2.3669],
    [[2.0776, 0.0795, -1.135], [0.9033, -0.0636, -0.5514], 0.9082],
  ];
  for (const [a, b, want] of pairs) assert.ok(Math.abs(deltaE2000(a, b) - want) < 1e-4, `${deltaE2000(a, b)} ≠ ${want}`);
});

test('pose from the transformation matrix: identity is level; roll has the eye line’s sign; a bad matrix gives null', () => {
  const id = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, -40, 1];
  assert.deepEqual(
    Object.values(poseFromMatrix({ rows: 4, columns: 4, data: id })!).map((v) => Math.abs(Math.round(v * 1e6))),
    [0, 0, 0],
  );
  // A rotation about the camera's z axis (y up) by +10° turns the picture's right eye up: roll −10.
  const r = (10 * Math.PI) / 180;
  const rollZ = [Math.cos(r), Math.sin(r), 0, 0, -Math.sin(r), Math.cos(r), 0, 0, 0, 0, 1, 0, 0, 0, -40, 1];
  assert.ok(Math.abs(poseFromMatrix({ rows: 4, columns: 4, data: rollZ })!.roll + 10) < 1e-9);
  // About y by +10°: yaw 10.
  const yawY = [Math.cos(r), 0, -Math.sin(r), 0, 0, 1, 0, 0, Math.sin(r), 0, Math.cos(r), 0, 0, 0, -40, 1];
  assert.ok(Math.abs(poseFromMatrix({ rows: 4, columns: 4, data: yawY })!.yaw - 10) < 1e-9);
  assert.equal(poseFromMatrix({ rows: 4, columns: 4, data: [...id.slice(0, 15), Number.NaN] }), null);
  assert.equal(poseFromMatrix({ rows: 3, columns: 3, data: id.slice(0, 9) }), null);
});
