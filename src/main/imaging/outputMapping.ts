import { AppError } from '../../shared/errors.js';
import type { CropPlan } from '../../shared/spec/cropPlan.js';
import { eyeMidpoint, mapFaceGeometry, type FaceGeometry, type Point } from '../../shared/vision/faceGeometry.js';

/**
 * x' = a·x + b·y + c, y' = d·x + e·y + f. Coordinates are continuous: pixel i covers [i, i+1), so
 * its centre is i + 0.5 (how landmark models report positions, and how libvips resizes).
 */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export function applyAffine(m: Affine, p: Point): Point {
  return { x: m.a * p.x + m.b * p.y + m.c, y: m.d * p.x + m.e * p.y + m.f };
}

/** outer ∘ inner: first inner, then outer. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  return {
    a: outer.a * inner.a + outer.b * inner.d,
    b: outer.a * inner.b + outer.b * inner.e,
    c: outer.a * inner.c + outer.b * inner.f + outer.c,
    d: outer.d * inner.a + outer.e * inner.d,
    e: outer.d * inner.b + outer.e * inner.e,
    f: outer.d * inner.c + outer.e * inner.f + outer.f,
  };
}

/** Scales the result of m per axis (e.g. original pixels → a resized copy). */
export function scaleAffine(m: Affine, sx: number, sy: number): Affine {
  return { a: m.a * sx, b: m.b * sx, c: m.c * sx, d: m.d * sy, e: m.e * sy, f: m.f * sy };
}

/**
 * Output pixel → oriented-original pixel for a plan: the inverse of planCrop's "rotate about the
 * eye midpoint, then cut the window and scale". Used for both the photo and the mask, so the two
 * cannot drift apart.
 */
export function outputToOriginal(plan: CropPlan, face: FaceGeometry): Affine {
  const eyes = eyeMidpoint(face);
  const r = (plan.rotateDeg * Math.PI) / 180;
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  const k = 1 / plan.scale;
  // Rotated-frame point q = (left + u/s, top + v/s); original p = eyes + R(-θ)(q - eyes).
  const qx0 = plan.left - eyes.x;
  const qy0 = plan.top - eyes.y;
  return {
    a: cos * k,
    b: sin * k,
    c: eyes.x + cos * qx0 + sin * qy0,
    d: -sin * k,
    e: cos * k,
    f: eyes.y - sin * qx0 + cos * qy0,
  };
}

/**
 * The face in the still's own pixels. The renderer may have measured it on a smaller analysis copy
 * (stillForAnalysis); that is fine as long as it is the same picture, i.e. the same aspect ratio.
 */
export function faceInImage(face: FaceGeometry, width: number, height: number): FaceGeometry {
  const values = [face.imageWidth, face.imageHeight, face.faceWidth, ...[face.leftEye, face.rightEye, face.noseTip, face.mouthLeft, face.mouthRight, face.chin, face.crown].flatMap((p) => [p.x, p.y])];
  if (!values.every(Number.isFinite) || face.imageWidth <= 0 || face.imageHeight <= 0) {
    throw new AppError('BAD_INPUT', { zh: '人脸位置数据无效', en: 'The face geometry is invalid' });
  }
  const eyes = eyeMidpoint(face);
  if (eyes.x < 0 || eyes.y < 0 || eyes.x > face.imageWidth || eyes.y > face.imageHeight) {
    throw new AppError('BAD_INPUT', { zh: '人脸位置数据无效：眼睛不在照片内', en: 'The face geometry is invalid: the eyes lie outside the photo' });
  }
  const sx = width / face.imageWidth;
  const sy = height / face.imageHeight;
  if (Math.abs(sx / sy - 1) > 0.01) {
    throw new AppError('BAD_INPUT', {
      zh: '人脸位置数据与照片尺寸不符（可能来自另一张照片）',
      en: 'The face geometry does not match the photo’s proportions (perhaps measured on another picture)',
      details: [`face measured on ${face.imageWidth}×${face.imageHeight}, photo is ${width}×${height}`],
    });
  }
  return mapFaceGeometry(face, { width, height, sx, sy });
}
