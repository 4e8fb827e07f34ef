/**
 * Finishing bench: shutter → finished photo on a 24 MP camera JPEG. Builds a 6000×4000 still from
 * portrait-a (upscaled, mirrored out to 3:2, with seeded sensor-like grain so the JPEG carries a real
 * camera file's entropy), then runs finishPhoto with a mask 10× (after one warm-up) and prints the
 * median per stage. Also the same still stored on its side with EXIF orientation 6. No thresholds.
 *
 *   node --import tsx bench/finish/run.ts
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { finishPhoto, type FinishStageMs } from '../../src/main/imaging/finishPhoto.js';
import { SpecProfile } from '../../src/shared/spec/specProfile.js';
import type { FaceGeometry } from '../../src/shared/vision/faceGeometry.js';
import { PORTRAIT_DIR, PORTRAIT_FACES, personShapeMask, scaleFace } from './portraitFixtures.js';

const WIDTH = 6000;
const HEIGHT = 4000;
const RUNS = 10;
const SEED = 0x5eed;

/** mulberry32: small, seeded, good enough for grain. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function make24mp(): Promise<{ jpeg: Buffer; face: FaceGeometry }> {
  const source = readFileSync(join(PORTRAIT_DIR, 'portrait-a.jpg'));
  const k = HEIGHT / PORTRAIT_FACES.a.imageHeight;
  const up = await sharp(source).resize({ height: HEIGHT, kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
  const pad = WIDTH - up.info.width;
  const left = Math.floor(pad / 2);
  const { data } = await sharp(up.data, { raw: { width: up.info.width, height: up.info.height, channels: 3 } })
    .extend({ left, right: pad - left, extendWith: 'mirror' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // Grain of σ ≈ 5 levels: an upscaled picture alone compresses (and decodes) unrealistically fast.
  const rand = prng(SEED);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i]! + Math.round((rand() + rand() + rand() - 1.5) * 10)));
  const jpeg = await sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
  return { jpeg, face: scaleFace(PORTRAIT_FACES.a, k, left, 0, WIDTH, HEIGHT) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bench(name: string, original: Buffer, face: FaceGeometry, spec: SpecProfile): Promise<void> {
  const mask = personShapeMask(face, 256);
  const first = await finishPhoto({ original, face, mask, spec });
  const runs: (FinishStageMs & { total: number })[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = await finishPhoto({ original, face, mask, spec });
    runs.push({ ...r.stageMs, total: performance.now() - t0 });
  }
  const stages = Object.keys(runs[0]!) as (keyof (typeof runs)[0])[];
  console.log(`\n${name}: ${(original.length / 1024 / 1024).toFixed(1)} MB in → ${(first.bytes / 1024).toFixed(0)} KB out at quality ${first.quality}`);
  console.log(`  cold first run total ${Object.values(first.stageMs).reduce((a, b) => a + b, 0).toFixed(0)} ms`);
  for (const s of stages) console.log(`  ${s.padEnd(13)} median ${median(runs.map((r) => r[s])).toFixed(1).padStart(6)} ms`);
}

async function main(): Promise<void> {
  const spec = SpecProfile.parse(JSON.parse(readFileSync(new URL('../../resources/specs/xuexin.json', import.meta.url), 'utf8')));
  const dir = mkdtempSync(join(tmpdir(), 'cc-finish-bench-'));
  try {
    console.log(`node ${process.version}, ${availableParallelism()} cores, sharp concurrency ${sharp.concurrency()}, libvips ${sharp.versions.vips}`);
    const { jpeg, face } = await make24mp();
    writeFileSync(join(dir, 'still-24mp.jpg'), jpeg);
    await bench('24 MP JPEG (6000×4000), upright', readFileSync(join(dir, 'still-24mp.jpg')), face, spec);
    // The camera mounted on its side: pixels stored rotated, EXIF says turn them back (no ICC
    // profile, like a camera file; withMetadata would attach one and libvips would spend ~50 ms on it).
    const sideways = await sharp(jpeg).rotate(270).withMetadata({ orientation: 6 }).withIccProfile('srgb', { attach: false }).jpeg({ quality: 95 }).toBuffer();
    writeFileSync(join(dir, 'still-24mp-orientation6.jpg'), sideways);
    await bench('24 MP JPEG stored sideways, EXIF orientation 6', sideways, face, spec);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
