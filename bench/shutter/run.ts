/**
 * Shutter → finished photo + verdict on a 24 MP JPEG (or --still 6mp | 1080p), taken as the kiosk takes a webcam shot: a real
 * station (temp folder) behind the real web shell, and in headless Chromium the built
 * shutterBench.html on that shell, which POSTs the still and runs the capture screen's processShot
 * (src/renderer/capture/processShot.ts) over its own RPC session and media URLs. Two paths in one
 * run, alternating shot by shot so machine noise hits both:
 *
 * - sequential: each step waits for the one before (copy → vision → mask up → finish → photo down),
 *   the shape of processShot before the overlap (src/renderer/shutterBenchPage.ts keeps it);
 * - kiosk:      processShot as the kiosk runs it now.
 *
 * Per shot: store (the still POSTed and on disk; a DSLR's shot is already there) and "from disk"
 * (from there to the finished photo decoded and the full verdict in hand: what a photographer waits
 * for after a DSLR shot), then the steps as the page saw them (wall clock), the vision worker's own
 * stages (`vision.*`) and main's (`main.copy.*`: the analysis copy; `main.finish.*`: the finish),
 * which main publishes on a diagnostics channel (src/main/capture/stillTimings.ts). Steps overlap
 * on the kiosk path, so its steps do not add up to its total.
 *
 * First shot: the page calls warmShot() as the task list does, then waits --think seconds (the
 * photographer logging in and checking the first student in) before the shutter.
 * Then the same with the machine busy (--loaded, default on): a real day export and a real sync
 * upload (bench/export, bench/sync, each in its own process) running beside the shots.
 * Needs `npm run build` first. Prints wall-clock figures (median, and the slowest shot); no
 * thresholds. On a shared machine the figures are noisy: compare the two paths within one run.
 *
 *   node --import tsx bench/shutter/run.ts [--runs 8] [--think 6] [--no-loaded] [--still 24mp|6mp|1080p]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { createAppContext } from '../../src/main/app/createAppContext.js';
import { packageRoot } from '../../src/main/app/packageRoot.js';
import { STILL_TIMINGS_CHANNEL, type StillTimings } from '../../src/main/capture/stillTimings.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { createHandlers } from '../../src/main/rpc/handlers.js';
import { createRouter } from '../../src/main/rpc/router.js';
import { startWebShell, type WebShell } from '../../src/main/web/webShell.js';
import { makeCameraStill } from '../finish/still24mp.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '8' }, think: { type: 'string', default: '6' }, 'no-loaded': { type: 'boolean', default: false }, still: { type: 'string', default: '24mp' } },
});
/** The still shot: a 24 MP DSLR JPEG (the issue's bar), the same body set to a 6 MP JPEG, or a webcam's 1080p frame. */
const STILLS = { '24mp': [6000, 4000, '24 MP JPEG'], '6mp': [3000, 2000, '6 MP JPEG'], '1080p': [1920, 1080, '1080p webcam JPEG'] } as const;
if (!(values.still in STILLS)) throw new Error(`--still: one of ${Object.keys(STILLS).join(', ')}`);
const [STILL_W, STILL_H, STILL_NAME] = STILLS[values.still as keyof typeof STILLS];
const RUNS = Number(values.runs);
const THINK_MS = Number(values.think) * 1000;
const PIN = '1234';
const PATHS = ['sequential', 'kiosk'] as const;
type Path = (typeof PATHS)[number];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Main's timings by capture, as finishCapture and analysisImage publish them. */
const mainTimings = new Map<string, Record<string, number>>();
subscribe(STILL_TIMINGS_CHANNEL, (message) => {
  const t = message as StillTimings;
  const into = mainTimings.get(t.captureId) ?? {};
  const prefix = t.step === 'analysisCopy' ? 'main.copy.' : 'main.finish.';
  for (const [k, v] of Object.entries(t.ms)) into[prefix + k] = v;
  mainTimings.set(t.captureId, into);
});

interface Station {
  shell: WebShell;
  close(): Promise<void>;
}

async function openStation(): Promise<Station> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-shutter-'));
  const ctx = await createAppContext({ dataDir: dir, demo: true });
  const shell = await startWebShell({ port: 0, rendererDir: join(packageRoot(), 'dist', 'renderer'), dispatch: createRouter(createHandlers(ctx, 'websocket')), subscribe: ctx.subscribe });
  return {
    shell,
    async close() {
      await shell.close();
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the page's shot() returns (src/renderer/shutterBenchPage.ts). */
interface BenchShot {
  store: number;
  fromDisk: number;
  timings: Record<string, number>;
  verdict: string;
  checks: Record<string, string>;
  bytes: number | null;
}

type BenchWindow = { shutterBench: { open(pin: string, taskCode: string, b64: string): Promise<void>; warm(): void; shot(path: Path): Promise<BenchShot> } };

interface Shot extends BenchShot {
  main: Record<string, number>;
}

async function shot(page: Page, path: Path): Promise<Shot> {
  const r = await page.evaluate((p) => (window as unknown as BenchWindow).shutterBench.shot(p), path);
  // finishCapture publishes before the RPC answers, so main's figures are in by now.
  const captures = [...mainTimings.keys()];
  const main = mainTimings.get(captures[captures.length - 1]!) ?? {};
  mainTimings.clear();
  return { ...r, main };
}

function stepsOf(s: Shot): Record<string, number> {
  return { store: s.store, fromDisk: s.fromDisk, ...s.timings, ...s.main };
}

const LABELS: Record<string, string> = { store: 'store (webcam still up)', fromDisk: 'FROM DISK TO VERDICT' };
const ORDER = ['store', 'fromDisk', 'copy', 'vision', 'maskUp', 'finish', 'photoDown'];

function table(label: string, shots: Record<Path, Shot[]>): void {
  console.log(`\n${label}: ${STILL_NAME}, median of ${shots.kiosk.length} shots per path (slowest in brackets), ms`);
  console.log(`  ${'step'.padEnd(28)}${'sequential'.padStart(14)}${'kiosk'.padStart(14)}`);
  const keys = new Set<string>();
  for (const p of PATHS) for (const s of shots[p]) for (const k of Object.keys(stepsOf(s))) keys.add(k);
  const rank = (k: string) => {
    const i = ORDER.indexOf(k);
    return i >= 0 ? i : k.startsWith('vision.') ? 100 : k.startsWith('main.copy.') ? 200 : k.startsWith('main.finish.') ? 300 : 50;
  };
  const sorted = [...keys].sort((a, b) => rank(a) - rank(b));
  for (const k of sorted) {
    const cell = (p: Path) => {
      const xs = shots[p].map((s) => stepsOf(s)[k]).filter((x): x is number => typeof x === 'number');
      return (xs.length ? `${median(xs).toFixed(0)} (${Math.max(...xs).toFixed(0)})` : '—').padStart(14);
    };
    console.log(`  ${(LABELS[k] ?? k).padEnd(28)}${cell('sequential')}${cell('kiosk')}`);
  }
  // Both paths shoot the same still: their verdicts must agree check by check.
  const differ = new Set<string>();
  const ref = shots.sequential[0]!.checks;
  for (const p of PATHS) for (const s of shots[p]) for (const [id, st] of Object.entries(s.checks)) if (ref[id] !== st) differ.add(id);
  console.log(`  verdict ${shots.kiosk[0]!.verdict} on both paths; checks that differ between shots: ${differ.size ? [...differ].join(', ') : 'none'}`);
}

async function measure(label: string, page: Page): Promise<void> {
  const shots: Record<Path, Shot[]> = { sequential: [], kiosk: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const path of i % 2 === 0 ? PATHS : [...PATHS].reverse()) shots[path].push(await shot(page, path));
  }
  table(label, shots);
}

/** A real day export and a real sync upload, each looping in its own process until stopped. */
function startLoad(): ChildProcess[] {
  const loop = (args: string[]) =>
    spawn('bash', ['-c', `while true; do ${process.execPath} --import tsx ${args.join(' ')} >/dev/null 2>&1; done`], { stdio: 'ignore', detached: true });
  return [loop(['bench/export/run.ts', '--students', '300']), loop(['bench/sync/run.ts', '--orders', '30', '--mbit', '100'])];
}

async function main(): Promise<void> {
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(join(packageRoot(), 'dist', 'renderer', 'shutterBench.html'))) throw new Error('dist/renderer/shutterBench.html missing: run npm run build');
  const { jpeg } = await makeCameraStill(STILL_W, STILL_H);
  const st = await openStation();
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    const origin = new URL(st.shell.url).origin;
    const blocked: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${origin}/shutterBench.html#secret=${st.shell.secret}`);
    await page.waitForFunction('window.shutterBenchReady === true', undefined, { timeout: 60_000 });
    await page.evaluate(([pin, task, b64]) => (window as unknown as BenchWindow).shutterBench.open(pin, task, b64), [PIN, DEMO_TASK_CODE, jpeg.toString('base64')] as const);
    await page.evaluate(() => (window as unknown as BenchWindow).shutterBench.warm());
    await new Promise((r) => setTimeout(r, THINK_MS));
    const first = await shot(page, 'kiosk');
    console.log(`first shot (kiosk path, ${THINK_MS / 1000} s after warmShot): store ${first.store.toFixed(0)} ms, from disk to verdict ${first.fromDisk.toFixed(0)} ms`);
    console.log(`  ${Object.entries(stepsOf(first)).filter(([k]) => k !== 'store' && k !== 'fromDisk').map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
    await measure('idle machine', page);
    if (!values['no-loaded']) {
      const load = startLoad();
      try {
        // Let the export seed its station and the sync start moving bytes.
        await new Promise((r) => setTimeout(r, 15_000));
        await measure('busy machine (an export and a sync upload beside it)', page);
      } finally {
        for (const p of load) if (p.pid) process.kill(-p.pid, 'SIGTERM');
      }
    }
    if (blocked.length) console.log(`blocked requests: ${blocked.join(', ')}`);
  } finally {
    await browser.close();
    await st.close();
  }
}

await main();
