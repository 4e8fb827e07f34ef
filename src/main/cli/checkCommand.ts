import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileError, readInputFile } from './fileError.js';
import { STILL_LIMITS } from '../imaging/readStill.js';
import type { SpecProfile } from '../../shared/spec/specProfile.js';
import { settleVerdict } from '../../shared/vision/settleVerdict.js';
import { withFinishChecks } from '../../shared/vision/finishChecks.js';
import type { Verdict } from '../../shared/vision/verdict.js';
import { HeadlessChecker } from '../check/headlessChecker.js';
import { finishPhoto } from '../imaging/finishPhoto.js';
import { decodeMaskPng } from '../imaging/maskPng.js';
import { analysisCopy } from '../imaging/stillToRgba.js';
import { ANALYSIS_MAX_SIDE } from '../capture/captureService.js';

/** One entry of `check --json`. Other tools read this shape: add fields, never rename or remove. */
export interface CheckReport {
  file: string;
  verdict: Verdict | null;
  /** The finished spec photo written into --out, or null. */
  finished: string | null;
  error: { code: string; zh: string; en: string } | null;
}

export interface CheckOptions {
  files: string[];
  spec: SpecProfile;
  outDir: string | null;
  json: boolean;
}

class EngineUnavailable extends Error {
  constructor(override readonly cause: unknown) {
    super('the check engine did not start');
  }
}

/** A file name for the finished photo that never overwrites another from the same run. */
function outName(file: string, used: Set<string>): string {
  const stem = basename(file, extname(file));
  let name = `${stem}.jpg`;
  for (let n = 2; used.has(name); n++) name = `${stem}-${n}.jpg`;
  used.add(name);
  return name;
}

/**
 * `campus-capture check`: the station's checks and finishing on photo files, headless. The same
 * path as the kiosk: an upright analysis copy through the vision engine in Chromium, then the spec
 * photo finished from the original by the same code in Node.
 */
export async function checkCommand(opts: CheckOptions): Promise<number> {
  if (opts.outDir) mkdirSync(opts.outDir, { recursive: true });
  // Chromium starts with the first file that can be read: a batch of unreadable files needs none.
  // Its failure to start (not built, not installed) is the run's, not that file's.
  let checker: HeadlessChecker | null = null;
  const engine = async () => {
    try {
      return (checker ??= await HeadlessChecker.open());
    } catch (err) {
      throw new EngineUnavailable(err);
    }
  };
  const used = new Set<string>();
  const reports: CheckReport[] = [];
  try {
    for (const file of opts.files) {
      const report = await checkOne(engine, file, opts, used);
      reports.push(report);
      if (!opts.json) process.stdout.write(formatReport(report));
    }
  } finally {
    await (checker as HeadlessChecker | null)?.close();
  }
  const blocked = (checker as HeadlessChecker | null)?.blocked ?? [];
  if (blocked.length > 0) process.stderr.write(`已阻止外部请求 / blocked requests: ${blocked.join(', ')}\n`);
  if (opts.json) process.stdout.write(JSON.stringify({ spec: opts.spec.id, results: reports }, null, 2) + '\n');
  return 0;
}

async function checkOne(engine: () => Promise<HeadlessChecker>, file: string, opts: CheckOptions, used: Set<string>): Promise<CheckReport> {
  const base: CheckReport = { file, verdict: null, finished: null, error: null };
  try {
    const original = await readInputFile(file, STILL_LIMITS.maxBytes);
    const analysis = await analysisCopy(original, ANALYSIS_MAX_SIDE);
    const checker = await engine();
    const found = await checker.check(analysis, opts.spec);
    // Judged exactly as the station judges a shot: framing on the original's own pixels.
    const original_ = { width: Math.round(analysis.width / analysis.scale), height: Math.round(analysis.height / analysis.scale) };
    let verdict = settleVerdict(found.verdict, found.face, original_, opts.spec);
    let finished: string | null = null;
    // Finished whenever a face was found, so the verdict holds the checks on the finished photo too;
    // written only with --out.
    // Without --out a photo that cannot be finished (a face too small to enlarge) keeps the still's
    // verdict, as before; with --out that is the file's error.
    if (found.face) {
      const mask = found.maskPngBase64 ? await decodeMaskPng(Buffer.from(found.maskPngBase64, 'base64')) : null;
      const photo = await finishPhoto({ original, face: found.face, mask, spec: opts.spec, upright: analysis }).catch((err: unknown) => {
        if (opts.outDir) throw err;
        return null;
      });
      if (photo) verdict = withFinishChecks(verdict, { background: photo.background }, opts.spec);
      if (photo && opts.outDir) {
        finished = join(opts.outDir, outName(file, used));
        writeFileSync(finished, photo.jpeg);
      }
    }
    return { ...base, verdict, finished };
  } catch (err) {
    if (err instanceof EngineUnavailable) throw err.cause;
    return { ...base, error: fileError(err) };
  }
}

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;

function formatReport(r: CheckReport): string {
  if (r.error) return `${r.file}: ${r.error.zh} / ${r.error.en}\n`;
  const v = r.verdict!;
  const lines = [`${r.file}: ${MARK[v.status]} ${v.status}${r.finished ? ` → ${r.finished}` : ''}`];
  for (const c of v.checks) {
    if (c.status !== 'pass') lines.push(`  ${MARK[c.status]} ${c.id} = ${c.value === null ? '—' : Number(c.value.toFixed(3))}  ${c.zh} / ${c.en}`);
  }
  return lines.join('\n') + '\n';
}
