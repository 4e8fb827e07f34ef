/**
 * Export bench: the day batch export of a whole day — N students (default 2,000) with finished
 * photos — and, separately, with their 5 MB originals too. Each export runs in a fresh process
 * (bench/export/exportOnce.ts) so its peak RSS is its own; the zip is on, names by
 * {学校编码}_{学号} in 院系 folders, everything read back and verified. Targets for finished
 * photos: ≤ 20 s and ≤ 300 MB. Output goes to a temp folder on the same disk (a USB 2 drive writes
 * ~20–30 MB/s: multiply the bytes accordingly). No thresholds are asserted.
 *
 *   node --import tsx bench/export/run.ts [--students N] [--skip-originals]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedExportStation } from './seedStation.js';

const { values } = parseArgs({ options: { students: { type: 'string', default: '2000' }, 'skip-originals': { type: 'boolean', default: false } } });
const students = Number(values.students);

interface Run {
  seconds: number;
  phases: Record<string, number>;
  rssBeforeMB: number;
  peakRssMB: number;
  photos: number;
  originals: number;
  files: number;
  bytes: number;
}

async function scenario(label: string, originals: boolean): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-export-data-'));
  const outDir = mkdtempSync(join(tmpdir(), 'cc-bench-export-out-'));
  try {
    const t = performance.now();
    const seeded = await seedExportStation(dataDir, students, originals);
    const seedS = (performance.now() - t) / 1000;
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'exportOnce.ts'), dataDir, outDir, originals ? 'yes' : 'no'], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as Run;
    const phases = Object.entries(r.phases)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(', ');
    console.log(
      `${label}: ${r.photos} photos${r.originals ? ` + ${r.originals} originals` : ''}, ${r.files} files, ${(r.bytes / 1e6).toFixed(0)} MB (+ the same again in the zip)\n` +
        `  ${r.seconds.toFixed(1)} s (${phases}); peak RSS ${r.peakRssMB.toFixed(0)} MB (${r.rssBeforeMB.toFixed(0)} MB before the export); seeding ${seedS.toFixed(1)} s, ` +
        `finished photos ${(seeded.finishedBytes / students / 1000).toFixed(0)} KB each`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
}

console.log(`export bench: ${students} students, ${availableParallelism()} cores, Node ${process.version}`);
await scenario('finished photos', false);
if (!values['skip-originals']) await scenario('with 5 MB originals', true);
