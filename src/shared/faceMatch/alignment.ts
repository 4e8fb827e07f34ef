/**
 * Face alignment for the embedder: five landmarks (eye centres, nose tip, mouth corners) mapped by a
 * least-squares similarity transform (rotation, uniform scale, translation; no shear, so a face is
 * never distorted) onto where the dlib ResNet model saw them in training, then the image is resampled
 * into the model's 150×150 input. Pure maths on plain arrays: main calls it, tests check it.
 */

export interface Pt {
  x: number;
  y: number;
}

/** In image pixels; "right" is the subject's right (the eye on the left of the picture). */
export interface FivePoints {
  rightEye: Pt;
  leftEye: Pt;
  noseTip: Pt;
  mouthRight: Pt;
  mouthLeft: Pt;
}

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty (a = s·cos θ, b = s·sin θ). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export const CHIP_SIZE = 150;
/** dlib's face chips: the mean face shape scaled into the chip with 25 % padding on each side. */
export const CHIP_PADDING = 0.25;

/**
 * dlib's mean face shape (`mean_face_shape_x/y` in dlib/image_transforms/interpolation.h, points
 * 17–67 of the 68-point scheme, in 0–1 units), reduced to our five points: eye centres as the mean of
 * the six eye-contour points (36–41, 42–47), nose tip 30, mouth corners 48 and 54.
 */
const MEAN_FACE_FIVE: FivePoints = {
  rightEye: { x: 0.225492, y: 0.21599 },
  leftEye: { x: 0.754761, y: 0.21599 },
  noseTip: { x: 0.490127, y: 0.515625 },
  mouthRight: { x: 0.254149, y: 0.780233 },
  mouthLeft: { x: 0.726104, y: 0.780233 },
};

/** Where the five points land in a chip of `size` px: dlib's `get_face_chip_details(shape, size, padding)`. */
export function chipTemplate(size = CHIP_SIZE, padding = CHIP_PADDING): FivePoints {
  const k = size / (1 + 2 * padding);
  const map = (p: Pt): Pt => ({ x: (p.x + padding) * k, y: (p.y + padding) * k });
  return {
    rightEye: map(MEAN_FACE_FIVE.rightEye),
    leftEye: map(MEAN_FACE_FIVE.leftEye),
    noseTip: map(MEAN_FACE_FIVE.noseTip),
    mouthRight: map(MEAN_FACE_FIVE.mouthRight),
    mouthLeft: map(MEAN_FACE_FIVE.mouthLeft),
  };
}

export const FIVE_POINT_KEYS = ['rightEye', 'leftEye', 'noseTip', 'mouthRight', 'mouthLeft'] as const;

export function fivePointList(f: FivePoints): Pt[] {
  return FIVE_POINT_KEYS.map((k) => f[k]);
}

/** The least-squares similarity taking `src` onto `dst` (Umeyama 1991 without reflection). */
export function estimateSimilarity(src: readonly Pt[], dst: readonly Pt[]): Similarity {
  if (src.length !== dst.length || src.length < 2) throw new Error('estimateSimilarity needs two equal lists of at least two points');
  const n = src.length;
  let mx = 0;
  let my = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < n; i++) {
    mx += src[i]!.x;
    my += src[i]!.y;
    nx += dst[i]!.x;
    ny += dst[i]!.y;
  }
  mx /= n;
  my /= n;
  nx /= n;
  ny /= n;
  let a = 0;
  let b = 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const x = src[i]!.x - mx;
    const y = src[i]!.y - my;
    const u = dst[i]!.x - nx;
    const v = dst[i]!.y - ny;
    a += x * u + y * v;
    b += x * v - y * u;
    ss += x * x + y * y;
  }
  if (ss === 0) throw new Error('estimateSimilarity: all source points coincide');
  a /= ss;
  b /= ss;
  return { a, b, tx: nx - (a * mx - b * my), ty: ny - (b * mx + a * my) };
}

export function applySimilarity(m: Similarity, p: Pt): Pt {
  return { x: m.a * p.x - m.b * p.y + m.tx, y: m.b * p.x + m.a * p.y + m.ty };
}

export function invertSimilarity(m: Similarity): Similarity {
  const d = m.a * m.a + m.b * m.b;
  if (d === 0) throw new Error('invertSimilarity: degenerate transform');
  const a = m.a / d;
  const b = -m.b / d;
  return { a, b, tx: -(a * m.tx - b * m.ty), ty: -(b * m.tx + a * m.ty) };
}

export function similarityScale(m: Similarity): number {
  return Math.hypot(m.a, m.b);
}

/** Rotation in degrees (positive: the picture is turned clockwise on screen, y pointing down). */
export function similarityAngleDeg(m: Similarity): number {
  return (Math.atan2(m.b, m.a) * 180) / Math.PI;
}

/** Root-mean-square distance, in destination pixels, between the mapped source points and the target. */
export function alignmentResidual(m: Similarity, src: readonly Pt[], dst: readonly Pt[]): number {
  let sum = 0;
  for (let i = 0; i < src.length; i++) {
    const p = applySimilarity(m, src[i]!);
    sum += (p.x - dst[i]!.x) ** 2 + (p.y - dst[i]!.y) ** 2;
  }
  return Math.sqrt(sum / src.length);
}

export interface RgbImage {
  /** Interleaved RGB, 3 bytes (or floats) a pixel, row-major. */
  data: ArrayLike<number>;
  width: number;
  height: number;
}

/**
 * Resamples `src` into a size×size RGB chip: each chip pixel looks up its source position through the
 * inverse of `toChip` and interpolates bilinearly. Outside the picture the nearest edge pixel is
 * used (a tight admission crop then shows its own border, not a white or black frame the model never saw).
 */
export function warpToChip(src: RgbImage, toChip: Similarity, size = CHIP_SIZE): Float32Array {
  const inv = invertSimilarity(toChip);
  const out = new Float32Array(size * size * 3);
  const { data, width, height } = src;
  const maxX = width - 1;
  const maxY = height - 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Pixel centres: chip pixel (x, y) covers [x, x+1); sample at its centre.
      const cx = x + 0.5;
      const cy = y + 0.5;
      const sx = inv.a * cx - inv.b * cy + inv.tx - 0.5;
      const sy = inv.b * cx + inv.a * cy + inv.ty - 0.5;
      const x0f = Math.floor(sx);
      const y0f = Math.floor(sy);
      const fx = sx - x0f;
      const fy = sy - y0f;
      const x0 = Math.min(maxX, Math.max(0, x0f));
      const x1 = Math.min(maxX, Math.max(0, x0f + 1));
      const y0 = Math.min(maxY, Math.max(0, y0f));
      const y1 = Math.min(maxY, Math.max(0, y0f + 1));
      const i00 = (y0 * width + x0) * 3;
      const i10 = (y0 * width + x1) * 3;
      const i01 = (y1 * width + x0) * 3;
      const i11 = (y1 * width + x1) * 3;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        out[o + c] = w00 * data[i00 + c]! + w10 * data[i10 + c]! + w01 * data[i01 + c]! + w11 * data[i11 + c]!;
      }
    }
  }
  return out;
}

/** The 68-point scheme (iBUG 300-W, as face-api's landmark net gives it) reduced to our five points. */
export function fivePointsFrom68(points: readonly Pt[]): FivePoints {
  if (points.length !== 68) throw new Error(`expected 68 landmarks, got ${points.length}`);
  const mean = (from: number, to: number): Pt => {
    let x = 0;
    let y = 0;
    for (let i = from; i < to; i++) {
      x += points[i]!.x;
      y += points[i]!.y;
    }
    return { x: x / (to - from), y: y / (to - from) };
  };
  return { rightEye: mean(36, 42), leftEye: mean(42, 48), noseTip: points[30]!, mouthRight: points[48]!, mouthLeft: points[54]! };
}

/**
 * A rough yaw from the five points: how far the nose tip sits from the line between the eye and the
 * mouth midpoints, in inter-eye distances (0 when frontal, ±0.5 and beyond in near profile).
 */
export function yawIndex(f: FivePoints): number {
  const eyeMid = { x: (f.rightEye.x + f.leftEye.x) / 2, y: (f.rightEye.y + f.leftEye.y) / 2 };
  const mouthMid = { x: (f.mouthRight.x + f.mouthLeft.x) / 2, y: (f.mouthRight.y + f.mouthLeft.y) / 2 };
  const ied = Math.hypot(f.leftEye.x - f.rightEye.x, f.leftEye.y - f.rightEye.y);
  if (ied === 0) return Number.POSITIVE_INFINITY;
  // Signed distance from the nose tip to the eye-mouth midline, across the face.
  const dx = mouthMid.x - eyeMid.x;
  const dy = mouthMid.y - eyeMid.y;
  const len = Math.hypot(dx, dy) || 1;
  const cross = (dx * (f.noseTip.y - eyeMid.y) - dy * (f.noseTip.x - eyeMid.x)) / len;
  return -cross / ied;
}

export function interEyeDistance(f: FivePoints): number {
  return Math.hypot(f.leftEye.x - f.rightEye.x, f.leftEye.y - f.rightEye.y);
}

/** Averages f×f blocks: a clean downscale before warping when the face is much larger than the chip. */
export function boxDownsample(src: RgbImage, f: number): { data: Float32Array; width: number; height: number } {
  const width = Math.max(1, Math.floor(src.width / f));
  const height = Math.max(1, Math.floor(src.height / f));
  const out = new Float32Array(width * height * 3);
  const k = 1 / (f * f);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < f; dy++) {
          const row = (y * f + dy) * src.width;
          for (let dx = 0; dx < f; dx++) sum += src.data[(row + x * f + dx) * 3 + c]!;
        }
        out[(y * width + x) * 3 + c] = sum * k;
      }
    }
  }
  return { data: out, width, height };
}
