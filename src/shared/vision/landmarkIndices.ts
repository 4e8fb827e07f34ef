/**
 * Indices into the 478 face-mesh landmarks (MediaPipe face-mesh topology, refined with irises).
 * "Right"/"left" are the subject's: the subject's right eye is on the picture's left (landmark 33
 * side, iris 468), as FaceGeometry names them. MediaPipe's own model outputs call the 33 side
 * "left_eye"; these names follow the person instead.
 */

export const NOSE_TIP = 1;
/** Top of the forehead on the mesh (below the hairline: the crown is higher). */
export const FOREHEAD_TOP = 10;
export const CHIN = 152;
/** Cheekbone edges: FaceGeometry.faceWidth is their distance. */
export const CHEEK_RIGHT = 234;
export const CHEEK_LEFT = 454;
export const MOUTH_RIGHT = 61;
export const MOUTH_LEFT = 291;
/** Inner lip midpoints: their gap is how far the mouth is open. */
export const INNER_LIP_UPPER = 13;
export const INNER_LIP_LOWER = 14;

export interface EyeIndices {
  /** Iris centre, then its four edge points. */
  iris: number;
  irisEdges: readonly [number, number, number, number];
  /** Outer and inner corner. */
  corners: readonly [number, number];
  /** Upper/lower lid pairs across the eye, outer to inner: the eye aspect ratio's verticals. */
  lids: readonly (readonly [number, number])[];
  /** The 16 points around the eye opening. */
  contour: readonly number[];
  /** The eyebrow, for the region a spectacle lens covers. */
  brow: readonly number[];
}

export const RIGHT_EYE: EyeIndices = {
  iris: 468,
  irisEdges: [469, 470, 471, 472],
  corners: [33, 133],
  lids: [
    [160, 144],
    [159, 145],
    [158, 153],
  ],
  contour: [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246],
  brow: [70, 63, 105, 66, 107, 55, 65, 52, 53, 46],
};

export const LEFT_EYE: EyeIndices = {
  iris: 473,
  irisEdges: [474, 475, 476, 477],
  corners: [263, 362],
  lids: [
    [387, 373],
    [386, 374],
    [385, 380],
  ],
  contour: [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466],
  brow: [300, 293, 334, 296, 336, 285, 295, 282, 283, 276],
};

/** The face outline, clockwise from the top of the forehead (MediaPipe FACEMESH_FACE_OVAL order). */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54,
  103, 67, 109,
] as const;

/** Outer lip outline. */
export const LIPS_OUTER = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185] as const;

/** The midline of the face from forehead to chin, on the skin: splits it into the two halves. */
export const MIDLINE = [10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 19, 94, 2, 164, 0, 11, 12, 13, 14, 15, 16, 17, 18, 200, 199, 175, 152] as const;
