/**
 * Shutter → finished photo + verdict on a 24 MP JPEG, the kiosk's whole path with the share of each
 * stage: the upright analysis copy (sharp), the vision engine (the built check page in headless
 * Chromium, as the station's worker runs it), the finishing (sharp). Needs `npm run build` first.
 * Prints figures; no thresholds.
 *
 *   node --import tsx bench/shutter/run.ts
 */
import { readFileSync } from 'node:fs';
import { ANALYSIS_MAX_SIDE } from '../../src/main/capture/captureService.js';
import { HeadlessChecker } from '../../src/main/check/headlessChecker.js';
import { finishPhoto } from '../../src/main/imaging/finishPhoto.js';
import { decodeMaskPng } from '../../src/main/imaging/maskPng.js';
import { stillForAnalysis } from '../../src/main/imaging/stillToRgba.js';
import { SpecProfile } from '../../src/shared/spec/specProfile.js';
import { make24mp } from '../finish/still24mp.js';

const RUNS = 8;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const spec = SpecProfile.parse(JSON.parse(readFileSync(new URL('../../resources/specs/xuexin.json', import.meta.url), 'utf8')));
  const { jpeg } = await make24mp();
  const checker = await HeadlessChecker.open();
  try {
    const stages: Record<'analysisCopy' | 'vision' | 'finish' | 'total', number[]> = { analysisCopy: [], vision: [], finish: [], total: [] };
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      const analysis = await stillForAnalysis(jpeg, ANALYSIS_MAX_SIDE);
      const t1 = performance.now();
      const result = await checker.check(analysis.jpeg, spec);
      const t2 = performance.now();
      if (!result.face) throw new Error('no face found in the bench still');
      const mask = result.maskPngBase64 ? await decodeMaskPng(Buffer.from(result.maskPngBase64, 'base64')) : null;
      await finishPhoto({ original: jpeg, face: result.face, mask, spec });
      const t3 = performance.now();
      if (i === 0) {
        console.log(`first shot (models loading): ${(t3 - t0).toFixed(0)} ms`);
        continue;
      }
      stages.analysisCopy.push(t1 - t0);
      stages.vision.push(t2 - t1);
      stages.finish.push(t3 - t2);
      stages.total.push(t3 - t0);
    }
    const total = median(stages.total);
    console.log(`24 MP JPEG (${(jpeg.length / 1024 / 1024).toFixed(1)} MB), analysis copy ≤ ${ANALYSIS_MAX_SIDE} px, median of ${RUNS}:`);
    for (const [name, xs] of Object.entries(stages)) {
      const m = median(xs);
      console.log(`  ${name.padEnd(13)} ${m.toFixed(0).padStart(5)} ms${name === 'total' ? '' : `  (${((m / total) * 100).toFixed(0)} %)`}`);
    }
    if (checker.blocked.length) console.log(`blocked requests: ${checker.blocked.join(', ')}`);
  } finally {
    await checker.close();
  }
}

await main();
