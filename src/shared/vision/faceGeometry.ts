/** A point in pixels of the image that was analysed (the original still, orientation applied). */
export interface Point {
  x: number;
  y: number;
}

/**
 * What the finishing and the head-geometry checks need of a face, in original-image pixels. Built
 * from the 478 landmarks (and the segmentation mask for the crown, since hair is above landmark 10).
 */
export interface FaceGeometry {
  imageWidth: number;
  imageHeight: number;
  /** Iris centres; "left" is the subject's left, on the right of the picture. */
  leftEye: Point;
  rightEye: Point;
  noseTip: Point;
  mouthLeft: Point;
  mouthRight: Point;
  chin: Point;
  /** Top of the head including hair. */
  crown: Point;
  /** Face width at the cheekbones (landmarks 234 ↔ 454). */
  faceWidth: number;
}

export function eyeMidpoint(f: FaceGeometry): Point {
  return { x: (f.leftEye.x + f.rightEye.x) / 2, y: (f.leftEye.y + f.rightEye.y) / 2 };
}

/** Angle of the eye line from horizontal, degrees, positive when the picture's right eye is lower. */
export function eyeLineDeg(f: FaceGeometry): number {
  // rightEye is on the picture's left.
  return (Math.atan2(f.leftEye.y - f.rightEye.y, f.leftEye.x - f.rightEye.x) * 180) / Math.PI;
}

/** The same face in another copy of the picture: every point scaled (and shifted), the face width
 * scaled with x. Used wherever a face measured on one copy is needed on another. */
export function mapFaceGeometry(face: FaceGeometry, to: { width: number; height: number; sx: number; sy: number; dx?: number; dy?: number }): FaceGeometry {
  const { sx, sy, dx = 0, dy = 0 } = to;
  const p = (q: Point): Point => ({ x: q.x * sx + dx, y: q.y * sy + dy });
  return {
    imageWidth: to.width,
    imageHeight: to.height,
    leftEye: p(face.leftEye),
    rightEye: p(face.rightEye),
    noseTip: p(face.noseTip),
    mouthLeft: p(face.mouthLeft),
    mouthRight: p(face.mouthRight),
    chin: p(face.chin),
    crown: p(face.crown),
    faceWidth: face.faceWidth * sx,
  };
}
