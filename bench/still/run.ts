/**
 * Still-check bench: milliseconds per stage of analyseStill (decode, full-range detector, landmarks
 * on the face cut, selfie segmentation, pixel measures, mask PNG) in Debian Chromium, through
 * check.html exactly as the kiosk runs it. The three portraits at their own size, plus portrait-b
 * upscaled to a 24-megapixel DSLR still (analysed downscaled to 2560 px). Tests never assert timings.
 * Then the rest of the standard (issue 18): the eight checks' own time inside 'measure', and their
 * values and statuses on each image and on the doctored images of tests/helpers/standardTestSet.ts.
 *
 *   node --import tsx bench/still/run.ts [runs=5]
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadSpecProfiles, requireSpecProfile } from '../../src/main/spec/specProfiles.js';
import { STANDARD_CHECK_IDS } from '../../src/shared/spec/specProfile.js';
import { doctoredCases } from '../../tests/helpers/standardTestSet.js';
import { startCheckInChromium } from '../../tests/helpers/checkInChromium.js';
import { PORTRAIT_DIR } from '../finish/portraitFixtures.js';

const runs = Number(process.argv[2] ?? 5);
const portraits = PORTRAIT_DIR;
const spec = requireSpecProfile(loadSpecProfiles(), 'xuexin');
const STAGES = ['decode', 'detect', 'landmarks', 'segment', 'maskOut', 'measure'] as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const f0 = (x: number) => x.toFixed(0).padStart(7);

const inputs: { name: string; bytes: Buffer }[] = ['a', 'b', 'c'].map((p) => ({ name: `portrait-${p}`, bytes: readFileSync(join(portraits, `portrait-${p}.jpg`)) }));
inputs.push({ name: 'portrait-b 6000×4000', bytes: await sharp(inputs[1]!.bytes).resize(6000, 4000, { fit: 'cover' }).jpeg({ quality: 92 }).toBuffer() });

const t0 = performance.now();
const engine = await startCheckInChromium();
console.log(`build + browser start: ${(performance.now() - t0).toFixed(0)} ms; ${availableParallelism()} cores; ${runs} runs per image, median`);
try {
  const tLoad = performance.now();
  await engine.check(inputs[0]!.bytes, spec);
  console.log(`first still (loads wasm + 3 models): ${(performance.now() - tLoad).toFixed(0)} ms\n`);
  console.log(`${'image'.padEnd(22)}${'size'.padStart(11)}${STAGES.map((s) => s.padStart(10)).join('')}${'worker'.padStart(9)}${'round trip'.padStart(12)}`);
  const standardMs: Record<string, number> = {};
  const lastVerdicts: { name: string; checks: { id: string; value: number | null; status: string }[] }[] = [];
  for (const input of inputs) {
    const per: Record<string, number[]> = {};
    const trip: number[] = [];
    const own: number[] = [];
    let size = '';
    let last: { id: string; value: number | null; status: string }[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const r = await engine.check(input.bytes, spec);
      trip.push(performance.now() - t);
      size = `${r.measures.image.width}×${r.measures.image.height}`;
      for (const [k, v] of Object.entries(r.timings)) (per[k] ??= []).push(v);
      own.push(r.measures.details['standardMs'] ?? NaN);
      last = r.verdict.checks;
    }
    standardMs[input.name] = median(own);
    lastVerdicts.push({ name: input.name, checks: last });
    const stages = STAGES.map((s) => median(per[s] ?? []));
    console.log(`${input.name.padEnd(22)}${size.padStart(11)}${stages.map((v) => f0(v).padStart(10)).join('')}${f0(stages.reduce((a, b) => a + b, 0)).padStart(9)}${f0(median(trip)).padStart(12)}`);
  }
  console.log('\nround trip includes base64 over the DevTools protocol and the mask PNG back; the kiosk passes Blobs.');

  // The rest of the standard: its share of 'measure', and what it says on each image.
  const cell = (c: { value: number | null; status: string } | undefined) => (c ? `${c.value === null ? '—' : +c.value.toFixed(3)} ${c.status === 'pass' ? '' : c.status}`.trim() : '?');
  const head = (label: string) => console.log(`\n${label.padEnd(30)}${STANDARD_CHECK_IDS.map((id) => id.padStart(19)).join('')}`);
  head('image (standard checks, ms)');
  for (const v of lastVerdicts) {
    console.log(`${`${v.name} (${standardMs[v.name]!.toFixed(1)} ms)`.padEnd(30)}${STANDARD_CHECK_IDS.map((id) => cell(v.checks.find((c) => c.id === id)).padStart(19)).join('')}`);
  }
  head('doctored (tests/helpers/standardTestSet)');
  for (const id of ['a', 'b', 'c'] as const) {
    for (const c of await doctoredCases(id)) {
      const r = await engine.check(c.jpeg, spec);
      const mark = (k: string) => (k === c.check ? '*' : ' ');
      console.log(`${`${id} ${c.name}`.padEnd(30)}${STANDARD_CHECK_IDS.map((k) => (cell(r.verdict.checks.find((x) => x.id === k)) + mark(k)).padStart(19)).join('')}`);
    }
  }
  console.log('\n* the check the doctored image is for; values are the checks\' units (docs/capture.md), status when not pass.');
} finally {
  await engine.close();
}
