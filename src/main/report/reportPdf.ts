import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { chromium } from 'playwright-core';
import { AppError } from '../../shared/errors.js';
import { DayReportView, REPORT_CSS } from '../../shared/report/DayReportView.js';
import type { DayReport } from '../../shared/report/reportTypes.js';
import { writeNewFile } from '../export/fileDigest.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Noto Sans CJK (Debian fonts-noto-cjk) first: Chromium embeds the subset it uses into the PDF. */
const FONT_STACK = `'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif`;

/** The same view as the screen, as a standalone page: nothing external, no script. */
export function reportHtml(report: DayReport): string {
  const body = renderToStaticMarkup(createElement(DayReportView, { report, lang: 'zh', bilingual: true }));
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>采集日报 ${report.taskCode} ${report.from}</title>
<style>
@page { size: A4; margin: 14mm 12mm; }
html { font-family: ${FONT_STACK}; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; }
${REPORT_CSS}
</style></head><body>${body}</body></html>`;
}

/**
 * The day report as an A4 PDF, printed by headless Chromium (as `campus-capture check` uses it).
 * No request may leave the page; the file is written whole (temp name, fsync, rename).
 */
export async function renderReportPdf(report: DayReport, chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'): Promise<Buffer> {
  if (!existsSync(chromiumPath)) {
    throw new AppError('NOT_FOUND', {
      zh: `生成 PDF 需要 Chromium（${chromiumPath}），请安装：apt-get install chromium fonts-noto-cjk`,
      en: `Making the PDF needs Chromium (${chromiumPath}); install it: apt-get install chromium fonts-noto-cjk`,
    });
  }
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort('blockedbyclient')));
    await page.setContent(reportHtml(report), { waitUntil: 'load' });
    await page.evaluate('document.fonts.ready');
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}

export async function writeReportPdf(report: DayReport, file: string): Promise<{ path: string; bytes: number }> {
  const pdf = await renderReportPdf(report);
  const tmp = `${file}.partial`;
  await rm(tmp, { force: true });
  try {
    await writeNewFile(tmp, pdf);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  return { path: file, bytes: pdf.length };
}
