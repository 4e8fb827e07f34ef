import assert from 'node:assert/strict';
import { PORTRAIT_DIR } from '../../bench/finish/portraitFixtures.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { loadSpecProfiles, requireSpecProfile } from '../../src/main/spec/specProfiles.js';
import { CHECK_IDS, type CheckId } from '../../src/shared/spec/specProfile.js';
import type { FaceGeometry } from '../../src/shared/vision/faceGeometry.js';
import { FaceGeometrySchema, Verdict, type CheckResult as Check } from '../../src/shared/vision/verdict.js';
import { startCheckInChromium, type CheckInChromium, type CheckResult } from '../helpers/checkInChromium.js';

/**
 * The kiosk's own still-check engine (check.html → worker → tasks-vision + our models) in Debian
 * Chromium, on defects generated from the shared portraits. The portraits are not compliant ID
 * photos as they stand, so each defect is judged against its own original: the named check must
 * fail on the defect, and where the original already failed it, the value must have moved further
 * past the limit.
 */
const PORTRAITS = PORTRAIT_DIR;
const NAMES = ['portrait-a', 'portrait-b', 'portrait-c'] as const;
const spec = requireSpecProfile(loadSpecProfiles(), 'xuexin');

const jpeg = (s: Sharp) => s.jpeg({ quality: 95 }).toBuffer();
const eyeMid = (f: FaceGeometry) => ({ x: (f.leftEye.x + f.rightEye.x) / 2, y: (f.leftEye.y + f.rightEye.y) / 2 });

type Make = (src: Buffer, f: FaceGeometry) => Promise<Buffer>;

/** Moves the picture right so the eye midpoint lands `fromEdge` face widths inside the right edge. */
const shiftRight =
  (fromEdge: number): Make =>
  async (src, f) => {
    const shift = Math.round(f.imageWidth - eyeMid(f).x - fromEdge * f.faceWidth);
    // Two passes: sharp extracts before it extends within one pipeline.
    const wider = await sharp(src).extend({ left: shift, background: '#ffffff' }).png().toBuffer();
    return jpeg(sharp(wider).extract({ left: 0, top: 0, width: f.imageWidth, height: f.imageHeight }));
  };

/** Defects, each with the check it must fail. */
const DEFECTS: { name: string; check: CheckId; make: Make }[] = [
  { name: 'rotated 15°', check: 'pose.roll', make: (src) => jpeg(sharp(src).rotate(15, { background: '#ffffff' })) },
  // With the eye midpoint 0.2 face widths inside the edge, 30 % of the face is cut off (and the
  // crop window overflows by a third); at a full half out no model finds a face at all (see below).
  { name: 'shifted until a third of the face is out of frame', check: 'face.in_frame', make: shiftRight(0.2) },
  // Gaussian blur of σ = 1/80 face width: an out-of-focus lens, whatever the resolution.
  { name: 'blurred', check: 'sharpness', make: (src, f) => jpeg(sharp(src).blur(Math.max(1, f.faceWidth / 80))) },
  { name: 'darkened (×0.35)', check: 'exposure', make: (src) => jpeg(sharp(src).linear(0.35, 0)) },
  { name: 'over-exposed (×2.2 + 30)', check: 'exposure', make: (src) => jpeg(sharp(src).linear(2.2, 30)) },
  {
    // The picture's left half of the face darkened to 45 %, fading out over the last 15 %.
    name: 'half the face shaded',
    check: 'light.uniform',
    make: (src, f) => {
      const x1 = Math.round(eyeMid(f).x);
      const w = Math.max(1, Math.min(x1, Math.round(0.9 * f.faceWidth)));
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${f.imageWidth}" height="${f.imageHeight}"><defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-opacity="0.55"/><stop offset="0.85" stop-opacity="0.55"/><stop offset="1" stop-opacity="0"/></linearGradient></defs><rect x="${x1 - w}" y="0" width="${w}" height="${f.imageHeight}" fill="url(#g)"/></svg>`;
      return jpeg(sharp(src).composite([{ input: Buffer.from(svg) }]));
    },
  },
  {
    // Two people side by side: face.count, not extra.objects — a second face of portrait size is a
    // second person (and which one is the student is then unclear); extra.objects is for things
    // that are not the student: small faces on badges or posters, stray foreground blobs.
    name: 'two faces side by side',
    check: 'face.count',
    make: (src, f) => jpeg(sharp(src).extend({ right: f.imageWidth, background: '#ffffff' }).composite([{ input: src, left: f.imageWidth, top: 0 }])),
  },
  {
    // A webcam frame (1920×1080) with the student far away: face 120 px wide.
    name: 'tiny face in a large frame',
    check: 'head.size',
    make: async (src, f) => {
      const k = 120 / f.faceWidth;
      const small = await sharp(src).resize(Math.round(f.imageWidth * k)).toBuffer();
      const { height = 0 } = await sharp(small).metadata();
      const m = eyeMid(f);
      const left = Math.max(0, Math.round(960 - m.x * k));
      const top = Math.max(0, Math.min(1080 - height, Math.round(540 - m.y * k)));
      return jpeg(sharp({ create: { width: 1920, height: 1080, channels: 3, background: '#f0f0f0' } }).composite([{ input: small, left, top }]));
    },
  },
  {
    // A small photo of a face held at the shoulder (30 % size): inside what the crop keeps.
    name: 'a small face photo held at the shoulder',
    check: 'extra.objects',
    make: async (src, f) => {
      const small = await sharp(src).resize(Math.round(f.imageWidth * 0.3)).jpeg().toBuffer();
      const { width = 0, height = 0 } = await sharp(small).metadata();
      const m = eyeMid(f);
      const left = Math.min(f.imageWidth - width, Math.max(0, Math.round(m.x + 0.7 * f.faceWidth - width / 2)));
      const top = Math.min(f.imageHeight - height, Math.max(0, Math.round(m.y + 0.9 * f.faceWidth - 0.3 * height)));
      return jpeg(sharp(src).composite([{ input: small, left, top }]));
    },
  },
  {
    // None of the portraits wears glasses: white specular ellipses painted over the upper half of
    // each lens area stand in for the reflection of a flash or a softbox.
    name: 'specular spots over both lens areas',
    check: 'glasses.glare',
    make: (src, f) => {
      const r = 0.45 * Math.hypot(f.leftEye.x - f.rightEye.x, f.leftEye.y - f.rightEye.y);
      const spots = [f.rightEye, f.leftEye]
        .map((e) => {
          const [cx, cy] = [e.x + 0.3 * r, e.y - 0.15 * r];
          return `<ellipse cx="${cx}" cy="${cy}" rx="${0.35 * r}" ry="${0.18 * r}" fill="white" transform="rotate(-25 ${cx} ${cy})"/>`;
        })
        .join('');
      return jpeg(sharp(src).composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${f.imageWidth}" height="${f.imageHeight}">${spots}</svg>`) }]));
    },
  },
];

/** Changes a camera or an encoder makes every day: no check's status may move. */
const HARMLESS: { name: string; make: Make }[] = [
  { name: 're-encoded at JPEG quality 90', make: (src) => sharp(src).jpeg({ quality: 90 }).toBuffer() },
  { name: '10 % brighter', make: (src) => jpeg(sharp(src).modulate({ brightness: 1.1 })) },
  { name: '10 % darker', make: (src) => jpeg(sharp(src).modulate({ brightness: 0.9 })) },
  {
    // A camera held 2° off level: mirror-pad, rotate, cut the original frame back out, so no fill
    // colour enters the corners and the framing stays the same.
    name: 'rotated 2°',
    make: async (src, f) => {
      const pad = Math.ceil(Math.max(f.imageWidth, f.imageHeight) * 0.05);
      const padded = await sharp(src).extend({ top: pad, bottom: pad, left: pad, right: pad, extendWith: 'mirror' }).png().toBuffer();
      const rotated = await sharp(padded).rotate(2).png().toBuffer();
      const { width = 0, height = 0 } = await sharp(rotated).metadata();
      const left = Math.round((width - f.imageWidth) / 2);
      const top = Math.round((height - f.imageHeight) / 2);
      return jpeg(sharp(rotated).extract({ left, top, width: f.imageWidth, height: f.imageHeight }));
    },
  },
];

const byId = (r: CheckResult, id: CheckId): Check => r.verdict.checks.find((c) => c.id === id)!;
const show = (r: CheckResult) => r.verdict.checks.map((c) => `${c.id}=${c.value}(${c.status})`).join(' ');

/** How far past the limit's fail number the value is, in the limit's direction (> 0: failing). */
function pastFail(c: Check): number {
  assert.ok(c.limit && c.value !== null, `${c.id} has no value or limit`);
  return c.limit.kind === 'max' ? c.value - c.limit.fail : c.limit.fail - c.value;
}

describe('still checks: the kiosk engine in Chromium on generated defects', { timeout: 150_000 }, () => {
  let engine: CheckInChromium;
  const sources = new Map<string, Buffer>();
  const originals = new Map<string, CheckResult>();

  before(async () => {
    engine = await startCheckInChromium();
    for (const name of NAMES) {
      const bytes = readFileSync(join(PORTRAITS, `${name}.jpg`));
      sources.set(name, bytes);
      originals.set(name, await engine.check(bytes, spec));
    }
  });
  after(async () => {
    await engine?.close();
  });

  test('a verdict: the 16 ids in order, finite values, limits from the spec, zh + en; a face and a mask of the analysed size', async () => {
    for (const [name, r] of originals) {
      assert.doesNotThrow(() => Verdict.parse(r.verdict), name);
      assert.deepEqual(
        r.verdict.checks.map((c) => c.id),
        [...CHECK_IDS],
        name,
      );
      for (const c of r.verdict.checks) {
        assert.ok(c.value !== null && Number.isFinite(c.value), `${name} ${c.id} = ${c.value}`);
        assert.deepEqual(c.limit, spec.limits[c.id]);
        assert.ok(/\p{Script=Han}/u.test(c.zh) && /[a-z]/i.test(c.en), `${name} ${c.id}: ${c.zh} / ${c.en}`);
      }
      assert.doesNotThrow(() => FaceGeometrySchema.parse(r.face), name);
      assert.ok(r.maskPngBase64, `${name}: no mask`);
      const meta = await sharp(Buffer.from(r.maskPngBase64, 'base64')).metadata();
      // The mask goes to main at ≤ 512 px (the segmenter's own resolution is 256), in the analysed aspect.
      const { width: aw, height: ah } = r.measures.analysed;
      const k = Math.min(1, 512 / Math.max(aw, ah));
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', Math.max(1, Math.round(aw * k)), Math.max(1, Math.round(ah * k))], name);
      assert.deepEqual(r.measures.analysed, r.measures.image, `${name} is small enough to be analysed at full size`);
    }
    assert.deepEqual(engine.blockedRequests, [], 'requests that tried to leave 127.0.0.1');
    assert.deepEqual(
      engine.consoleErrors.filter((e) => !/XNNPACK|OpenGL|Feedback manager|GPU stall/.test(e)),
      [],
    );
  });

  test('each generated defect fails its own check', async (t) => {
    const failures: string[] = [];
    for (const name of NAMES) {
      const original = originals.get(name)!;
      for (const d of DEFECTS) {
        const r = await engine.check(await d.make(sources.get(name)!, original.face!), spec);
        const before = byId(original, d.check);
        const after = byId(r, d.check);
        const label = `${name} ${d.name}: ${d.check} ${before.value} (${before.status}) → ${after.value} (${after.status})`;
        t.diagnostic(label);
        if (after.status !== 'fail') failures.push(`${label}\n    ${show(r)}`);
        else if (before.status === 'fail' && !(pastFail(after) > pastFail(before))) failures.push(`${label}: already failing and not worse`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test('half the face out of frame: no face is found at all, so the verdict fails on face.count', async () => {
    for (const name of NAMES) {
      const original = originals.get(name)!;
      const r = await engine.check(await shiftRight(0)(sources.get(name)!, original.face!), spec);
      assert.equal(r.verdict.status, 'fail', name);
      const count = byId(r, 'face.count');
      const inFrame = byId(r, 'face.in_frame');
      assert.ok(inFrame.status === 'fail' || (count.status === 'fail' && count.value === 0), `${name}: ${show(r)}`);
    }
  });

  test('harmless changes (JPEG q90, ±10 % brightness, 2° tilt) change no check’s status', async () => {
    const changed: string[] = [];
    for (const name of NAMES) {
      const original = originals.get(name)!;
      for (const h of HARMLESS) {
        const r = await engine.check(await h.make(sources.get(name)!, original.face!), spec);
        for (const c of r.verdict.checks) {
          const o = byId(original, c.id);
          if (c.status !== o.status) changed.push(`${name} ${h.name}: ${c.id} ${o.value} (${o.status}) → ${c.value} (${c.status})`);
        }
      }
    }
    assert.deepEqual(changed, []);
  });
});
