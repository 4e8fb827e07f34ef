import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mapFaceGeometry, type FaceGeometry } from '../../src/shared/vision/faceGeometry.js';

/**
 * Test fixtures, not model output: face geometry for the shared test portraits, measured once by
 * hand on gridded, magnified copies (iris centres to ±1–2 px, the rest to ±5–10 px). Node has no
 * face model; in the app these numbers come from the renderer's landmarker.
 */
/** ../shared/testdata next to the checkout (read-only); CC_TESTDATA overrides for other layouts. */
export const PORTRAIT_DIR = join(process.env['CC_TESTDATA'] ?? fileURLToPath(new URL('../../../shared/testdata', import.meta.url)), 'faces', 'portraits');

export const PORTRAIT_FACES = {
  // 874×1200, white studio background, curly hair to y ≈ 12.
  a: {
    imageWidth: 874,
    imageHeight: 1200,
    rightEye: { x: 374, y: 288 },
    leftEye: { x: 504, y: 292 },
    noseTip: { x: 440, y: 360 },
    mouthRight: { x: 362, y: 420 },
    mouthLeft: { x: 520, y: 420 },
    chin: { x: 440, y: 565 },
    crown: { x: 435, y: 12 },
    faceWidth: 332,
  },
  // 1200×1200, painted landscape behind, white hair to y ≈ 30.
  b: {
    imageWidth: 1200,
    imageHeight: 1200,
    rightEye: { x: 565, y: 403 },
    leftEye: { x: 748, y: 410 },
    noseTip: { x: 650, y: 520 },
    mouthRight: { x: 540, y: 600 },
    mouthLeft: { x: 755, y: 598 },
    chin: { x: 660, y: 785 },
    crown: { x: 615, y: 30 },
    faceWidth: 510,
  },
  // 1480×832, blue backdrop with a white emblem; the head rolls ≈ 4.6° (picture-right eye higher).
  c: {
    imageWidth: 1480,
    imageHeight: 832,
    rightEye: { x: 670, y: 327 },
    leftEye: { x: 830, y: 314 },
    noseTip: { x: 760, y: 410 },
    mouthRight: { x: 700, y: 497 },
    mouthLeft: { x: 840, y: 490 },
    chin: { x: 770, y: 625 },
    crown: { x: 690, y: 42 },
    faceWidth: 360,
  },
} satisfies Record<string, FaceGeometry>;

export type PortraitId = keyof typeof PORTRAIT_FACES;

/** The same face in a copy of the picture scaled by k (e.g. an upscaled benchmark still). */
export function scaleFace(face: FaceGeometry, k: number, dx = 0, dy = 0, width = face.imageWidth * k, height = face.imageHeight * k): FaceGeometry {
  return mapFaceGeometry(face, { width, height, sx: k, sy: k, dx, dy });
}

/**
 * A stand-in for the segmentation mask: an ellipse for head and hair and a widening block for neck
 * and shoulders, drawn from the face geometry, antialiased. Deliberately
 * crude; the real mask comes from MediaPipe in the renderer.
 */
export function personShapeMask(face: FaceGeometry, maskWidth: number): { width: number; height: number; data: Uint8Array } {
  const maskHeight = Math.round((maskWidth * face.imageHeight) / face.imageWidth);
  const k = maskWidth / face.imageWidth;
  const cx = (face.leftEye.x + face.rightEye.x) / 2;
  const headTop = face.crown.y;
  const headBottom = face.chin.y + 0.04 * (face.chin.y - face.crown.y);
  const cy = (headTop + headBottom) / 2;
  const ry = (headBottom - headTop) / 2;
  const rx = face.faceWidth * 0.62;
  const shouldersTop = face.chin.y + 0.25 * (face.chin.y - face.crown.y);
  const inside = (x: number, y: number) => {
    const inHead = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
    const inNeck = y >= cy && Math.abs(x - cx) <= face.faceWidth * 0.3;
    const half = Math.min(face.faceWidth * 1.7, face.faceWidth * 0.45 + (y - shouldersTop) * 1.6);
    return inHead || inNeck || (y >= shouldersTop && Math.abs(x - cx) <= half);
  };
  // 4×4 supersampling: a segmenter's output is soft at the edge, not a staircase.
  const data = new Uint8Array(maskWidth * maskHeight);
  for (let j = 0; j < maskHeight; j++) {
    for (let i = 0; i < maskWidth; i++) {
      let hits = 0;
      for (let sj = 0; sj < 4; sj++) for (let si = 0; si < 4; si++) if (inside((i + (si + 0.5) / 4) / k, (j + (sj + 0.5) / 4) / k)) hits++;
      data[j * maskWidth + i] = Math.round((hits * 255) / 16);
    }
  }
  return { width: maskWidth, height: maskHeight, data };
}
