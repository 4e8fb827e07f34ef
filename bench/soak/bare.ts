/**
 * bench/soak without playwright: the same captures through the kiosk, but Chromium is started
 * directly and the page is driven over a bare DevTools connection that enables no domain but what
 * it uses (Runtime to read the page, Input to press keys). Playwright enables the Network domain on
 * every page, and Chromium's DevTools then keeps the bodies of loaded resources in the renderer
 * until the next navigation; this run tells whether the renderer's growth in bench/soak is the
 * kiosk's or that instrumentation's. Memory is read from /proc (PSS per Chromium process type).
 * Like bench/soak it counts the no-face shots and grabStill's re-drawn blank frames (Runtime's console
 * events), and `--keep DIR` keeps the no-face shots' originals and analysis copies.
 *
 *   node --import tsx bench/soak/bare.ts [--captures 200] [--every 20] [--warmup 40] [--keep DIR]
 *   [--students N]: the demo task's size (default: enough for the captures with the cancelled ones left out, at least 300); each
 *     student is photographed once with 2 shots, so a 5,000-capture day needs 2,500
 *   [--rest 90]: after the captures, the kiosk left alone on its check-in screen that many seconds,
 *     sampled every 15 s — whether what grew is held or given back once the shots stop
 *   node --import tsx bench/soak/bare.ts --idle 480   (no captures: the capture screen's live view
 *     left running for that many seconds, sampled every 20 s — whether the renderer grows with
 *     shots or with time)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { PORTRAIT_DIR } from '../finish/portraitFixtures.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { writeY4m } from '../../tests/helpers/fakeCameraVideo.js';
import { CHROMIUM_ARGS, startKiosk } from '../../tests/e2e/support/launchKiosk.js';
import { countNoFace, keepNoFace } from './noFace.js';
import { chromiumMemory, slope } from './procMemory.js';

const { values } = parseArgs({ options: { idle: { type: 'string' }, rest: { type: 'string', default: '0' }, captures: { type: 'string', default: '200' }, every: { type: 'string', default: '20' }, warmup: { type: 'string', default: '40' }, students: { type: 'string' }, keep: { type: 'string' } } });
const CAPTURES = Number(values.captures);
const EVERY = Number(values.every);
const WARMUP = Number(values.warmup);
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A bare CDP connection to one page target. */
class Cdp {
  private id = 0;
  private waiting = new Map<number, (m: { result?: unknown; error?: { message: string } }) => void>();
  /** Text of the page's console calls (once Runtime is enabled). */
  readonly console: string[] = [];
  constructor(private readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: { args?: { value?: unknown }[] } };
      if (m.id !== undefined) this.waiting.get(m.id)?.(m);
      else if (m.method === 'Runtime.consoleAPICalled') this.console.push((m.params?.args ?? []).map((a) => String(a.value)).join(' '));
    });
  }
  send<T>(method: string, params: object = {}): Promise<T> {
    const id = ++this.id;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (m) => (this.waiting.delete(id), m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result as T)));
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
  async eval<T>(expression: string): Promise<T> {
    const r = await this.send<{ result: { value: T }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`${r.exceptionDetails.text}: ${expression.slice(0, 80)}`);
    return r.result.value;
  }
  async until(expression: string, timeoutMs = 90_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await this.eval<boolean>(`!!(${expression})`)) return;
      await sleep(50);
    }
    const said = await this.eval<string>(`document.querySelector('[data-testid="capture-screen"]')?.innerText?.slice(0, 600) ?? document.body.innerText.slice(0, 600)`);
    throw new Error(`timed out: ${expression}\n${said}`);
  }
  async key(key: string): Promise<void> {
    const k = { ' ': ['Space', 32, ' '], a: ['KeyA', 65, 'a'], Enter: ['Enter', 13, '\r'] }[key] as [string, number, string];
    await this.send('Input.dispatchKeyEvent', { type: 'keyDown', key, code: k[0], windowsVirtualKeyCode: k[1], text: k[2] });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code: k[0], windowsVirtualKeyCode: k[1] });
  }
  /** Sets a React-controlled field's value as typing would. */
  async fill(selector: string, value: string): Promise<void> {
    await this.eval(`(() => { const el = document.querySelector(${JSON.stringify(selector)}); const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, ${JSON.stringify(value)}); el.dispatchEvent(new Event('input', { bubbles: true })); })()`);
  }
  async click(selector: string): Promise<void> {
    await this.until(`document.querySelector(${JSON.stringify(selector)}) && !document.querySelector(${JSON.stringify(selector)}).disabled`);
    await this.eval(`document.querySelector(${JSON.stringify(selector)}).click()`);
  }
}

const tid = (id: string) => `[data-testid="${id}"]`;
/** Every Chromium process's PSS together: the "browser side" (≤ 1.5 GB at any point). */
const total = (pss: Record<string, number>) => Object.values(pss).reduce((a, b) => a + b, 0);

/** The capture screen open on one student, live view running, no shot: memory per minute. */
async function idleLiveView(cdp: Cdp, pid: number, studentNo: string, seconds: number): Promise<void> {
  await cdp.until(`document.querySelector('${tid('search-input')}')`);
  await cdp.fill(tid('search-input'), studentNo);
  await cdp.click(tid('search-result'));
  await cdp.click(tid('checkin-confirm'));
  await cdp.until(`document.querySelector('${tid('shutter')}') && !document.querySelector('${tid('shutter')}').disabled`, 60_000);
  const t0 = performance.now();
  const samples: { minutes: number; renderer: number }[] = [];
  while (performance.now() - t0 < seconds * 1000) {
    await sleep(20_000);
    const minutes = (performance.now() - t0) / 60_000;
    const pss = chromiumMemory(pid);
    samples.push({ minutes, renderer: pss.renderer ?? 0 });
    console.log(`${minutes.toFixed(1).padStart(5)} min idle | renderer ${((pss.renderer ?? 0) / MB).toFixed(0)} MB, browser ${((pss.browser ?? 0) / MB).toFixed(0)} MB, gpu ${((pss['gpu-process'] ?? 0) / MB).toFixed(0)} MB`);
  }
  const after = samples.filter((s) => s.minutes >= 1);
  const ys = after.map((s) => s.renderer);
  console.log(`\nlive view, no shots: renderer ${((slope(after.map((s) => s.minutes), ys)) / MB).toFixed(1)} MB / min after the first minute (${(ys[0]! / MB).toFixed(0)} → ${(ys.at(-1)! / MB).toFixed(0)} MB)`);
}

async function main(): Promise<void> {
  const students0 = Number(values.students ?? Math.max(300, Math.ceil(CAPTURES * 0.6) + 10));
  const kiosk = await startKiosk({ extraArgs: ['--demo-students', String(students0)] });
  const profile = mkdtempSync(join(tmpdir(), 'cc-soak-bare-'));
  const video = join(kiosk.dataDir, 'portrait-a.y4m');
  writeY4m(video, join(PORTRAIT_DIR, 'portrait-a.jpg'), { width: 1280, height: 720, fps: 15, seconds: 2 });
  const chromium = spawn(
    process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    [...CHROMIUM_ARGS, '--headless=new', `--user-data-dir=${profile}`, '--remote-debugging-port=0', '--window-size=1600,1000', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`, kiosk.launchUrl],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let err = '';
      chromium.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
        if (m) resolve(Number(m[1]));
      });
      chromium.once('exit', () => reject(new Error(err)));
    });
    await sleep(1000);
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; url: string; webSocketDebuggerUrl: string }[];
    const target = targets.find((t) => t.type === 'page' && t.url.startsWith('http://127.0.0.1'))!;
    const ws = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 256 * MB });
    await new Promise((r) => ws.once('open', r));
    const cdp = new Cdp(ws);
    // For grabStill's word on a blank camera frame it drew again (issue 18).
    await cdp.send('Runtime.enable');
    const students = (() => {
      const db = new Database(join(kiosk.dataDir, 'station.sqlite'), { readonly: true });
      try {
        return db
          .prepare(
            `SELECT s.student_no FROM students s WHERE s.task_code = ? AND s.student_no IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.student_id = s.id AND r.state = 'cancelled')
             ORDER BY s.student_no`,
          )
          .pluck()
          .all(DEMO_TASK_CODE) as string[];
      } finally {
        db.close();
      }
    })();
    await cdp.until(`document.querySelector('${tid('pin-input')}')`, 60_000);
    await cdp.fill(tid('pin-input'), '1234');
    await cdp.click(tid('pin-submit'));
    await cdp.click(tid(`task-card-${DEMO_TASK_CODE}`));
    if (values.idle) {
      await idleLiveView(cdp, chromium.pid!, students[0]!, Number(values.idle));
      ws.close();
      return;
    }
    const samples: { captures: number; pss: Record<string, number> }[] = [];
    let captures = 0;
    const t0 = performance.now();
    for (let i = 0; captures < CAPTURES; i++) {
      // Each student is photographed once (2 shots): the demo roster bounds a run.
      if (i >= students.length) throw new Error(`the demo roster has ${students.length} students to photograph: at most ${2 * students.length} captures, not ${CAPTURES} (--students)`);
      await cdp.until(`document.querySelector('${tid('search-input')}')`);
      await cdp.fill(tid('search-input'), students[i]!);
      await cdp.click(tid('search-result'));
      await cdp.click(tid('checkin-confirm'));
      await cdp.until(`document.querySelector('${tid('capture-screen')}')`);
      for (let k = 1; ; k++) {
        await cdp.until(`document.querySelector('${tid('shutter')}') && !document.querySelector('${tid('shutter')}').disabled`, 60_000);
        await cdp.key(' ');
        await cdp.until(
          `document.querySelectorAll('${tid('shot-strip')} li').length >= ${k} || (${k} === 1 && document.querySelector('${tid('finished-photo')}, ${tid('no-face')}'))`,
        );
        await cdp.until(`!document.querySelector('${tid('shutter')}').disabled`, 60_000);
        captures++;
        if (captures % EVERY === 0) {
          const s = { captures, pss: chromiumMemory(chromium.pid!) };
          samples.push(s);
          console.log(`${String(captures).padStart(5)} captures ${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s | renderer ${((s.pss.renderer ?? 0) / MB).toFixed(0)} MB, browser ${((s.pss.browser ?? 0) / MB).toFixed(0)} MB, gpu ${((s.pss['gpu-process'] ?? 0) / MB).toFixed(0)} MB, all Chromium ${(total(s.pss) / MB).toFixed(0)} MB`);
        }
        const finished = await cdp.eval<boolean>(`!!document.querySelector('${tid('finished-photo')}')`);
        if (finished && k >= 2) break;
      }
      const failed = await cdp.eval<string[]>(`[...document.querySelectorAll('${tid('verdict-list')} li[data-status="fail"]')].map((e) => e.getAttribute('data-check'))`);
      await cdp.key('a');
      if (failed.length > 0) {
        await cdp.until(`document.querySelector('${tid('override-form')}')`);
        for (const id of failed) await cdp.fill(tid(`override-${id}`), '演示：已与学生确认');
        await cdp.click(tid('override-submit'));
      }
      await cdp.until(`document.querySelector('${tid('capture-accepted')}')`);
      await cdp.key('Enter');
    }
    for (let t = 15; t <= Number(values.rest); t += 15) {
      await sleep(15_000);
      const pss = chromiumMemory(chromium.pid!);
      console.log(`  rest ${String(t).padStart(3)} s | renderer ${((pss.renderer ?? 0) / MB).toFixed(0)} MB, browser ${((pss.browser ?? 0) / MB).toFixed(0)} MB, gpu ${((pss['gpu-process'] ?? 0) / MB).toFixed(0)} MB`);
    }
    const regrabs = cdp.console.filter((t) => t.startsWith('grabStill:'));
    for (const t of regrabs) console.log(t);
    console.log(`\nno face: ${countNoFace(kiosk.dataDir)} of ${captures} shots; blank camera frames drawn again by grabStill: ${regrabs.length}`);
    if (values.keep) console.log(`no-face shots' originals and analysis copies kept in ${values.keep}: ${await keepNoFace(kiosk.dataDir, values.keep)}`);
    const after = samples.filter((s) => s.captures >= WARMUP);
    console.log(`\nno DevTools Network domain; growth per 100 captures after the first ${WARMUP} (least squares over ${after.length} samples):`);
    for (const type of ['renderer', 'browser', 'gpu-process']) {
      const ys = after.map((s) => s.pss[type] ?? 0);
      console.log(`  Chromium ${type.padEnd(12)} ${((slope(after.map((s) => s.captures), ys) * 100) / MB).toFixed(1).padStart(7)} MB / 100   (${(ys[0]! / MB).toFixed(0)} → ${(ys.at(-1)! / MB).toFixed(0)} MB)`);
    }
    const peak = samples.reduce((m, s) => Math.max(m, total(s.pss)), 0);
    console.log(`  all Chromium processes (PSS), largest sample: ${(peak / MB).toFixed(0)} MB`);
    ws.close();
  } finally {
    chromium.kill('SIGTERM');
    await kiosk.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
