import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ANALYSIS_MAX_SIDE } from '../../src/main/capture/captureService.js';
import { analysisCopy } from '../../src/main/imaging/stillToRgba.js';

/** The station's shots the still engine judged and found no face in (issue 18's "no face" stills). */
function noFaceShots(dataDir: string): { id: string; original_path: string }[] {
  const db = new Database(join(dataDir, 'station.sqlite'), { readonly: true });
  try {
    return db.prepare(`SELECT id, original_path FROM captures WHERE still_checks IS NOT NULL AND face IS NULL ORDER BY taken_at`).all() as { id: string; original_path: string }[];
  } finally {
    db.close();
  }
}

export function countNoFace(dataDir: string): number {
  return noFaceShots(dataDir).length;
}

/**
 * Each no-face shot's stored original and the analysis copy main makes from it (the same function
 * and size, so the bytes the vision worker was handed) are copied into `dir` to look at afterwards
 * (the kiosk's temp data folder goes when the run ends). Returns how many there are so far.
 */
export async function keepNoFace(dataDir: string, dir: string): Promise<number> {
  const shots = noFaceShots(dataDir);
  mkdirSync(dir, { recursive: true });
  for (const s of shots) {
    const out = join(dir, s.id);
    if (existsSync(`${out}-original.jpg`)) continue;
    copyFileSync(s.original_path, `${out}-original.jpg`);
    writeFileSync(`${out}-analysis.jpg`, (await analysisCopy(readFileSync(s.original_path), ANALYSIS_MAX_SIDE, { jpeg: true })).jpeg!);
  }
  return shots.length;
}
