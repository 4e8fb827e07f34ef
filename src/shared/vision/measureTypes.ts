import type { FaceGeometry } from './faceGeometry.js';

/**
 * Everything the still's checks need, measured once by the vision engine (the renderer's worker)
 * and judged by evaluatePhoto against any spec profile. Nothing in here depends on a spec, so a
 * stored PhotoMeasures can be judged again for another profile (blue vs white, print sizes).
 * Values are null when they could not be measured (no face, no background visible…).
 */
export interface PhotoMeasures extends StandardValues {
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
  /** Intermediate numbers for calibration and bug reports; not judged. */
  details: Record<string, number>;
}

/** The rest of the standard (standardMeasures.ts); each null when it could not be measured. */
export interface StandardValues {
  /** |shoulder line − eye line|, degrees, in the still: how tilted the shoulders are once the eyes are levelled. */
  shoulderTilt: number | null;
  /** |L − R| / (L + R) of how far the person reaches beyond the face outline at ear height on each side. */
  earAsymmetry: number | null;
  /** Share of the strip just above the brows (the less visible brow) whose colour is not skin. */
  browCover: number | null;
  /** Share of the pupil (either eye, the worse) that is red. */
  redEye: number | null;
  /** How much darker (1 − ratio) the lens area around the eyes is than the cheeks, or how far the iris colour is from a natural one; the larger. */
  lensTint: number | null;
  /** Share of the clothing with strong fine-scale contrast (stripes, checks, prints), at a fixed face scale. */
  clothingPattern: number | null;
  /** How far the person reaches above landmark 10 along the head's axis, in face heights (landmark 10 → chin). */
  headTop: number | null;
  /** Small bright or gold blobs on the neck, plus twice the pairs beside the ear lobes (earrings, a pendant, a pearl necklace). */
  jewellery: number | null;
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
