import type { DetectedFace } from './measureTypes.js';

/**
 * The landmarker runs on a square cut around the detected face, not on the whole still:
 * - its facial transformation matrix assumes a 63° camera centred on the picture, so the same face
 *   reads a different yaw/pitch wherever it sits in the frame (measured on portrait-b padded to move
 *   the face off-centre: raw yaw 1.1° → −6.3° / +8.9°, pitch 3.1° → −1.0° / 9.5°; on the face-centred
 *   cut all five placements read yaw 0.7–1.3°, pitch 1.8–2.8°);
 * - its own built-in detector is the short-range one, which misses a face that is small in a large
 *   frame; the cut scales every face to the same size first.
 */
export const LANDMARK_CROP_SIDE = 2.5;
/** Pixels of the cut (the landmarker itself looks at 192 px of face, so more would add nothing). */
export const LANDMARK_CROP_PX = 512;

export interface CropSquare {
  x: number;
  y: number;
  side: number;
}

/** The square, in the image's pixels, centred on the face box; it may reach outside the image. */
export function landmarkCrop(face: DetectedFace): CropSquare {
  const side = LANDMARK_CROP_SIDE * Math.max(face.width, face.height);
  return { x: face.x + face.width / 2 - side / 2, y: face.y + face.height / 2 - side / 2, side };
}
