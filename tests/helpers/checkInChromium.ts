import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic } from '../../src/main/web/staticFiles.js';
import type { SpecProfile } from '../../src/shared/spec/specProfile.js';
import type { FaceGeometry } from '../../src/shared/vision/faceGeometry.js';
import type { PhotoMeasures } from '../../src/shared/vision/measureTypes.js';
import type { Verdict } from '../../src/shared/vision/verdict.js';
import { tempDir } from './tempApp.js';

/** What window.campusCheck (src/renderer/checkPage.ts) returns. */
export interface CheckResult {
  verdict: Verdict;
  face: FaceGeometry | null;
  maskPngBase64: string | null;
  measures: PhotoMeasures;
  timings: Record<string, number>;
}

export interface CheckInChromium {
  /** Runs the kiosk's still checks on an encoded image (JPEG/PNG bytes). */
  check(bytes: Uint8Array, spec: SpecProfile): Promise<CheckResult>;
  /** Every request the page made to anything but 127.0.0.1 (all were aborted). */
  readonly blockedRequests: readonly string[];
  /** Page errors and console errors, for assertion messages. */
  readonly consoleErrors: readonly string[];
  readonly page: Page;
  close(): Promise<void>;
}

/** The page's globals (declared for the renderer in checkPage.ts; the tests compile without it). */
interface CheckWindow {
  campusCheck(bytesBase64: string, specJson: string): Promise<CheckResult>;
  campusCheckReady?: boolean;
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Builds the renderer (index.html + check.html + vision assets) into a temp folder, never into dist/. */
export function buildRendererInto(outDir: string): void {
  const r = spawnSync(process.execPath, [join('node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`vite build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/**
 * Exactly the kiosk's still-check engine in Debian Chromium: a temp vite build served on 127.0.0.1
 * by the web shell's own static handler (so the same CSP header applies), check.html opened through
 * playwright-core, window.campusCheck called per image. Any request leaving 127.0.0.1 is aborted and
 * recorded. One browser and one page for all calls: the models load once.
 */
export async function startCheckInChromium(opts: { buildDir?: string } = {}): Promise<CheckInChromium> {
  const tmp = opts.buildDir ? null : tempDir('cc-check-build-');
  const root = opts.buildDir ?? tmp!.dir;
  if (!opts.buildDir) buildRendererInto(root);
  const server: Server = createServer((req, res) => serveStatic(root, req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const blockedRequests: string[] = [];
  const consoleErrors: string[] = [];
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ serviceWorkers: 'block' });
    // Workers' requests pass through the context's routes too.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      blockedRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`console: ${m.text()}`));
    await page.goto(`${origin}/check.html`);
    await page.waitForFunction(() => (window as unknown as CheckWindow).campusCheckReady === true, null, { timeout: 30_000 });
    const b = browser;
    return {
      page,
      blockedRequests,
      consoleErrors,
      async check(bytes, spec) {
        return page.evaluate(([b64, json]) => (window as unknown as CheckWindow).campusCheck(b64, json), [Buffer.from(bytes).toString('base64'), JSON.stringify(spec)] as const);
      },
      async close() {
        await b.close();
        server.close();
        tmp?.cleanup();
      },
    };
  } catch (e) {
    await browser?.close();
    server.close();
    tmp?.cleanup();
    throw e;
  }
}
