import type { FaceGeometry, Point } from './faceGeometry.js';
import {
  CHEEK_LEFT,
  CHEEK_RIGHT,
  CHIN,
  FOREHEAD_TOP,
  INNER_LIP_LOWER,
  INNER_LIP_UPPER,
  LEFT_EYE,
  MOUTH_LEFT,
  MOUTH_RIGHT,
  NOSE_TIP,
  RIGHT_EYE,
  type EyeIndices,
} from './landmarkIndices.js';
import type { LandmarkPx, PersonMask, PoseAngles, TransformMatrix } from './measureTypes.js';

export interface FaceMeasures {
  face: FaceGeometry;
  pose: PoseAngles | null;
  eyeOpenness: number;
  mouthOpenness: number;
  details: Record<string, number>;
}

/**
 * Without a mask the crown is put this far above landmark 10, in units of the landmark-10-to-chin
 * distance. Measured with the selfie mask on the three test portraits: 0.44 (curly hair), 0.39
 * (short grey), 0.35 (cropped); their mean keeps the error within ±0.05 face height there.
 */
const CROWN_ABOVE_FOREHEAD = 0.39;
/** The mask is searched at most this far above landmark 10 (same unit): a raised hand or a hat
 * above that is not hair. */
const CROWN_SEARCH = 0.8;
/** A row across the head counts as hair/head while this share of its band is person. */
const CROWN_ROW_COVER = 0.25;

const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

/**
 * The face's geometry and pose from the landmarker's 478 points (pixels of the analysed image) and
 * its facial transformation matrix. `toImage` scales analysed pixels to the still's pixels (1 when
 * the still was analysed at full size).
 */
export function measureFace(
  lm: readonly LandmarkPx[],
  matrix: TransformMatrix | null,
  mask: PersonMask | null,
  image: { width: number; height: number },
  toImage = 1,
): FaceMeasures {
  if (lm.length < 478) throw new Error(`expected 478 landmarks, got ${lm.length}`);
  const p = (i: number): Point => ({ x: lm[i]!.x, y: lm[i]!.y });
  const s = (q: Point): Point => ({ x: q.x * toImage, y: q.y * toImage });

  const forehead = p(FOREHEAD_TOP);
  const chin = p(CHIN);
  const crownFound = mask ? crownFromMask(mask, forehead, chin, dist(p(CHEEK_RIGHT), p(CHEEK_LEFT))) : null;
  const crown = crownFound ?? along(forehead, chin, -CROWN_ABOVE_FOREHEAD);

  const face: FaceGeometry = {
    imageWidth: image.width,
    imageHeight: image.height,
    leftEye: s(p(LEFT_EYE.iris)),
    rightEye: s(p(RIGHT_EYE.iris)),
    noseTip: s(p(NOSE_TIP)),
    mouthLeft: s(p(MOUTH_LEFT)),
    mouthRight: s(p(MOUTH_RIGHT)),
    chin: s(chin),
    crown: s(crown),
    faceWidth: dist(p(CHEEK_RIGHT), p(CHEEK_LEFT)) * toImage,
  };

  const earRight = eyeAspectRatio(lm, RIGHT_EYE);
  const earLeft = eyeAspectRatio(lm, LEFT_EYE);
  const mouthOpenness = dist(p(INNER_LIP_UPPER), p(INNER_LIP_LOWER)) / Math.max(1e-6, dist(p(MOUTH_RIGHT), p(MOUTH_LEFT)));
  const pose = matrix ? poseFromMatrix(matrix) : null;
  const faceHeight = dist(forehead, chin);
  return {
    face,
    pose,
    // The less open eye decides: a wink or one drooping lid is a closed eye on the photo.
    eyeOpenness: Math.min(earRight, earLeft),
    mouthOpenness,
    details: {
      earRight,
      earLeft,
      crownFromMask: crownFound ? 1 : 0,
      crownAboveForehead: faceHeight > 0 ? dist(crown, forehead) / faceHeight : 0,
    },
  };
}

/**
 * Eye aspect ratio (Soukupová & Čech 2016) over three lid pairs: mean lid gap / eye width, pixels.
 * Chosen over the iris-normalised gap because the corners are the most stable points of the eye
 * contour, and over blendshapes because no npm package ships a blendshape model.
 */
export function eyeAspectRatio(lm: readonly LandmarkPx[], eye: EyeIndices): number {
  const p = (i: number): Point => ({ x: lm[i]!.x, y: lm[i]!.y });
  const width = dist(p(eye.corners[0]), p(eye.corners[1]));
  const gaps = eye.lids.reduce((sum, [a, b]) => sum + dist(p(a), p(b)), 0) / eye.lids.length;
  return gaps / Math.max(1e-6, width);
}

/** A point on the line from a towards b, t in units of |ab| (negative: beyond a, away from b). */
function along(a: Point, b: Point, t: number): Point {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}

/**
 * Walks up the head's axis (chin → landmark 10, so a tilted head is followed) from landmark 10 and
 * returns the last step where a band across the head is still person. Null when the mask has no
 * head there or the head runs off the top of the picture (the caller then estimates).
 */
function crownFromMask(mask: PersonMask, forehead: Point, chin: Point, faceWidth: number): Point | null {
  const axisLen = dist(forehead, chin);
  if (axisLen < 4) return null;
  const ux = (forehead.x - chin.x) / axisLen; // unit vector pointing up the head
  const uy = (forehead.y - chin.y) / axisLen;
  const vx = -uy; // across the head
  const vy = ux;
  const halfBand = 0.2 * faceWidth;
  const across = 9;
  const at = (x: number, y: number) => {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= mask.width || yi >= mask.height) return -1;
    return mask.data[yi * mask.width + xi]!;
  };
  const steps = Math.max(8, Math.ceil(axisLen * CROWN_SEARCH));
  let last: Point | null = null;
  let misses = 0;
  for (let k = 0; k <= steps; k++) {
    const cx = forehead.x + ux * k;
    const cy = forehead.y + uy * k;
    let person = 0;
    let outside = 0;
    for (let j = 0; j < across; j++) {
      const o = -halfBand + (2 * halfBand * j) / (across - 1);
      const v = at(cx + vx * o, cy + vy * o);
      if (v < 0) outside++;
      else if (v >= 128) person++;
    }
    if (outside === across) return null; // off the picture while still on the head: crown unknown
    if (person / across >= CROWN_ROW_COVER) {
      last = { x: cx, y: cy };
      misses = 0;
    } else if (last && ++misses > Math.max(3, axisLen * 0.03)) {
      break; // a few empty rows in a row: above the hair
    } else if (!last && k > axisLen * 0.1) {
      return null; // nothing of the head above the forehead: the mask missed the person
    }
  }
  return last;
}

/**
 * Yaw, pitch and roll from the facial transformation matrix (column-major 4×4, camera looking down
 * −z, y up): the rotation's Euler angles, as MediaPipe's own examples read them. The matrix is only
 * comparable between photos because the landmarker always sees a face-centred cut (landmarkCrop.ts).
 */
export function poseFromMatrix(matrix: TransformMatrix): PoseAngles | null {
  const { rows, columns, data } = matrix;
  if (rows !== 4 || columns !== 4 || data.length !== 16 || !data.every(Number.isFinite)) return null;
  const m = (r: number, c: number) => data[c * 4 + r]!;
  const deg = 180 / Math.PI;
  return {
    // Image y points down while the camera's y points up: negate so roll has eyeLineDeg's sign.
    roll: -Math.atan2(m(1, 0), m(0, 0)) * deg,
    yaw: Math.asin(-Math.max(-1, Math.min(1, m(2, 0)))) * deg,
    pitch: Math.atan2(m(2, 1), m(2, 2)) * deg,
  };
}
