import { countExtraObjects, portraitFaces } from './extraObjects.js';
import { measureBackground, measureClothing, measureGlare, measureLighting, measureSharpness } from './imageMeasures.js';
import { CHEEK_LEFT, CHEEK_RIGHT, LEFT_EYE, NOSE_TIP, RIGHT_EYE } from './landmarkIndices.js';
import type { FaceGeometry } from './faceGeometry.js';
import { measureFace } from './measureFace.js';
import type { DetectedFace, LandmarkPx, PersonMask, PhotoMeasures, RgbaPixels, TransformMatrix } from './measureTypes.js';
import { portraitWindow } from './regions.js';
import { measureStandard, NO_STANDARD_VALUES } from './standardMeasures.js';

/** What the models said about one still, in pixels of the analysed image. */
export interface ModelOutputs {
  /** The still's own size (orientation applied); the analysed pixels may be a downscaled copy. */
  image: { width: number; height: number };
  pixels: RgbaPixels;
  /** Person probability 0–255, the size of `pixels`; null if segmentation failed. */
  mask: PersonMask | null;
  /** Full-range face detector boxes. */
  faces: DetectedFace[];
  /** One entry per landmarked face: 478 points. */
  landmarks: LandmarkPx[][];
  /** Facial transformation matrix per landmarked face, same order. */
  matrices: (TransformMatrix | null)[];
}

/** The student: the largest landmarked face (the nearest person), by the width between the cheeks. */
function mainFace(landmarks: LandmarkPx[][]): { index: number; widest: number } | null {
  let main = -1;
  let widest = 0;
  landmarks.forEach((lm, i) => {
    if (lm.length < 478) return;
    const w = Math.hypot(lm[CHEEK_RIGHT]!.x - lm[CHEEK_LEFT]!.x, lm[CHEEK_RIGHT]!.y - lm[CHEEK_LEFT]!.y);
    if (w > widest) [main, widest] = [i, w];
  });
  return main < 0 ? null : { index: main, widest };
}

/**
 * The face geometry measurePhoto will report (its `face`), from the landmarks and the mask alone:
 * finishing needs only this and the mask, so it can start while the image checks still run.
 */
export function faceGeometry(o: Pick<ModelOutputs, 'image' | 'pixels' | 'mask' | 'landmarks' | 'matrices'>): FaceGeometry | null {
  const student = mainFace(o.landmarks);
  if (!student) return null;
  return measureFace(o.landmarks[student.index]!, o.matrices[student.index] ?? null, o.mask, o.image, o.image.width / o.pixels.width).face;
}

/** Every measure the still's checks need, from the models' outputs. Pure: runs in the worker and in Node. */
export function measurePhoto(o: ModelOutputs): PhotoMeasures {
  const toImage = o.image.width / o.pixels.width;
  const scaleBox = (f: DetectedFace): DetectedFace => ({ x: f.x * toImage, y: f.y * toImage, width: f.width * toImage, height: f.height * toImage, score: f.score });
  const faces = [...o.faces].sort((a, b) => b.width - a.width);
  const base: PhotoMeasures = {
    image: o.image,
    analysed: { width: o.pixels.width, height: o.pixels.height },
    faces: faces.map(scaleBox),
    faceCount: portraitFaces(faces).length,
    face: null,
    pose: null,
    eyeOpenness: null,
    mouthOpenness: null,
    lightImbalance: null,
    exposure: null,
    exposureBias: null,
    sharpness: null,
    backgroundNonUniformity: null,
    clothing: null,
    glare: null,
    extraObjects: null,
    ...NO_STANDARD_VALUES,
    details: { landmarkedFaces: o.landmarks.length },
  };
  const student = mainFace(o.landmarks);
  if (!student) return base;
  const { index: main, widest } = student;
  const lm = o.landmarks[main]!;

  const f = measureFace(lm, o.matrices[main] ?? null, o.mask, o.image, toImage);
  const light = measureLighting(o.pixels, lm);
  const sharp = measureSharpness(o.pixels, lm);
  const glare = measureGlare(o.pixels, lm, light.skinLumaP95);
  const bg = o.mask ? measureBackground(o.pixels, o.mask, lm) : null;
  const clothing = o.mask ? measureClothing(o.pixels, o.mask, lm) : null;
  const eyeMid = { x: (lm[RIGHT_EYE.iris]!.x + lm[LEFT_EYE.iris]!.x) / 2, y: (lm[RIGHT_EYE.iris]!.y + lm[LEFT_EYE.iris]!.y) / 2 };
  const t0 = performance.now();
  const { details: standardDetails, ...standardValues } = measureStandard(o.pixels, o.mask, lm);
  // Its own time, for bench/still (it is part of the worker's 'measure' stage).
  standardDetails['standardMs'] = performance.now() - t0;
  const extra = countExtraObjects(faces, o.mask, { x: lm[NOSE_TIP]!.x, y: lm[NOSE_TIP]!.y }, portraitWindow(eyeMid, widest));

  return {
    ...base,
    // The landmarker can find a face the detector scored too low (cut by the frame edge): one face.
    faceCount: Math.max(base.faceCount, 1),
    face: f.face,
    pose: f.pose,
    eyeOpenness: f.eyeOpenness,
    mouthOpenness: f.mouthOpenness,
    lightImbalance: light.lightImbalance,
    exposure: light.exposure,
    exposureBias: light.exposureBias,
    sharpness: sharp.sharpness,
    backgroundNonUniformity: bg?.backgroundNonUniformity ?? null,
    clothing: clothing?.clothing ?? null,
    glare: glare.glare,
    extraObjects: extra.extraObjects,
    ...standardValues,
    details: { ...base.details, ...f.details, ...light.details, ...sharp.details, ...glare.details, ...bg?.details, ...clothing?.details, ...extra.details, ...standardDetails },
  };
}
