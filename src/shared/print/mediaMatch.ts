import type { Paper } from './printSchema.js';

/**
 * Which catalogue papers a printer offers, from its IPP media-supported list: PWG self-describing
 * names end in their size (iso_a4_210x297mm, na_index-4x6_4x6in), and custom_min_…/custom_max_…
 * give the range of custom sizes it takes. A roll matches by width (any length is custom).
 */
interface Size {
  w: number;
  h: number;
}

const TOLERANCE_MM = 1.5;

export function pwgSizeMm(name: string): Size | null {
  const m = /_(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(mm|in)$/.exec(name);
  if (!m) return null;
  const k = m[3] === 'in' ? 25.4 : 1;
  return { w: Number(m[1]) * k, h: Number(m[2]) * k };
}

function customRange(media: readonly string[]): { min: Size; max: Size } | null {
  const min = media.find((m) => m.startsWith('custom_min_'));
  const max = media.find((m) => m.startsWith('custom_max_'));
  const a = min ? pwgSizeMm(min) : null;
  const b = max ? pwgSizeMm(max) : null;
  return a && b ? { min: a, max: b } : null;
}

const near = (a: number, b: number) => Math.abs(a - b) <= TOLERANCE_MM;

/** True when the printer can take the paper; an empty list (nothing known) is taken as yes. */
export function printerTakesPaper(media: readonly string[], paper: Paper): boolean {
  if (media.length === 0) return true;
  const range = customRange(media);
  const fixed = media.filter((m) => !m.startsWith('custom_min_') && !m.startsWith('custom_max_')).map(pwgSizeMm).filter((s): s is Size => s !== null);
  if (paper.kind === 'roll') {
    if (range && paper.widthMm >= range.min.w - 0.01 && paper.widthMm <= range.max.w + 0.01) return true;
    return fixed.some((s) => near(s.w, paper.widthMm));
  }
  const h = paper.heightMm!;
  if (fixed.some((s) => (near(s.w, paper.widthMm) && near(s.h, h)) || (near(s.w, h) && near(s.h, paper.widthMm)))) return true;
  return range !== null && paper.widthMm >= range.min.w - 0.01 && paper.widthMm <= range.max.w + 0.01 && h >= range.min.h - 0.01 && h <= range.max.h + 0.01;
}
