import sharp from 'sharp';
import {
  boxDownsample,
  chipTemplate,
  CHIP_SIZE,
  estimateSimilarity,
  fivePointList,
  fivePointsFrom68,
  interEyeDistance,
  similarityScale,
  warpToChip,
  yawIndex,
  type FivePoints,
  type Pt,
  type RgbImage,
  type Similarity,
} from '../../shared/faceMatch/alignment.js';
import type { FaceIssue } from '../../shared/faceMatch/decision.js';
import { halftonePeak, hasPaperMargin, meanChroma, medianLuma, QUALITY_LIMITS } from '../../shared/faceMatch/photoQuality.js';
import { decodeRaw, openStill, readStill, toSrgbRaw, type StillInfo } from '../imaging/readStill.js';
import { withFaceNets, type Box, type FaceNets, type Tensor } from './faceModels.js';

/** Limits on the face itself (photo-level ones are in QUALITY_LIMITS); bench/match prints what the test faces measure. */
export const FACE_LIMITS = {
  /** Eyes closer than this in the photo's own pixels: the chip would be mostly interpolation. */
  minEyeDistancePx: 24,
  /** |yawIndex| above this: the head is turned well away from frontal (the test faces: 37 of 40 ≤ 0.28; the three
   * above are visibly turned; ISO-style admission photos measure < 0.1). */
  maxYawIndex: 0.3,
  /** Another face at least this share of the largest face's width counts as a second face. */
  secondFaceShare: 0.5,
  detectorScore: 0.5,
} as const;

/** Which side a photo is: only admission photos are checked for being a scanned print. */
export type PhotoRole = 'admission' | 'capture';

export interface FaceAnalysis {
  /** Faces of comparable size found (0, 1, or more). */
  faces: number;
  issues: FaceIssue[];
  /** 128 floats from the dlib ResNet; null when no face was found. */
  embedding: Float32Array | null;
  /** In the upright photo's own pixels. */
  five: FivePoints | null;
  interEyePx: number | null;
  yaw: number | null;
  width: number;
  height: number;
  timings: { decodeMs: number; detectMs: number; landmarksMs: number; alignEmbedMs: number; qualityMs: number };
  /** The aligned 150×150 RGB chip the embedding was made from (for the bench and debugging). */
  chip: Float32Array | null;
}

const WORK_MAX_SIDE = 1024;
const DETECT_MAX_SIDE = 512;

interface Raster extends RgbImage {
  data: Uint8Array;
}

async function decode(bytes: Buffer): Promise<{ info: StillInfo; work: Raster; det: Raster; workScale: number }> {
  const info = await readStill(bytes);
  const fit = (max: number) => {
    const k = Math.min(1, max / Math.max(info.width, info.height));
    return { width: Math.max(1, Math.round(info.width * k)), height: Math.max(1, Math.round(info.height * k)) };
  };
  const w = fit(WORK_MAX_SIDE);
  const raw = await decodeRaw(toSrgbRaw(openStill(bytes, info).resize(w.width, w.height, { fit: 'fill', kernel: 'lanczos3' }), info), 3);
  const work: Raster = { data: new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength), width: raw.width, height: raw.height };
  const d = fit(DETECT_MAX_SIDE);
  let det = work;
  if (d.width < work.width) {
    const small = await sharp(raw.data, { raw: { width: work.width, height: work.height, channels: 3 } })
      .resize(d.width, d.height, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    det = { data: new Uint8Array(small.data.buffer, small.data.byteOffset, small.data.byteLength), width: small.info.width, height: small.info.height };
  }
  return { info, work, det, workScale: work.width / info.width };
}

/** The picture inside a plain white margin: the detector misses faces that fill the frame (tight admission crops). */
function padded(img: Raster, share: number): { img: Raster; pad: number } {
  const pad = Math.round(Math.max(img.width, img.height) * share);
  if (pad === 0) return { img, pad };
  const width = img.width + 2 * pad;
  const height = img.height + 2 * pad;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (let y = 0; y < img.height; y++) data.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), ((y + pad) * width + pad) * 3);
  return { img: { data, width, height }, pad };
}

/**
 * Detector passes. The first two always run and their faces are merged: the padded one finds faces
 * that fill the frame (all 40 tight test crops), the plain one finds smaller faces, such as a second
 * person beside the first. The others only when neither found a face.
 */
const DETECTION_PASSES = [
  [
    { pad: 0.5, inputSize: 224 },
    { pad: 0, inputSize: 320 },
  ],
  [
    { pad: 0.25, inputSize: 160 },
    { pad: 0, inputSize: 416 },
  ],
] as const;

function iou(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Boxes from several passes, in the unpadded detector image, overlapping ones merged (the higher score kept). */
function mergeBoxes(found: Array<{ box: Box; score: number }>): Array<{ box: Box; score: number }> {
  const kept: Array<{ box: Box; score: number }> = [];
  for (const f of [...found].sort((a, b) => b.score - a.score)) if (!kept.some((k) => iou(k.box, f.box) > 0.3)) kept.push(f);
  return kept.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
}

async function landmarksIn(nets: FaceNets, image: Tensor, imgW: number, imgH: number, box: Box): Promise<Pt[]> {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(imgW, Math.ceil(box.x + box.width));
  const y1 = Math.min(imgH, Math.ceil(box.y + box.height));
  const rect = new nets.api.Rect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
  const [crop] = await nets.api.extractFaceTensors(image, [rect]);
  try {
    const lm = await nets.api.nets.faceLandmark68Net.detectLandmarks(crop!);
    return lm.positions.map((p) => ({ x: p.x + rect.x, y: p.y + rect.y }));
  } finally {
    crop?.dispose();
  }
}

/** A square around the 68 points, 1.2× their extent: the landmarker sees the face centred. */
function boxAround(points: readonly Pt[]): Box {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const half = (Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) / 2) * 1.2;
  return { x: cx - half, y: cy - half, width: 2 * half, height: 2 * half };
}

function mapFive(f: FivePoints, map: (p: Pt) => Pt): FivePoints {
  return { rightEye: map(f.rightEye), leftEye: map(f.leftEye), noseTip: map(f.noseTip), mouthRight: map(f.mouthRight), mouthLeft: map(f.mouthLeft) };
}

/** The aligned chip from the work image; a face much larger than the chip is box-averaged down first. */
export function alignedChip(work: RgbImage, five: FivePoints): { chip: Float32Array; transform: Similarity } {
  const template = fivePointList(chipTemplate());
  let transform = estimateSimilarity(fivePointList(five), template);
  let src: RgbImage = work;
  const s = similarityScale(transform);
  if (s < 0.5) {
    const f = Math.floor(1 / (2 * s));
    src = boxDownsample(work, f);
    transform = estimateSimilarity(fivePointList(mapFive(five, (p) => ({ x: p.x / f, y: p.y / f }))), template);
  }
  return { chip: warpToChip(src, transform, CHIP_SIZE), transform };
}

/** The printed-photo signs, on the admission photo: a paper margin, or a halftone screen at full resolution. */
async function looksPrinted(bytes: Buffer, info: StillInfo, work: Raster, centre: Pt): Promise<boolean> {
  if (hasPaperMargin(work)) return true;
  const n = Math.min(256, info.width, info.height);
  if (n < 64) return false;
  const c = centre;
  const left = Math.round(Math.min(Math.max(0, c.x - n / 2), info.width - n));
  const top = Math.round(Math.min(Math.max(0, c.y - n / 2), info.height - n));
  const raw = await decodeRaw(toSrgbRaw(openStill(bytes, info).extract({ left, top, width: n, height: n }), info), 3);
  const peak = halftonePeak({ data: raw.data, width: raw.width, height: raw.height }, { x: raw.width / 2, y: raw.height / 2 });
  return peak !== null && peak >= QUALITY_LIMITS.halftonePeak;
}

/**
 * Everything the comparison needs from one photo: detect (in Node, the same code for the admission
 * photo, the captured photo and the CLI), 68 landmarks refined twice, five points, the aligned chip,
 * the 128-d embedding, and the reasons it may not be comparable. Throws the still decoder's AppError
 * for a file that is not a usable image.
 */
export async function analyseFace(bytes: Buffer, role: PhotoRole): Promise<FaceAnalysis> {
  const t0 = performance.now();
  const { info, work, det, workScale } = await decode(bytes);
  const detScale = det.width / work.width;
  const t1 = performance.now();
  return withFaceNets(async (nets) => {
    const { tf, api } = nets;
    const timings = { decodeMs: t1 - t0, detectMs: 0, landmarksMs: 0, alignEmbedMs: 0, qualityMs: 0 };
    const issues: FaceIssue[] = [];
    let found: { boxes: Box[]; pad: number; tensor: Tensor; img: Raster } | null = null;
    const td = performance.now();
    for (const group of DETECTION_PASSES) {
      const boxes: Array<{ box: Box; score: number }> = [];
      for (const pass of group) {
        const p = padded(det, pass.pad);
        const tensor = tf.tensor3d(p.img.data, [p.img.height, p.img.width, 3], 'int32');
        try {
          const dets = await api.nets.tinyFaceDetector.locateFaces(tensor, new api.TinyFaceDetectorOptions({ inputSize: pass.inputSize, scoreThreshold: FACE_LIMITS.detectorScore }));
          for (const d of dets) boxes.push({ score: d.score, box: { x: d.box.x - p.pad, y: d.box.y - p.pad, width: d.box.width, height: d.box.height } });
        } finally {
          tensor.dispose();
        }
      }
      if (boxes.length > 0) {
        // Landmarks run on the picture inside a white margin, like the detector's first pass: a face
        // that fills the frame is then still centred in the landmarker's crop.
        const p = padded(det, 0.5);
        const merged = mergeBoxes(boxes).map((b) => ({ ...b.box, x: b.box.x + p.pad, y: b.box.y + p.pad }));
        found = { boxes: merged, pad: p.pad, tensor: tf.tensor3d(p.img.data, [p.img.height, p.img.width, 3], 'int32'), img: p.img };
        break;
      }
    }
    timings.detectMs = performance.now() - td;
    const base = { width: info.width, height: info.height, timings, chip: null };
    if (!found) {
      const tq = performance.now();
      // Said alongside: a very dark picture is often why no face was found.
      if (medianLuma(work, 0) < QUALITY_LIMITS.darkFaceLuma) issues.push('too_dark');
      timings.qualityMs = performance.now() - tq;
      return { ...base, faces: 0, issues: ['no_face', ...issues], embedding: null, five: null, interEyePx: null, yaw: null };
    }
    try {
      const largest = found.boxes[0]!;
      const faces = found.boxes.filter((b) => b.width >= largest.width * FACE_LIMITS.secondFaceShare).length;
      if (faces > 1) issues.push('multiple_faces');

      const tl = performance.now();
      let points = await landmarksIn(nets, found.tensor, found.img.width, found.img.height, largest);
      for (let i = 0; i < 2; i++) points = await landmarksIn(nets, found.tensor, found.img.width, found.img.height, boxAround(points));
      timings.landmarksMs = performance.now() - tl;

      // Detector pixels (padded) → work pixels → the photo's own pixels.
      const pad = found.pad;
      const inWork = mapFive(fivePointsFrom68(points), (p) => ({ x: (p.x - pad) / detScale, y: (p.y - pad) / detScale }));
      const five = mapFive(inWork, (p) => ({ x: p.x / workScale, y: p.y / workScale }));
      const interEyePx = interEyeDistance(five);
      const yaw = yawIndex(five);
      if (interEyePx < FACE_LIMITS.minEyeDistancePx) issues.push('face_too_small');
      if (Math.abs(yaw) > FACE_LIMITS.maxYawIndex) issues.push('face_turned');

      const ta = performance.now();
      const { chip } = alignedChip(work, inWork);
      const chipTensor = tf.tensor3d(chip, [CHIP_SIZE, CHIP_SIZE, 3], 'float32');
      let embedding: Float32Array;
      try {
        embedding = Float32Array.from(await api.nets.faceRecognitionNet.computeFaceDescriptor(chipTensor));
      } finally {
        chipTensor.dispose();
      }
      timings.alignEmbedMs = performance.now() - ta;

      const tq = performance.now();
      const chipImage = { data: chip, width: CHIP_SIZE, height: CHIP_SIZE };
      if (meanChroma(chipImage) < QUALITY_LIMITS.greyscaleChroma) issues.push('greyscale');
      if (medianLuma(chipImage) < QUALITY_LIMITS.darkFaceLuma) issues.push('too_dark');
      const centre = { x: (five.noseTip.x + (five.leftEye.x + five.rightEye.x) / 2) / 2, y: (five.noseTip.y + (five.leftEye.y + five.rightEye.y) / 2) / 2 };
      if (role === 'admission' && (await looksPrinted(bytes, info, work, centre))) issues.push('printed_scan');
      timings.qualityMs = performance.now() - tq;
      return { ...base, chip, faces, issues, embedding, five, interEyePx, yaw };
    } finally {
      found.tensor.dispose();
    }
  });
}

/** Euclidean distance between two embeddings (the metric the dlib model was trained for). */
export function embeddingDistance(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`embedding lengths differ: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}
