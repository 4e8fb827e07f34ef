import type { Paper, PhotoSize, PrintLayout } from './printSchema.js';

/**
 * Places a layout's photos on a paper, or says why it cannot, with the numbers. Pure arithmetic in
 * millimetres; pixels follow from the paper's dpi. Shared by the sheet renderer in main, the
 * preview screen and the unit tests, so all three agree on where every photo goes.
 */

export const MM_PER_INCH = 25.4;
/**
 * Photo printers in their bordered mode keep about 3 mm from every edge; a layout that leaves less
 * than this needs the printer's borderless (or near-borderless) mode and careful cutting.
 */
export const NEAR_BORDERLESS_MM = 3;

export function mmToPx(mm: number, dpi: number): number {
  return Math.round((mm / MM_PER_INCH) * dpi);
}

export type Orientation = 'portrait' | 'landscape';

export interface Placement {
  index: number;
  sizeId: string;
  /** Turned a quarter clockwise on the sheet (head to the right). */
  rotated: boolean;
  /** On the sheet as laid out (see SheetPlan.orientation), top-left origin. */
  xMm: number;
  yMm: number;
  wMm: number;
  hMm: number;
  xPx: number;
  yPx: number;
  wPx: number;
  hPx: number;
}

export interface SheetPlan {
  layoutId: string;
  paperId: string;
  /** How the sheet is laid out relative to the paper as fed; landscape pages are turned for printing. */
  orientation: Orientation;
  dpi: number;
  widthMm: number;
  heightMm: number;
  widthPx: number;
  heightPx: number;
  placements: Placement[];
  counts: Array<{ sizeId: string; count: number }>;
  /** Left/right and top/bottom margins as placed (the content is centred). */
  marginXMm: number;
  marginYMm: number;
  /** True when the smaller margin is under NEAR_BORDERLESS_MM: print borderless and cut carefully. */
  nearBorderless: boolean;
}

export interface FitShortfall {
  axis: 'width' | 'height';
  orientation: Orientation;
  neededMm: number;
  availableMm: number;
}

export type FitResult =
  | { fits: true; plan: SheetPlan; zh: string; en: string }
  | { fits: false; shortfalls: FitShortfall[]; zh: string; en: string };

export class UnknownPhotoSize extends Error {
  constructor(readonly sizeId: string) {
    super(`unknown photo size ${sizeId}`);
  }
}

interface BlockBox {
  sizeId: string;
  size: PhotoSize;
  cols: number;
  rows: number;
  rotated: boolean;
  /** One photo as it sits on the sheet. */
  cellW: number;
  cellH: number;
  w: number;
  h: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const fmt = (n: number) => round1(n).toFixed(1);

function blockBoxes(layout: PrintLayout, sizes: ReadonlyMap<string, PhotoSize>): BlockBox[] {
  return layout.blocks.map((b) => {
    const size = sizes.get(b.size);
    if (!size) throw new UnknownPhotoSize(b.size);
    const rotated = b.rotate ?? false;
    const cellW = rotated ? size.heightMm : size.widthMm;
    const cellH = rotated ? size.widthMm : size.heightMm;
    return {
      sizeId: b.size,
      size,
      cols: b.cols,
      rows: b.rows,
      rotated,
      cellW,
      cellH,
      w: b.cols * cellW + (b.cols - 1) * layout.gapMm,
      h: b.rows * cellH + (b.rows - 1) * layout.gapMm,
    };
  });
}

/** The photos and gaps alone, without margins. */
export function contentSize(layout: PrintLayout, sizes: ReadonlyMap<string, PhotoSize>): { widthMm: number; heightMm: number } {
  const boxes = blockBoxes(layout, sizes);
  const gaps = (boxes.length - 1) * layout.gapMm;
  if (layout.arrange === 'row') return { widthMm: boxes.reduce((s, b) => s + b.w, 0) + gaps, heightMm: Math.max(...boxes.map((b) => b.h)) };
  return { widthMm: Math.max(...boxes.map((b) => b.w)), heightMm: boxes.reduce((s, b) => s + b.h, 0) + gaps };
}

/** "1寸×8 + 2寸×4" from the blocks, in either language. */
export function describeCounts(layout: PrintLayout, sizes: ReadonlyMap<string, PhotoSize>): { zh: string; en: string } {
  const counts = new Map<string, number>();
  for (const b of layout.blocks) counts.set(b.size, (counts.get(b.size) ?? 0) + b.cols * b.rows);
  const parts = [...counts].map(([id, n]) => ({ size: sizes.get(id), n, id }));
  return {
    zh: parts.map((p) => `${p.size?.name.zh ?? p.id}×${p.n}`).join(' + '),
    en: parts.map((p) => `${p.n} × ${p.size?.name.en ?? p.id}`).join(' + '),
  };
}

function sheetDims(paper: Paper, orientation: Orientation, neededHeightMm: number): { w: number; h: number } {
  // A roll is as long as the document needs.
  const fedW = paper.kind === 'roll' ? (paper.printableWidthMm ?? paper.widthMm) : paper.widthMm;
  const fedH = paper.heightMm ?? neededHeightMm;
  if (paper.kind === 'roll') return { w: fedW, h: fedH };
  return orientation === 'portrait' ? { w: fedW, h: fedH } : { w: fedH, h: fedW };
}

/**
 * Fits the layout on the paper in whichever orientation leaves the most room; when neither works,
 * reports each axis that overflows in the orientation that comes closest (needed vs available).
 */
export function placeLayout(layout: PrintLayout, paper: Paper, sizes: ReadonlyMap<string, PhotoSize>): FitResult {
  const boxes = blockBoxes(layout, sizes);
  const content = contentSize(layout, sizes);
  const m = layout.marginMm;
  const neededW = content.widthMm + 2 * m;
  const neededH = content.heightMm + 2 * m;
  const orientations: Orientation[] = paper.kind === 'roll' ? ['portrait'] : ['portrait', 'landscape'];
  const tries = orientations.map((o) => {
    const { w, h } = sheetDims(paper, o, neededH);
    // A hair of tolerance: 152.4 − 2 × 76.2 must not fail on floating point.
    const eps = 1e-6;
    return { o, w, h, slack: Math.min(w - neededW, h - neededH), fits: neededW <= w + eps && neededH <= h + eps, over: Math.max(0, neededW - w) + Math.max(0, neededH - h) };
  });
  const fitting = tries.filter((t) => t.fits).sort((a, b) => b.slack - a.slack);
  const paperName = paper.short;

  if (fitting.length === 0) {
    const best = [...tries].sort((a, b) => a.over - b.over)[0]!;
    const shortfalls: FitShortfall[] = [];
    if (neededW > best.w) shortfalls.push({ axis: 'width', orientation: best.o, neededMm: round1(neededW), availableMm: round1(best.w) });
    if (neededH > best.h) shortfalls.push({ axis: 'height', orientation: best.o, neededMm: round1(neededH), availableMm: round1(best.h) });
    const zhAxis = { width: '宽', height: '高' } as const;
    const zhO = { portrait: '竖放', landscape: '横放' } as const;
    return {
      fits: false,
      shortfalls,
      zh: `放不下${paperName.zh}（${zhO[best.o]}）：${shortfalls.map((s) => `${zhAxis[s.axis]}需 ${fmt(s.neededMm)} mm，纸只有 ${fmt(s.availableMm)} mm`).join('；')}（含间距 ${fmt(layout.gapMm)} mm、边距 ${fmt(m)} mm）`,
      en: `Does not fit ${paperName.en} (${best.o}): ${shortfalls.map((s) => `${s.axis} needs ${fmt(s.neededMm)} mm, the paper has ${fmt(s.availableMm)} mm`).join('; ')} (with ${fmt(layout.gapMm)} mm gaps and ${fmt(m)} mm margins)`,
    };
  }

  const best = fitting[0]!;
  const sheetW = best.w;
  const sheetH = best.h;
  const x0 = (sheetW - content.widthMm) / 2;
  const y0 = (sheetH - content.heightMm) / 2;
  const dpi = paper.dpi;
  const placements: Placement[] = [];
  let cursor = 0;
  for (const b of boxes) {
    const bx = layout.arrange === 'row' ? x0 + cursor : x0 + (content.widthMm - b.w) / 2;
    const by = layout.arrange === 'row' ? y0 + (content.heightMm - b.h) / 2 : y0 + cursor;
    cursor += (layout.arrange === 'row' ? b.w : b.h) + layout.gapMm;
    const wPx = mmToPx(b.rotated ? b.size.heightMm : b.size.widthMm, dpi);
    const hPx = mmToPx(b.rotated ? b.size.widthMm : b.size.heightMm, dpi);
    for (let r = 0; r < b.rows; r++) {
      for (let c = 0; c < b.cols; c++) {
        const xMm = bx + c * (b.cellW + layout.gapMm);
        const yMm = by + r * (b.cellH + layout.gapMm);
        placements.push({ index: placements.length, sizeId: b.sizeId, rotated: b.rotated, xMm, yMm, wMm: b.cellW, hMm: b.cellH, xPx: mmToPx(xMm, dpi), yPx: mmToPx(yMm, dpi), wPx, hPx });
      }
    }
  }
  const counts = new Map<string, number>();
  for (const p of placements) counts.set(p.sizeId, (counts.get(p.sizeId) ?? 0) + 1);
  const marginXMm = round1((sheetW - content.widthMm) / 2);
  const marginYMm = round1((sheetH - content.heightMm) / 2);
  const minMargin = Math.min(marginXMm, marginYMm);
  const nearBorderless = minMargin < NEAR_BORDERLESS_MM;
  const zhO = best.o === 'portrait' ? '竖放' : '横放';
  return {
    fits: true,
    plan: {
      layoutId: layout.id,
      paperId: paper.id,
      orientation: best.o,
      dpi,
      widthMm: sheetW,
      heightMm: sheetH,
      widthPx: mmToPx(sheetW, dpi),
      heightPx: mmToPx(sheetH, dpi),
      placements,
      counts: [...counts].map(([sizeId, count]) => ({ sizeId, count })),
      marginXMm,
      marginYMm,
      nearBorderless,
    },
    zh: nearBorderless
      ? `放得下${paperName.zh}（${zhO}），但边距只有 ${fmt(minMargin)} mm：需用无边距打印并仔细裁切`
      : `放得下${paperName.zh}（${zhO}），边距 ${fmt(minMargin)} mm`,
    en: nearBorderless
      ? `Fits ${paperName.en} (${best.o}) with only ${fmt(minMargin)} mm margins: print borderless and cut with care`
      : `Fits ${paperName.en} (${best.o}) with ${fmt(minMargin)} mm margins`,
  };
}
