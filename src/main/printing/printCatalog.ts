import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { describeCounts, placeLayout } from '../../shared/print/layoutEngine.js';
import { Paper, PhotoSize, PrintLayout, type PrintCatalog } from '../../shared/print/printSchema.js';
import type { PrintOptions } from '../../shared/print/printTypes.js';
import { packageRoot } from '../app/packageRoot.js';

/**
 * Papers, photo sizes and layouts are data: the built-in ones in resources/print-layouts
 * (papers.json, photo-sizes.json, layouts/*.json), and a site's own in <data>/print-layouts with
 * the same shape; the same id wins, so a shop's own 版式 needs no release. A file that does not
 * parse is refused by name, never half-used; a layout naming a size or paper nobody defines too.
 */
export function loadPrintCatalog(dataDir?: string): PrintCatalog {
  const papers = new Map<string, Paper>();
  const sizes = new Map<string, PhotoSize>();
  const layouts = new Map<string, PrintLayout>();
  const roots = [join(packageRoot(), 'resources', 'print-layouts'), ...(dataDir ? [join(dataDir, 'print-layouts')] : [])];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const p of readList(join(root, 'papers.json'), 'papers', Paper)) papers.set(p.id, p);
    for (const s of readList(join(root, 'photo-sizes.json'), 'photoSizes', PhotoSize)) sizes.set(s.id, s);
    const dir = join(root, 'layouts');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const l = readOne(join(dir, file), PrintLayout);
      layouts.set(l.id, l);
    }
  }
  for (const l of layouts.values()) {
    const missing = [...l.blocks.map((b) => b.size).filter((s) => !sizes.has(s)), ...(papers.has(l.paper) ? [] : [l.paper])];
    if (missing.length) invalid(`layout ${l.id}`, [`unknown size or paper: ${missing.join(', ')}`]);
  }
  return { papers: [...papers.values()], photoSizes: [...sizes.values()], layouts: [...layouts.values()] };
}

function invalid(what: string, details?: string[]): never {
  throw new AppError('BAD_INPUT', { zh: `打印版式文件无效：${what}`, en: `Invalid print layout file: ${what}`, ...(details ? { details } : {}) });
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return invalid(path, [(err as Error).message]);
  }
}

function readOne<T extends z.ZodType>(path: string, schema: T): z.output<T> {
  const parsed = schema.safeParse(readJson(path));
  if (!parsed.success) invalid(path, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}

function readList<T extends z.ZodType>(path: string, key: string, schema: T): Array<z.output<T>> {
  if (!existsSync(path)) return [];
  return readOne(path, z.object({ [key]: z.array(schema) }).strict())[key] as Array<z.output<T>>;
}

export function sizeMap(catalog: PrintCatalog): Map<string, PhotoSize> {
  return new Map(catalog.photoSizes.map((s) => [s.id, s]));
}

export function requirePaper(catalog: PrintCatalog, id: string): Paper {
  const p = catalog.papers.find((x) => x.id === id);
  if (!p) throw new AppError('NOT_FOUND', { zh: `没有纸张 ${id}`, en: `No paper ${id}` });
  return p;
}

export function requireLayout(catalog: PrintCatalog, id: string): PrintLayout {
  const l = catalog.layouts.find((x) => x.id === id);
  if (!l) throw new AppError('NOT_FOUND', { zh: `没有打印版式 ${id}`, en: `No print layout ${id}` });
  return l;
}

/** Every layout with how it does on every sheet paper: what the preview screen offers. */
export function printOptions(catalog: PrintCatalog): PrintOptions {
  const sizes = sizeMap(catalog);
  const sheets = catalog.papers.filter((p) => p.kind === 'sheet' && p.use !== 'receipt');
  return {
    papers: catalog.papers,
    photoSizes: catalog.photoSizes,
    layouts: catalog.layouts.map((layout) => ({
      layout,
      counts: describeCounts(layout, sizes),
      fits: sheets.map((paper) => {
        const fit = placeLayout(layout, paper, sizes);
        return { paperId: paper.id, fits: fit.fits, nearBorderless: fit.fits && fit.plan.nearBorderless, zh: fit.zh, en: fit.en };
      }),
    })),
  };
}
