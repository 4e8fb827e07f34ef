import type { FaceGeometry } from './faceGeometry.js';

/**
 * Everything the still's checks need, measured once by the vision engine (the renderer's worker)
 * and judged by evaluatePhoto against any spec profile. Nothing in here depends on a spec, so a
 * stored PhotoMeasures can be judged again for another profile (blue vs white, print sizes).
 * Values are null when they could not be measured (no face, no background visible…).
 */
export interface PhotoMeasures {
  /** The still as decoded, orientation applied; FaceGeometry and face boxes are in these pixels. */
  image: { width: number; height: number };
  /** The pixels the image measures and the mask were taken on (the still, downscaled if huge). */
  analysed: { width: number; height: number };
  /** Faces the full-range detector found, largest first, in image pixels. */
  faces: DetectedFace[];
  /** Faces of portrait size: at least a set share of the largest face (extraObjects.ts); at least 1 when a face was landmarked. */
  faceCount: number;
  /** The main face (largest landmarked face), or null when the landmarker found none. */
  face: FaceGeometry | null;
  /** Head pose, degrees, from the landmarker run on a face-centred cut (landmarkCrop.ts). */
  pose: PoseAngles | null;
  /** Eye aspect ratio of the less open eye (see measureFace). */
  eyeOpenness: number | null;
  /** Inner-lip gap / mouth width. */
  mouthOpenness: number | null;
  /** |Y₁ − Y₂| / max(Y₁, Y₂) of the two face halves' median linear luminance (阴阳脸). */
  lightImbalance: number | null;
  /** 0 when the face is well exposed, rising towards 1 as it is under- or over-exposed (see imageMeasures). */
  exposure: number | null;
  /** Which way the exposure is off (the larger of the two), for the message. */
  exposureBias: 'dark' | 'bright' | null;
  /** Share of the face's fine detail that a slight re-blur removes (no-reference blur metric, face scaled to a fixed size). */
  sharpness: number | null;
  /** RMS colour distance (CIE ΔE76) of the background around the head from its mean colour. */
  backgroundNonUniformity: number | null;
  /** The clothing's colours below the chin: a coarse Lab palette with weights summing to 1. */
  clothing: LabWeight[] | null;
  /** Share of the spectacle-lens regions that are specular highlights brighter than the skin. */
  glare: number | null;
  /** Small faces plus foreground blobs that are not the person, in the area a crop would keep. */
  extraObjects: number | null;
  /** The rest of the standard (standardMeasures.ts); each null when it could not be measured. */
  /** |shoulder line − eye line| in the still, degrees: the shoulders' tilt once the eyes are levelled. */
  shoulderTilt: number | null;
  /** |L − R| / (L + R) of how far the person reaches beyond the face outline at ear height. */
  earAsymmetry: number | null;
  /** Share of the strip above the worse brow that is not skin-coloured. */
  browCover: number | null;
  /** Share of the worse pupil that is flash-red. */
  redEye: number | null;
  /** Lens darkening around the eyes (1 − ratio) or iris colour (chroma / 60), the larger. */
  lensTint: number | null;
  /** Share of the clothing's blocks crossed by several edges per line (stripes, checks, prints). */
  clothingPattern: number | null;
  /** Height of the head above landmark 10 in face heights, plus a narrow-top (bun) term. */
  headTop: number | null;
  /** Bright or gold blobs at the neck, plus twice the pairs beside the ear lobes. */
  jewellery: number | null;
  /** Intermediate numbers for calibration and bug reports; not judged. */
  details: Record<string, number>;
}

export interface PoseAngles {
  /** Head tilt towards a shoulder (in-plane), positive when the picture's right eye is lower. */
  roll: number;
  /** Turn left/right. */
  yaw: number;
  /** Nod up/down. */
  pitch: number;
}

export interface DetectedFace {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

export interface LabWeight {
  lab: [number, number, number];
  weight: number;
}

/** 8-bit RGBA pixels, row-major (ImageData's layout). */
export interface RgbaPixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** A person-probability mask, 0–255, one byte per pixel, the size of the pixels it belongs to. */
export interface PersonMask {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** A landmark in pixels of the analysed image; z in the landmarker's units (x-scaled), unused here. */
export interface LandmarkPx {
  x: number;
  y: number;
  z: number;
}

/** tasks-vision's facial transformation matrix: 4×4, column-major. */
export interface TransformMatrix {
  rows: number;
  columns: number;
  data: readonly number[];
}
