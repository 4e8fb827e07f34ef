import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { PORTRAIT_DIR, PORTRAIT_FACES, personShapeMask, scaleFace } from '../../bench/finish/portraitFixtures.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { handVerdict } from '../helpers/stationCapture.js';
import type { tempApp } from '../helpers/tempApp.js';

/** Shared by the printing tests: a captured student with a replaced background, and the PDF queue's output. */

type App = Awaited<ReturnType<typeof tempApp>>;

/**
 * Check-in, a real portrait, finishing with a person mask (so the background is the spec colour,
 * as on a real station), acceptance. The mask is the crude stand-in the imaging tests use.
 */
export async function captureWithMask(app: App, s: Session, query: string, portrait: keyof typeof PORTRAIT_FACES = 'a'): Promise<{ orderId: string; studentName: string }> {
  const [student] = (await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query })).students;
  if (!student) throw new Error(`no demo student for ${query}`);
  const { orderId } = await app.call(s, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: student.id });
  await app.call(s, 'capture.begin', { orderId });
  const bytes = readFileSync(join(PORTRAIT_DIR, `portrait-${portrait}.jpg`));
  const shot = await app.call(s, 'capture.submitStill', { orderId, camera: 'uvc', imageBase64: bytes.toString('base64') });
  const analysis = await app.call(s, 'capture.analysisImage', { captureId: shot.captureId });
  const face = scaleFace(PORTRAIT_FACES[portrait], analysis.scale, 0, 0, analysis.width, analysis.height);
  const mask = personShapeMask(face, 256);
  const maskPng = await sharp(Buffer.from(mask.data), { raw: { width: mask.width, height: mask.height, channels: 1 } }).png().toBuffer();
  await app.call(s, 'capture.finish', { captureId: shot.captureId, face, maskPngBase64: maskPng.toString('base64'), verdict: handVerdict() });
  const accept = { orderId, captureId: shot.captureId, overrides: [] };
  const first = await app.raw('capture.accept', accept, s);
  if (!first.ok) {
    // A demo student with an admission photo that does not match the stand-in portrait: confirm identity.
    await app.call(s, 'capture.accept', { ...accept, faceMatchReason: '测试：已核对学生证件' } as never);
  }
  return { orderId, studentName: student.name };
}

/** The PDFs cups-pdf wrote for a CUPS job: named "…-job_<id>.pdf" (Label 2 in our instance config). */
export function pdfsForJob(outputDir: string, cupsJobId: number): string[] {
  if (!existsSync(outputDir)) return [];
  return readdirSync(outputDir)
    .filter((f) => f.endsWith(`-job_${cupsJobId}.pdf`))
    .map((f) => join(outputDir, f));
}

export async function waitFor<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export function pdfPageSizePt(pdf: string): { w: number; h: number; pages: number } {
  const r = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdfinfo failed: ${r.stderr}`);
  const m = /Page size:\s*([\d.]+) x ([\d.]+) pts/.exec(r.stdout);
  const pages = Number(/Pages:\s*(\d+)/.exec(r.stdout)?.[1] ?? 0);
  if (!m) throw new Error(`no page size in ${r.stdout}`);
  return { w: Number(m[1]), h: Number(m[2]), pages };
}

/** pdftoppm at `dpi` → PNG buffer of the first page. */
export function rasterise(pdf: string, outPrefix: string, dpi = 300): Buffer {
  const r = spawnSync('pdftoppm', ['-r', String(dpi), '-png', '-singlefile', pdf, outPrefix], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftoppm failed: ${r.stderr}`);
  return readFileSync(`${outPrefix}.png`);
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Photo rectangles on a printed sheet: pixels clearly not paper white, eroded so hairline guides
 * (1 px) and gaps vanish, grouped into connected regions, grown back; tiny regions are dropped.
 */
export async function findPhotoRects(png: Buffer, minSidePx = 100): Promise<Rect[]> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width: W, height: H, channels: C } = info;
  const ink = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) {
    const r = data[i * C]!;
    const g = data[i * C + 1]!;
    const b = data[i * C + 2]!;
    // Paper is white; a guide is mid grey but one pixel wide; photos are colour or dark.
    ink[i] = Math.min(r, g, b) < 235 ? 1 : 0;
  }
  // Erode by 2 px (5×5): removes 1–2 px lines, keeps photos separate across ≥ 4 px gaps.
  const R = 2;
  const rowMin = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let v = 1;
      for (let d = -R; d <= R && v; d++) {
        const xx = x + d;
        if (xx < 0 || xx >= W || !ink[y * W + xx]) v = 0;
      }
      rowMin[y * W + x] = v;
    }
  }
  const core = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let v = 1;
      for (let d = -R; d <= R && v; d++) {
        const yy = y + d;
        if (yy < 0 || yy >= H || !rowMin[yy * W + x]) v = 0;
      }
      core[y * W + x] = v;
    }
  }
  const seen = new Uint8Array(W * H);
  const rects: Rect[] = [];
  const stack: number[] = [];
  for (let i = 0; i < W * H; i++) {
    if (!core[i] || seen[i]) continue;
    let x0 = W;
    let y0 = H;
    let x1 = -1;
    let y1 = -1;
    seen[i] = 1;
    stack.push(i);
    while (stack.length) {
      const j = stack.pop()!;
      const x = j % W;
      const y = (j - x) / W;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (const k of [x > 0 ? j - 1 : -1, x < W - 1 ? j + 1 : -1, y > 0 ? j - W : -1, y < H - 1 ? j + W : -1]) {
        if (k >= 0 && core[k] && !seen[k]) {
          seen[k] = 1;
          stack.push(k);
        }
      }
    }
    const rect = { x: x0 - R, y: y0 - R, w: x1 - x0 + 1 + 2 * R, h: y1 - y0 + 1 + 2 * R };
    if (rect.w >= minSidePx && rect.h >= minSidePx) rects.push(rect);
  }
  return rects.sort((a, b) => a.y - b.y || a.x - b.x);
}
