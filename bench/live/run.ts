/**
 * Live guidance bench: the preview loop (useLiveVision: requestVideoFrameCallback → VideoFrame →
 * worker with the landmarker) in Debian Chromium on a fake camera playing a still portrait, per
 * camera size. Prints analysed fps, camera fps, dropped frames, worker and latency percentiles and
 * UI-thread stalls, then what the guidance says on each test portrait. No thresholds.
 *
 *   node --import tsx bench/live/run.ts [--seconds 10] [--sizes 640x480,1280x720] [--fps 30] [--portraits a,b,c] [--config '{"cropPx":256}']
 *
 * Each size gets its own browser: Chromium takes the fake camera file at launch.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { serveStatic } from '../../src/main/web/staticFiles.js';
import { buildRendererInto } from '../../tests/helpers/checkInChromium.js';
import { writeY4m } from '../../tests/helpers/fakeCameraVideo.js';
import { tempDir } from '../../tests/helpers/tempApp.js';
import { PORTRAIT_DIR } from '../finish/portraitFixtures.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WARMUP_MS = 2000;

/** The page's API (src/renderer/liveBenchPage.tsx), as far as the bench reads it. */
interface Snapshot {
  at: number;
  since: number;
  stats: { fps: number; framesSeen: number; framesAnalysed: number; framesDropped: number };
  track: { totalFrames: number; deliveredFrames: number; discardedFrames: number } | null;
  video: { width: number; height: number };
  timings: Array<Record<'detect' | 'crop' | 'landmarks' | 'measure' | 'light' | 'total' | 'yuv', number>>;
  latencyMs: number[];
  rafGapsMs: number[];
  longTasks: number;
  longTaskMs: number;
  firstFeedbackMs: number | null;
  feedback: { allGood: boolean; steady: boolean; items: Array<{ id: string; status: string; zh: string; en: string }> } | null;
  lastMeasures: unknown;
  error: string | null;
}
interface BenchWindow {
  liveBench: { start(specJson: string, config: object): Promise<void>; reset(): void; snapshot(): Snapshot };
}

/** Busy and total jiffies of the whole machine (Linux): the share of both cores the run used. */
function cpuTimes(): { busy: number; total: number } | null {
  try {
    const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const n = f.map(Number);
    const idle = n[3]! + (n[4] ?? 0);
    const total = n.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

const pct = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

async function runOne(origin: string, video: string, specJson: string, config: object, seconds: number) {
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  try {
    const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 800 } });
    await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient')));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // TFLite's "INFO: Created … XNNPACK delegate" arrives on console.error: not an error.
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('INFO:') && errors.push(m.text()));
    await page.goto(`${origin}/liveBench.html`);
    await page.evaluate(([s, c]) => (window as unknown as BenchWindow).liveBench.start(s, c), [specJson, config] as const);
    await page.waitForFunction(() => (window as unknown as BenchWindow).liveBench.snapshot().feedback !== null, null, { timeout: 30_000 });
    await page.waitForTimeout(WARMUP_MS);
    const before = await page.evaluate(() => {
      const w = window as unknown as BenchWindow;
      w.liveBench.reset();
      return w.liveBench.snapshot();
    });
    const cpu0 = cpuTimes();
    await page.waitForTimeout(seconds * 1000);
    const cpu1 = cpuTimes();
    const after = await page.evaluate(() => (window as unknown as BenchWindow).liveBench.snapshot());
    // LIVE_BENCH_SCREENSHOTS=dir: what the panel looked like at the end of each run.
    const shots = process.env['LIVE_BENCH_SCREENSHOTS'];
    if (shots) await page.screenshot({ path: join(shots, `${basename(video, '.y4m')}.png`) });
    const cpuBusy = cpu0 && cpu1 ? (cpu1.busy - cpu0.busy) / Math.max(1, cpu1.total - cpu0.total) : null;
    return { before, after, errors, cpuBusy };
  } finally {
    await browser.close();
  }
}

function report(label: string, r: Awaited<ReturnType<typeof runOne>>) {
  const { before: b, after: a } = r;
  const s = (a.at - b.at) / 1000;
  const seen = a.stats.framesSeen - b.stats.framesSeen;
  const analysed = a.stats.framesAnalysed - b.stats.framesAnalysed;
  const dropped = a.stats.framesDropped - b.stats.framesDropped;
  const trackFrames = a.track && b.track ? a.track.deliveredFrames - b.track.deliveredFrames : null;
  const total = a.timings.map((t) => t.total);
  const stage = (k: keyof Snapshot['timings'][number]) => `${f1(pct(a.timings.map((t) => t[k]), 0.5))}/${f1(pct(a.timings.map((t) => t[k]), 0.95))}`;
  console.log(`\n${label}: video ${a.video.width}×${a.video.height}, ${s.toFixed(1)} s measured, first feedback after ${f1(a.firstFeedbackMs ?? NaN)} ms (model load included)`);
  console.log(`  analysed ${f1(analysed / s)} fps; camera ${f1(seen / s)} fps presented${trackFrames !== null ? `, ${f1(trackFrames / s)} fps delivered by the track` : ''}`);
  console.log(`  dropped ${dropped} of ${seen} frames seen (${f1((100 * dropped) / Math.max(1, seen))} %)`);
  console.log(`  worker ms p50/p95: total ${f1(pct(total, 0.5))}/${f1(pct(total, 0.95))} (detect ${stage('detect')}, crop ${stage('crop')}, landmarks ${stage('landmarks')}, measure ${stage('measure')}, light ${stage('light')}; cut read from YUV planes on ${f1((100 * a.timings.filter((t) => t.yuv).length) / Math.max(1, a.timings.length))} % of frames)`);
  console.log(`  frame → result latency ms p50/p95: ${f1(pct(a.latencyMs, 0.5))}/${f1(pct(a.latencyMs, 0.95))}`);
  if (r.cpuBusy !== null) console.log(`  machine CPU busy ${f1(100 * r.cpuBusy)} % of all ${availableParallelism()} cores (browser + bench)`);
  console.log(`  UI thread: rAF gap p50/p99/max ${f1(pct(a.rafGapsMs, 0.5))}/${f1(pct(a.rafGapsMs, 0.99))}/${f1(Math.max(...a.rafGapsMs))} ms, long tasks ${a.longTasks} (${f1(a.longTaskMs)} ms)`);
  const fb = a.feedback;
  console.log(`  feedback: ${fb ? (fb.allGood ? `all good${fb.steady ? ' (steady)' : ''}` : fb.items.filter((i) => i.status !== 'pass').map((i) => `${i.zh} / ${i.en} [${i.id} ${i.status}]`).join('; ')) : '(none)'}`);
  if (process.env['LIVE_BENCH_VERBOSE']) console.log(`  measures: ${JSON.stringify(a.lastMeasures)}\n  items: ${JSON.stringify(fb?.items)}`);
  if (a.error || r.errors.length) console.log(`  errors: ${[a.error, ...r.errors].filter(Boolean).join(' | ')}`);
}

/** portrait-X.jpg, or for "ab" the two portraits side by side, each 720 px high. */
async function portraitImage(id: string, dir: string): Promise<string> {
  const file = (c: string) => join(PORTRAIT_DIR, `portrait-${c}.jpg`);
  if (id.length === 1) return file(id);
  const parts = await Promise.all([...id].map((c) => sharp(file(c)).resize({ height: 720 }).toBuffer({ resolveWithObject: true })));
  const width = parts.reduce((w, p) => w + p.info.width, 0);
  let left = 0;
  const out = join(dir, `portrait-${id}.png`);
  await sharp({ create: { width, height: 720, channels: 3, background: '#000' } })
    .composite(parts.map((p) => ({ input: p.data, left: (left += p.info.width) - p.info.width, top: 0 })))
    .png()
    .toFile(out);
  return out;
}

async function main() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      sizes: { type: 'string', default: '640x480,1280x720' },
      config: { type: 'string', default: '{}' },
      portraits: { type: 'string', default: 'a,b,c,ab' },
      fps: { type: 'string', default: '30' },
    },
  });
  const seconds = Number(values.seconds);
  const cameraFps = Number(values.fps);
  const config = JSON.parse(values.config) as object;
  const sizes = values.sizes.split(',').filter(Boolean).map((s) => s.split('x').map(Number) as [number, number]);
  const specJson = readFileSync(join('resources', 'specs', 'xuexin.json'), 'utf8');
  console.log(`Live guidance bench: ${availableParallelism()} cores, camera ${cameraFps} fps (fake, y4m), config ${JSON.stringify(config)}`);

  const tmp = tempDir('cc-live-bench-');
  let server: Server | null = null;
  try {
    const build = join(tmp.dir, 'renderer');
    buildRendererInto(build);
    server = createServer((req, res) => serveStatic(build, req, res));
    await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    for (const [w, h] of sizes) {
      const video = join(tmp.dir, `a-${w}x${h}.y4m`);
      writeY4m(video, join(PORTRAIT_DIR, 'portrait-a.jpg'), { width: w, height: h, fps: cameraFps, seconds: 1 });
      report(`portrait-a ${w}×${h}`, await runOne(origin, video, specJson, config, seconds));
    }
    // What the guidance says on each test portrait (the fake camera plays it, fitted on black);
    // two letters put two portraits side by side (two people in the picture).
    for (const id of values.portraits.split(',').filter(Boolean)) {
      const video = join(tmp.dir, `${id}-1280x720.y4m`);
      writeY4m(video, await portraitImage(id, tmp.dir), { width: 1280, height: 720, fps: cameraFps, seconds: 1 });
      report(`portrait-${id} 1280×720 (guidance)`, await runOne(origin, video, specJson, config, 3));
    }
  } finally {
    server?.close();
    tmp.cleanup();
  }
}

await main();
