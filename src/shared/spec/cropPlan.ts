import { eyeLineDeg, eyeMidpoint, type FaceGeometry } from '../vision/faceGeometry.js';
import type { SpecProfile } from './specProfile.js';

/**
 * How the original becomes the spec's output: level the eyes (rotate about their midpoint), scale,
 * and cut a window so the head lands where the spec wants it. Pure arithmetic, shared by the
 * finishing in main, the checks and the overlay, so all three agree on where the head will be.
 */
export interface CropPlan {
  /** Rotation applied about the eye midpoint before cropping, degrees; positive turns the picture
   * clockwise on screen (image y points down), as sharp's and CSS's rotate do. */
  rotateDeg: number;
  /** Output pixels per original pixel. */
  scale: number;
  /** The crop window in the rotated original's pixels (may reach outside it; see overflow). */
  left: number;
  top: number;
  width: number;
  height: number;
  /** Where the head lands on the output, in output pixels. */
  placed: { eyesFromTop: number; crownFromTop: number; faceWidth: number; eyeCentreX: number };
  /** How far the window reaches outside the original, as a fraction of the window's size per side. */
  overflow: { top: number; bottom: number; left: number; right: number };
}

const mid = ([a, b]: readonly [number, number]) => (a + b) / 2;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function rotateAbout(p: { x: number; y: number }, c: { x: number; y: number }, deg: number) {
  const r = (deg * Math.PI) / 180;
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  return { x: c.x + dx * Math.cos(r) - dy * Math.sin(r), y: c.y + dx * Math.sin(r) + dy * Math.cos(r) };
}

type Overflow = CropPlan['overflow'];

/**
 * How far the window, carried back through the levelling rotation, reaches past each side of the
 * still, as a fraction of the window's size. The window's sides are straight, so its corners are
 * its farthest points; with the rotation a bottom corner can leave the still although the window's
 * centre line does not (the wedge of filler below a levelled, tilted head).
 */
function overflowOf(face: FaceGeometry, eyes: { x: number; y: number }, rotateDeg: number, left: number, top: number, width: number, height: number): Overflow {
  const corners = [
    [left, top],
    [left + width, top],
    [left, top + height],
    [left + width, top + height],
  ].map(([x, y]) => rotateAbout({ x: x!, y: y! }, eyes, -rotateDeg));
  // Tiny overshoots are rounding in the rotation, not a missing strip of picture.
  const side = (past: (p: { x: number; y: number }) => number, size: number) => {
    const v = Math.max(0, ...corners.map(past)) / size;
    return v < 1e-9 ? 0 : v;
  };
  return {
    top: side((p) => -p.y, height),
    bottom: side((p) => p.y - face.imageHeight, height),
    left: side((p) => -p.x, width),
    right: side((p) => p.x - face.imageWidth, width),
  };
}

export function planCrop(face: FaceGeometry, spec: SpecProfile): CropPlan {
  const { widthPx: W, heightPx: H } = spec.output;
  const g = spec.geometry;
  const eyes = eyeMidpoint(face);
  // Level the eye line; the crown is measured after the same rotation.
  const rotateDeg = -eyeLineDeg(face);
  const crown = rotateAbout(face.crown, eyes, rotateDeg);
  const crownToEyes = Math.max(1, eyes.y - crown.y);

  // Scale: aim for the middle of the face-width range, kept inside what the crown-to-eye distance
  // allows, so both land in their ranges whenever the face's proportions make that possible.
  const fit = [g.eyesFromTopPx[0] - g.crownFromTopPx[1], g.eyesFromTopPx[1] - g.crownFromTopPx[0]] as const;
  const byFace = mid(g.faceWidthPx) / Math.max(1, face.faceWidth);
  const scale = clamp(byFace, fit[0] / crownToEyes, Math.max(fit[0], fit[1]) / crownToEyes);

  const headAbove0 = crownToEyes * scale;
  // The crown goes mid-range, or higher in its range when the still has too little above the hair:
  // a band of filler colour over the head looks worse than a crown nearer the top.
  const roomAbove = (eyes.y - crownToEyes) * scale; // output px the still holds above the crown
  const crownFromTop0 = clamp(Math.min(mid(g.crownFromTopPx), roomAbove), g.crownFromTopPx[0], g.crownFromTopPx[1]);
  const eyesFromTop0 = clamp(crownFromTop0 + headAbove0, g.eyesFromTopPx[0], g.eyesFromTopPx[1]);

  // Filler beside or below the person (a wedge of flat colour cutting the suit where the levelled
  // still does not reach a bottom corner) looks invented: when the window would reach past the
  // still there, lower the head and then enlarge it, each only as far as the spec's ranges allow,
  // and take the least change that keeps the sides and bottom on the still. When none does, the
  // first plan stands and face.in_frame fails on its overflow ("move to the centre").
  const frame = (k: number, eyesFromTop: number) => {
    const width = W / k;
    const height = H / k;
    const left = eyes.x - W / 2 / k;
    const top = eyes.y - eyesFromTop / k;
    return { scale: k, eyesFromTop, left, top, width, height, overflow: overflowOf(face, eyes, rotateDeg, left, top, width, height) };
  };
  const sidesAndBottom = (o: Overflow) => Math.max(o.bottom, o.left, o.right);
  let chosen = frame(scale, eyesFromTop0);
  if (sidesAndBottom(chosen.overflow) > 0) {
    const maxScale = Math.min(g.faceWidthPx[1] / Math.max(1, face.faceWidth), Math.max(fit[0], fit[1]) / crownToEyes);
    const STEPS = 16;
    search: for (let i = 0; i <= STEPS; i++) {
      const k = scale + ((Math.max(scale, maxScale) - scale) * i) / STEPS;
      const headAbove = crownToEyes * k;
      // The eyes may go down until either the eyes or the crown reach the bottom of their range.
      const maxEyes = Math.min(g.eyesFromTopPx[1], g.crownFromTopPx[1] + headAbove);
      const minEyes = Math.max(g.eyesFromTopPx[0], g.crownFromTopPx[0] + headAbove);
      const fromEyes = clamp(eyesFromTop0, minEyes, maxEyes);
      for (let j = 0; j <= STEPS; j++) {
        const e = fromEyes + ((Math.max(fromEyes, maxEyes) - fromEyes) * j) / STEPS;
        const f = frame(k, e);
        if (sidesAndBottom(f.overflow) === 0) {
          chosen = f;
          break search;
        }
      }
    }
  }
  const { width, height, left, top, overflow, eyesFromTop } = chosen;
  const headAbove = crownToEyes * chosen.scale;
  return {
    rotateDeg,
    scale: chosen.scale,
    left,
    top,
    width,
    height,
    placed: { eyesFromTop, crownFromTop: eyesFromTop - headAbove, faceWidth: face.faceWidth * chosen.scale, eyeCentreX: W / 2 },
    overflow,
  };
}
