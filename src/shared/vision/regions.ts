import type { Point } from './faceGeometry.js';

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Calls `visit(x, y)` for every pixel centre inside the polygon (even-odd rule), clipped to the
 * image. Scanline fill: a face-sized region costs one pass over its bounding box.
 */
export function fillPolygon(poly: readonly Point[], width: number, height: number, visit: (x: number, y: number) => void): void {
  if (poly.length < 3) return;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of poly) {
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  const y0 = Math.max(0, Math.ceil(minY - 0.5));
  const y1 = Math.min(height - 1, Math.floor(maxY - 0.5));
  const xs: number[] = [];
  for (let y = y0; y <= y1; y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      const a = poly[i]!;
      const b = poly[j]!;
      if (a.y > cy !== b.y > cy) xs.push(a.x + ((cy - a.y) * (b.x - a.x)) / (b.y - a.y));
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const xa = Math.max(0, Math.ceil(xs[k]! - 0.5));
      const xb = Math.min(width - 1, Math.floor(xs[k + 1]! - 0.5));
      for (let x = xa; x <= xb; x++) visit(x, y);
    }
  }
}

export function insidePolygon(poly: readonly Point[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i]!;
    const b = poly[j]!;
    if (a.y > y !== b.y > y && x < a.x + ((y - a.y) * (b.x - a.x)) / (b.y - a.y)) inside = !inside;
  }
  return inside;
}

/** The polygon scaled about its centroid (grows an eye outline into the area around it). */
export function scalePolygon(poly: readonly Point[], k: number): Point[] {
  const cx = poly.reduce((s, p) => s + p.x, 0) / poly.length;
  const cy = poly.reduce((s, p) => s + p.y, 0) / poly.length;
  return poly.map((p) => ({ x: cx + (p.x - cx) * k, y: cy + (p.y - cy) * k }));
}

export function boundingBox(points: readonly Point[]): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x0, y0, x1, y1 };
}

export function clipBox(b: Box, width: number, height: number): Box | null {
  const c = { x0: Math.max(0, Math.floor(b.x0)), y0: Math.max(0, Math.floor(b.y0)), x1: Math.min(width, Math.ceil(b.x1)), y1: Math.min(height, Math.ceil(b.y1)) };
  return c.x1 - c.x0 >= 2 && c.y1 - c.y0 >= 2 ? c : null;
}

/**
 * Roughly what any ID-photo crop keeps around the head (the profiles agree: face ≈ half the width,
 * 3:4, eyes ≈ 0.39 of the height from the top): the background, clothing and extra-object measures
 * look only here, since what the crop cuts away never reaches the photo.
 */
export function portraitWindow(eyeMid: Point, faceWidth: number): Box {
  const w = 2 * faceWidth;
  const h = (w * 4) / 3;
  return { x0: eyeMid.x - w / 2, x1: eyeMid.x + w / 2, y0: eyeMid.y - 0.39 * h, y1: eyeMid.y + 0.61 * h };
}
