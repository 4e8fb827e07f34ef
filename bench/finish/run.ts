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
import { personShapeMask } from './portraitFixtures.js';
import { make24mp } from './still24mp.js';

const RUNS = 10;

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
