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

  const headAbove = crownToEyes * scale;
  // The crown goes mid-range, or higher in its range when the still has too little above the hair:
  // a band of filler colour over the head looks worse than a crown nearer the top.
  const roomAbove = (eyes.y - headAbove / scale) * scale; // output px the still holds above the crown
  const crownFromTop = clamp(Math.min(mid(g.crownFromTopPx), roomAbove), g.crownFromTopPx[0], g.crownFromTopPx[1]);
  const eyesFromTop = clamp(crownFromTop + headAbove, g.eyesFromTopPx[0], g.eyesFromTopPx[1]);
  const width = W / scale;
  const height = H / scale;
  const left = eyes.x - W / 2 / scale;
  const top = eyes.y - eyesFromTop / scale;
  const overflow = {
    top: Math.max(0, -top) / height,
    bottom: Math.max(0, top + height - face.imageHeight) / height,
    left: Math.max(0, -left) / width,
    right: Math.max(0, left + width - face.imageWidth) / width,
  };
  return {
    rotateDeg,
    scale,
    left,
    top,
    width,
    height,
    placed: { eyesFromTop, crownFromTop: eyesFromTop - headAbove, faceWidth: face.faceWidth * scale, eyeCentreX: W / 2 },
    overflow,
  };
}
