/** Where a QR symbol's outer corners lie in an image, in the symbol's own orientation. */
export interface Point {
  x: number;
  y: number;
}

export interface Quad {
  topLeft: Point;
  topRight: Point;
  bottomRight: Point;
  bottomLeft: Point;
}

export function dimensionForVersion(version: number): number {
  return 17 + 4 * version;
}

/** Unit square → quad (Heckbert's projective mapping): module (u, v)/n → image point. */
export function squareToQuad(q: Quad): (u: number, v: number) => Point {
  const { x: x0, y: y0 } = q.topLeft;
  const { x: x1, y: y1 } = q.topRight;
  const { x: x2, y: y2 } = q.bottomRight;
  const { x: x3, y: y3 } = q.bottomLeft;
  const dx3 = x0 - x1 + x2 - x3;
  const dy3 = y0 - y1 + y2 - y3;
  let a11: number, a12: number, a21: number, a22: number, a13: number, a23: number;
  if (Math.abs(dx3) < 1e-9 && Math.abs(dy3) < 1e-9) {
    a11 = x1 - x0;
    a21 = x2 - x1;
    a12 = y1 - y0;
    a22 = y2 - y1;
    a13 = 0;
    a23 = 0;
  } else {
    const dx1 = x1 - x2;
    const dx2 = x3 - x2;
    const dy1 = y1 - y2;
    const dy2 = y3 - y2;
    const den = dx1 * dy2 - dx2 * dy1;
    a13 = (dx3 * dy2 - dx2 * dy3) / den;
    a23 = (dx1 * dy3 - dx3 * dy1) / den;
    a11 = x1 - x0 + a13 * x1;
    a21 = x3 - x0 + a23 * x3;
    a12 = y1 - y0 + a13 * y1;
    a22 = y3 - y0 + a23 * y3;
  }
  return (u, v) => {
    const w = a13 * u + a23 * v + 1;
    return { x: (a11 * u + a21 * v + x0) / w, y: (a12 * u + a22 * v + y0) / w };
  };
}

const ALIGNMENT_CENTRES: readonly (readonly number[])[] = [
  [], [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
  [6, 30, 54], [6, 32, 58], [6, 34, 62], [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78],
  [6, 30, 56, 82], [6, 30, 58, 86], [6, 34, 62, 90], [6, 28, 50, 72, 94], [6, 26, 50, 74, 98], [6, 30, 54, 78, 102],
  [6, 28, 54, 80, 106], [6, 32, 58, 84, 110], [6, 30, 58, 86, 114], [6, 34, 62, 90, 118], [6, 26, 50, 74, 98, 122],
  [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130], [6, 30, 56, 82, 108, 134], [6, 34, 60, 86, 112, 138],
  [6, 30, 58, 86, 114, 142], [6, 34, 62, 90, 118, 146], [6, 30, 54, 78, 102, 126, 150], [6, 24, 50, 76, 102, 128, 154],
  [6, 28, 54, 80, 106, 132, 158], [6, 32, 58, 84, 110, 136, 162], [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
];

export const UNKNOWN_MODULE = 255;

/**
 * The modules every symbol of this version has in the same place — finders with their separators,
 * timing rows, alignment patterns, the dark module: 1 dark, 0 light, UNKNOWN_MODULE for data.
 * They anchor the grid fit so it cannot slip by a whole module.
 */
export function functionModules(version: number): Uint8Array {
  const n = dimensionForVersion(version);
  const m = new Uint8Array(n * n).fill(UNKNOWN_MODULE);
  const set = (x: number, y: number, dark: boolean) => {
    if (x >= 0 && y >= 0 && x < n && y < n) m[y * n + x] = dark ? 1 : 0;
  };
  for (const [ox, oy] of [[0, 0], [n - 7, 0], [0, n - 7]] as const) {
    for (let y = -1; y <= 7; y++) {
      for (let x = -1; x <= 7; x++) {
        const ring = x >= 0 && x <= 6 && y >= 0 && y <= 6 && (x === 0 || x === 6 || y === 0 || y === 6);
        const core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
        set(ox + x, oy + y, ring || core);
      }
    }
  }
  for (let k = 8; k < n - 8; k++) {
    set(k, 6, k % 2 === 0);
    set(6, k, k % 2 === 0);
  }
  const centres = ALIGNMENT_CENTRES[version] ?? [];
  const last = centres.length - 1;
  centres.forEach((cy, iy) => {
    centres.forEach((cx, ix) => {
      // The three corners taken by finder patterns carry no alignment pattern.
      if ((ix === 0 && iy === 0) || (ix === last && iy === 0) || (ix === 0 && iy === last)) return;
      for (let y = -2; y <= 2; y++) for (let x = -2; x <= 2; x++) set(cx + x, cy + y, Math.max(Math.abs(x), Math.abs(y)) !== 1);
    });
  });
  set(8, n - 8, true);
  return m;
}
