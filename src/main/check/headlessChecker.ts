import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AppError } from '../../shared/errors.js';
import type { SpecProfile } from '../../shared/spec/specProfile.js';
import type { FaceGeometry } from '../../shared/vision/faceGeometry.js';
import { FaceGeometrySchema, Verdict } from '../../shared/vision/verdict.js';
import { packageRoot } from '../app/packageRoot.js';
import { serveStatic } from '../web/staticFiles.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export interface EngineResult {
  verdict: Verdict;
  face: FaceGeometry | null;
  maskPngBase64: string | null;
}

/**
 * The kiosk's vision engine without the kiosk: the built check.html served on 127.0.0.1 and opened
 * in headless Chromium, so the CLI runs exactly the code the station screen runs. Nothing may leave
 * 127.0.0.1; a request that tries is refused and reported.
 */
export class HeadlessChecker {
  private constructor(
    private readonly server: Server,
    private readonly browser: Browser,
    private readonly page: Page,
    readonly blocked: string[],
  ) {}

  static async open(chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'): Promise<HeadlessChecker> {
    const root = join(packageRoot(), 'dist', 'renderer');
    if (!existsSync(join(root, 'check.html'))) {
      throw new AppError('NOT_FOUND', { zh: '检查页面尚未构建，请先运行 npm run build', en: 'The check page is not built yet: run npm run build' });
    }
    if (!existsSync(chromiumPath)) {
      throw new AppError('NOT_FOUND', {
        zh: `照片检查需要 Chromium（${chromiumPath}），请安装：apt-get install chromium`,
        en: `Photo checks need Chromium (${chromiumPath}); install it: apt-get install chromium`,
      });
    }
    const server = createServer((req, res) => serveStatic(root, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    const blocked: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    });
    await page.goto(`${origin}/check.html`);
    // The page's own global, read in the browser (this file is type-checked without DOM types).
    await page.waitForFunction('window.campusCheckReady === true', undefined, { timeout: 60_000 });
    return new HeadlessChecker(server, browser, page, blocked);
  }

  /** One upright analysis copy (raw RGB, as the station's worker is given it) through the engine. */
  async check(analysis: { rgb: Buffer; width: number; height: number }, spec: SpecProfile): Promise<EngineResult> {
    const raw: unknown = await this.page.evaluate(
      ([b64, width, height, specJson]) =>
        (globalThis as unknown as { campusCheckPixels(b: string, w: number, h: number, s: string): Promise<unknown> }).campusCheckPixels(b64, width, height, specJson),
      [analysis.rgb.toString('base64'), analysis.width, analysis.height, JSON.stringify(spec)] as const,
    );
    const r = raw as { verdict: unknown; face: unknown; maskPngBase64: unknown };
    return {
      verdict: Verdict.parse(r.verdict),
      face: r.face === null ? null : FaceGeometrySchema.parse(r.face),
      maskPngBase64: typeof r.maskPngBase64 === 'string' ? r.maskPngBase64 : null,
    };
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
