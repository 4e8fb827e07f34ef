/**
 * Shutter → finished photo + verdict on a 24 MP JPEG, the kiosk's whole path with the share of each
 * stage: the upright analysis copy (sharp), the vision engine (the built check page in headless
 * Chromium, as the station's worker runs it), the finishing (sharp + the matte refinement and
 * finish.background). Two paths in one run, alternating shot by shot so machine noise hits both:
 *
 * - before: the copy resampled to ≤ 1600 px from a 1/2-size decode, and finishing decoding the
 *   still a second time (the path up to issue 18's speed work);
 * - after:  the copy at a JPEG shrink-on-load size (1/4 → 1500 px), decoded once, and finishing
 *   reading those pixels (finishPhoto's `upright`).
 *
 * Then the same with the machine busy (--loaded, default on): a real day export and a real sync
 * upload (bench/export, bench/sync, each in its own process) running beside the shots.
 * Needs `npm run build` first. Prints wall-clock figures (median, and the slowest shot); no
 * thresholds. On a shared machine the figures are noisy: compare the two paths within one run.
 *
 *   node --import tsx bench/shutter/run.ts [--runs 8] [--no-loaded]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ANALYSIS_MAX_SIDE } from '../../src/main/capture/captureService.js';
import { HeadlessChecker } from '../../src/main/check/headlessChecker.js';
import { finishPhoto } from '../../src/main/imaging/finishPhoto.js';
import { decodeMaskPng } from '../../src/main/imaging/maskPng.js';
import { analysisCopy, stillForAnalysis } from '../../src/main/imaging/stillToRgba.js';
import { SpecProfile } from '../../src/shared/spec/specProfile.js';
import { make24mp } from '../finish/still24mp.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '8' }, 'no-loaded': { type: 'boolean', default: false } } });
const RUNS = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
type Stage = 'analysisCopy' | 'vision' | 'finish' | 'total';
type Path = 'before' | 'after';

async function shot(path: Path, checker: HeadlessChecker, jpeg: Buffer, spec: SpecProfile): Promise<Record<Stage, number> & { decode: number }> {
  const t0 = performance.now();
  const copy = path === 'after' ? await analysisCopy(jpeg, ANALYSIS_MAX_SIDE) : await stillForAnalysis(jpeg, ANALYSIS_MAX_SIDE);
  const t1 = performance.now();
  const result = await checker.check(copy.jpeg, spec);
  const t2 = performance.now();
  if (!result.face) throw new Error('no face found in the bench still');
  const mask = result.maskPngBase64 ? await decodeMaskPng(Buffer.from(result.maskPngBase64, 'base64')) : null;
  const finished = await finishPhoto({ original: jpeg, face: result.face, mask, spec, upright: path === 'after' ? (copy as Awaited<ReturnType<typeof analysisCopy>>) : null });
  const t3 = performance.now();
  if ((path === 'after') !== finished.fromUpright) throw new Error(`${path}: finishing ${finished.fromUpright ? 'did' : 'did not'} use the copy`);
  return { analysisCopy: t1 - t0, vision: t2 - t1, finish: t3 - t2, total: t3 - t0, decode: finished.stageMs.decodeResize };
}

async function measure(label: string, checker: HeadlessChecker, jpeg: Buffer, spec: SpecProfile): Promise<void> {
  const stages: Record<Path, Record<Stage | 'decode', number[]>> = {
    before: { analysisCopy: [], vision: [], finish: [], total: [], decode: [] },
    after: { analysisCopy: [], vision: [], finish: [], total: [], decode: [] },
  };
  for (let i = 0; i < RUNS; i++) {
    for (const path of (i % 2 === 0 ? ['before', 'after'] : ['after', 'before']) as Path[]) {
      const r = await shot(path, checker, jpeg, spec);
      for (const k of Object.keys(r) as (Stage | 'decode')[]) stages[path][k].push(r[k]);
    }
  }
  console.log(`\n${label}: 24 MP JPEG (${(jpeg.length / 1024 / 1024).toFixed(1)} MB), median of ${RUNS} shots per path (slowest in brackets)`);
  console.log(`  ${'stage'.padEnd(14)}${'before'.padStart(14)}${'after'.padStart(14)}`);
  for (const k of ['analysisCopy', 'vision', 'finish', 'decode', 'total'] as const) {
    const cell = (p: Path) => `${median(stages[p][k]).toFixed(0)} (${Math.max(...stages[p][k]).toFixed(0)})`.padStart(14);
    console.log(`  ${(k === 'decode' ? '  of which still decode' : k).padEnd(14)}${cell('before')}${cell('after')}`);
  }
}

/** A real day export and a real sync upload, each looping in its own process until stopped. */
function startLoad(): ChildProcess[] {
  const loop = (args: string[]) =>
    spawn('bash', ['-c', `while true; do ${process.execPath} --import tsx ${args.join(' ')} >/dev/null 2>&1; done`], { stdio: 'ignore', detached: true });
  return [loop(['bench/export/run.ts', '--students', '300']), loop(['bench/sync/run.ts', '--orders', '30', '--mbit', '100'])];
}

async function main(): Promise<void> {
  const spec = SpecProfile.parse(JSON.parse(readFileSync(new URL('../../resources/specs/xuexin.json', import.meta.url), 'utf8')));
  const { jpeg } = await make24mp();
  const t0 = performance.now();
  const checker = await HeadlessChecker.open();
  const opened = performance.now();
  try {
    // The first shot pays for the models: once on the new path, as a station's first student would.
    await shot('after', checker, jpeg, spec);
    console.log(`engine start ${(opened - t0).toFixed(0)} ms; first shot (models loading) ${(performance.now() - opened).toFixed(0)} ms`);
    await measure('idle machine', checker, jpeg, spec);
    if (!values['no-loaded']) {
      const load = startLoad();
      try {
        // Let the export seed its station and the sync start moving bytes.
        await new Promise((r) => setTimeout(r, 15_000));
        await measure('busy machine (an export and a sync upload beside it)', checker, jpeg, spec);
      } finally {
        for (const p of load) if (p.pid) process.kill(-p.pid, 'SIGTERM');
      }
    }
    if (checker.blocked.length) console.log(`blocked requests: ${checker.blocked.join(', ')}`);
  } finally {
    await checker.close();
  }
}

await main();
