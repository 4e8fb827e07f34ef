/**
 * The live preview's vision, off the UI thread, on each camera frame the UI thread hands over
 * (one at a time): FaceLandmarker (tasks-vision 0.10.35, pinned) in VIDEO mode on a face-centred
 * square cut from the frame — as the still worker does, because the landmarker's pose depends on
 * where the face sits in its input (see landmarkCrop.ts), so live and still agree — then the still
 * checks' own pure measures (src/shared/vision). The cut follows the face from frame to frame; the
 * full-range face detector runs on the whole (downscaled) frame every few frames to count people
 * and whenever the face is lost. No segmentation: the crown is estimated from the landmarks (the
 * still, where the crop is decided, has the mask).
 */
import { FaceDetector, FaceLandmarker } from '@mediapipe/tasks-vision';
import { keptFaces, portraitFaces } from '../../shared/vision/extraObjects';
import { eyeLineDeg, eyeMidpoint } from '../../shared/vision/faceGeometry';
import { measureLighting } from '../../shared/vision/imageMeasures';
import { CHEEK_LEFT, CHEEK_RIGHT } from '../../shared/vision/landmarkIndices';
import { landmarkCrop, type CropSquare } from '../../shared/vision/landmarkCrop';
import type { LiveMeasures } from '../../shared/vision/liveGuidance';
import { measureFace } from '../../shared/vision/measureFace';
import type { DetectedFace, LandmarkPx, TransformMatrix } from '../../shared/vision/measureTypes';
import { cutFrame, type Rect } from './frameCut';
import type { LiveTimings, LiveVisionConfig, LiveVisionRequest, LiveVisionResponse } from './liveVisionProtocol';

/** tasks-vision declares its WasmFileset type without exporting it. */
type WasmFileset = Parameters<typeof FaceLandmarker.createFromOptions>[0];

/**
 * The cut around a tracked face is this many times the landmarks' extent (its larger side). The
 * full-range detector's box measured 0.94–1.0 of that extent on the test portraits, so this frames
 * the face as the still's cut does (LANDMARK_CROP_SIDE = 2.5 × the detector's box).
 */
const TRACK_CROP_SIDE = 2.4;

interface WorkerScope {
  postMessage(message: LiveVisionResponse): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<LiveVisionRequest>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

interface Engine {
  detector: FaceDetector;
  landmarker: FaceLandmarker;
}
let engine: Promise<Engine> | null = null;
let config: LiveVisionConfig = { cropPx: 256, detectSide: 320, detectEvery: 6, lightEvery: 3 };
/** VIDEO mode refuses a timestamp that does not increase. */
let lastTimestamp = -Infinity;
let frameNo = 0;
/** Where the face was on the last frame: the next cut is centred there. */
let track: CropSquare | null = null;
let faceCount = 0;
/** The last lighting measured, reused on the frames in between (light changes slowly). */
let light: Pick<LiveMeasures, 'lightImbalance' | 'exposure' | 'exposureBias'> = { lightImbalance: null, exposure: null, exposureBias: null };

async function load(assetBase: string): Promise<Engine> {
  const url = (path: string) => new URL(path, assetBase).href;
  // The ES-module loader (a module worker has no importScripts), one query string per task: the
  // loader hands each task its factory through one global (see stillVisionWorker.ts).
  const fileset = (task: string): WasmFileset => ({
    wasmLoaderPath: `${url('mediapipe/vision_wasm_module_internal.js')}?task=${task}`,
    wasmBinaryPath: url('mediapipe/vision_wasm_module_internal.wasm'),
  });
  // CPU delegate: the GPU one fails on these models under software GL (MODELS.md).
  const base = (file: string) => ({ baseOptions: { modelAssetPath: url(`models/${file}`), delegate: 'CPU' as const } });
  // Full range, as the still counts faces: the short-range one sees a face in portrait-c's backdrop.
  const detector = await FaceDetector.createFromOptions(fileset('live-detector'), { ...base('face_detector_full_range.tflite'), runningMode: 'IMAGE', minDetectionConfidence: 0.3 });
  const landmarker = await FaceLandmarker.createFromOptions(fileset('live-landmarker'), {
    ...base('face_landmarker.task'),
    runningMode: 'VIDEO',
    // One: people are counted by the full-range detector on the whole frame (as the still counts
    // them). With two, the landmarker's own detector runs on every frame while only one face is
    // tracked: 11.3 instead of 8.0 ms per frame here (bench/live), and drops at a 60 fps camera.
    numFaces: 1,
    outputFacialTransformationMatrixes: true,
    outputFaceBlendshapes: false,
  });
  return { detector, landmarker };
}

const canvases = new Map<string, OffscreenCanvasRenderingContext2D>();
/** A reused CPU-backed 2D canvas (willReadFrequently: getImageData is a copy, not a GPU readback). */
function context2d(name: string, w: number, h: number): OffscreenCanvasRenderingContext2D {
  let ctx = canvases.get(name);
  if (!ctx || ctx.canvas.width !== w || ctx.canvas.height !== h) {
    const c = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true, alpha: false });
    if (!c) throw new Error('OffscreenCanvas 2D context unavailable');
    ctx = c;
    canvases.set(name, ctx);
  }
  return ctx;
}

/** Pixels of `src` (frame px) scaled to outW × outH: from the YUV planes when the frame has them
 * (frameCut.ts), else drawn on a canvas; neutral grey where src reaches past the frame. */
async function pixelsOf(frame: VideoFrame | ImageBitmap, src: Rect, outW: number, outH: number, name: string): Promise<{ pixels: ImageData; yuv: boolean }> {
  const fromYuv = 'format' in frame ? await cutFrame(frame, src, outW, outH) : null;
  if (fromYuv) return { pixels: fromYuv, yuv: true };
  const ctx = context2d(name, outW, outH);
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, outW, outH);
  ctx.drawImage(frame, src.x, src.y, src.width, src.height, 0, 0, outW, outH);
  return { pixels: ctx.getImageData(0, 0, outW, outH), yuv: false };
}

/** Faces in the whole frame (downscaled to detectSide), boxes in frame pixels. */
async function detectFaces(detector: FaceDetector, frame: VideoFrame | ImageBitmap, fw: number, fh: number): Promise<DetectedFace[]> {
  const k = Math.min(1, config.detectSide / Math.max(fw, fh));
  const w = Math.max(1, Math.round(fw * k));
  const h = Math.max(1, Math.round(fh * k));
  const { pixels } = await pixelsOf(frame, { x: 0, y: 0, width: fw, height: fh }, w, h, 'detect');
  return detector.detect(pixels).detections.flatMap((d) =>
    d.boundingBox ? [{ x: d.boundingBox.originX / k, y: d.boundingBox.originY / k, width: d.boundingBox.width / k, height: d.boundingBox.height / k, score: d.categories[0]?.score ?? 0 }] : [],
  );
}

interface Located {
  lm: LandmarkPx[];
  matrix: TransformMatrix | null;
  /** The cut the landmarks are in (cropPx × cropPx pixels of it) and where it is in the frame. */
  pixels: ImageData;
  sq: CropSquare;
}

/**
 * The student's landmarks on this frame: the detector first when it is due or nothing is tracked,
 * then the landmarker on the cut around the face — and once more on a fresh detection if the
 * tracked cut lost the face.
 */
async function locate(e: Engine, frame: VideoFrame | ImageBitmap, n: number, timestampMs: number, timings: LiveTimings): Promise<Located | null> {
  const fw = 'displayWidth' in frame ? frame.displayWidth : frame.width;
  const fh = 'displayHeight' in frame ? frame.displayHeight : frame.height;
  let detected = false;
  const detect = async () => {
    const t = performance.now();
    const faces = await detectFaces(e.detector, frame, fw, fh);
    faceCount = portraitFaces(faces).length;
    detected = true;
    timings.detect += performance.now() - t;
    return keptFaces(faces)[0];
  };
  if (!track || n % config.detectEvery === 0) {
    const main = await detect();
    // Re-centre on the detector's face when tracking was lost or drifted off the student.
    if (!track || (main && !inside(main, track))) track = main ? landmarkCrop(main) : null;
  }
  for (let attempt = 0; attempt < 2 && track; attempt++) {
    const sq = track;
    let t = performance.now();
    const cut = await pixelsOf(frame, { x: sq.x, y: sq.y, width: sq.side, height: sq.side }, config.cropPx, config.cropPx, 'crop');
    timings.yuv = cut.yuv ? 1 : 0;
    timings.crop += performance.now() - t;
    t = performance.now();
    const ts = Math.max(Math.round(timestampMs), lastTimestamp + 1);
    lastTimestamp = ts;
    const r = e.landmarker.detectForVideo(cut.pixels, ts);
    timings.landmarks += performance.now() - t;
    const n = config.cropPx;
    const found = widest(r.faceLandmarks.map((f) => f.map((p) => ({ x: p.x * n, y: p.y * n, z: p.z * n }))));
    if (found) {
      const m = r.facialTransformationMatrixes?.[found.index];
      return { lm: found.lm, matrix: m ? { rows: m.rows, columns: m.columns, data: Array.from(m.data) } : null, pixels: cut.pixels, sq };
    }
    if (detected) break;
    const main = await detect();
    track = main ? landmarkCrop(main) : null;
  }
  track = null;
  return null;
}

async function analyse(e: Engine, frame: VideoFrame | ImageBitmap, timestampMs: number): Promise<{ measures: LiveMeasures; timings: LiveTimings }> {
  const t0 = performance.now();
  const timings: LiveTimings = { detect: 0, crop: 0, landmarks: 0, measure: 0, light: 0, total: 0, yuv: 0 };
  const fw = 'displayWidth' in frame ? frame.displayWidth : frame.width;
  const fh = 'displayHeight' in frame ? frame.displayHeight : frame.height;
  const measures: LiveMeasures = { frame: { width: fw, height: fh }, faceCount: 0, face: null, pose: null, eyeOpenness: null, mouthOpenness: null, lightImbalance: null, exposure: null, exposureBias: null };
  // The detector and the lighting take turns (never on the same frame), so no frame carries both.
  const n = frameNo++;
  let found: Located | null;
  try {
    found = await locate(e, frame, n, timestampMs, timings);
  } finally {
    frame.close();
  }
  measures.faceCount = faceCount;
  if (!found) {
    light = { lightImbalance: null, exposure: null, exposureBias: null };
    timings.total = performance.now() - t0;
    return { measures, timings };
  }
  let t = performance.now();
  const { lm, matrix, pixels, sq } = found;
  // The landmarks are in the cut's pixels; FaceGeometry's points are mapped to the frame's.
  const k = sq.side / config.cropPx;
  const toFrame = (p: { x: number; y: number }) => ({ x: sq.x + p.x * k, y: sq.y + p.y * k });
  const f = measureFace(lm, matrix, null, { width: config.cropPx, height: config.cropPx });
  measures.face = { eyeMid: toFrame(eyeMidpoint(f.face)), crown: toFrame(f.face.crown), chin: toFrame(f.face.chin), faceWidth: f.face.faceWidth * k, eyeLineDeg: eyeLineDeg(f.face) };
  measures.pose = f.pose;
  measures.eyeOpenness = f.eyeOpenness;
  measures.mouthOpenness = f.mouthOpenness;
  // A face seen means at least one person, even on a frame between detector runs.
  measures.faceCount = Math.max(1, faceCount);
  track = followFace(lm, toFrame, k);
  timings.measure = performance.now() - t;
  if (n % config.lightEvery === config.lightEvery - 1 || light.exposure === null) {
    t = performance.now();
    const l = measureLighting(pixels, lm);
    light = { lightImbalance: l.lightImbalance, exposure: l.exposure, exposureBias: l.exposureBias };
    timings.light = performance.now() - t;
  }
  Object.assign(measures, light);
  timings.total = performance.now() - t0;
  return { measures, timings };
}

/** The widest landmarked face (the nearest person), as in measurePhoto. */
function widest(faces: LandmarkPx[][]): { lm: LandmarkPx[]; index: number } | null {
  let best: { lm: LandmarkPx[]; index: number } | null = null;
  let bestWidth = 0;
  faces.forEach((f, index) => {
    if (f.length < 478) return;
    const w = Math.hypot(f[CHEEK_RIGHT]!.x - f[CHEEK_LEFT]!.x, f[CHEEK_RIGHT]!.y - f[CHEEK_LEFT]!.y);
    if (w > bestWidth) [best, bestWidth] = [{ lm: f, index }, w];
  });
  return best;
}

/** The next frame's cut: centred on this frame's landmarks, TRACK_CROP_SIDE × their extent. */
function followFace(lm: readonly LandmarkPx[], toFrame: (p: { x: number; y: number }) => { x: number; y: number }, k: number): CropSquare {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of lm) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  const c = toFrame({ x: (x0 + x1) / 2, y: (y0 + y1) / 2 });
  const side = TRACK_CROP_SIDE * Math.max(x1 - x0, y1 - y0) * k;
  return { x: c.x - side / 2, y: c.y - side / 2, side };
}

const inside = (f: DetectedFace, sq: CropSquare) => {
  const cx = f.x + f.width / 2;
  const cy = f.y + f.height / 2;
  return cx > sq.x && cx < sq.x + sq.side && cy > sq.y && cy < sq.y + sq.side;
};

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

scope.addEventListener('message', (event) => {
  const msg = event.data;
  if (msg.type === 'init') {
    config = msg.config;
    track = null;
    if (engine) return;
    const t0 = performance.now();
    engine = load(msg.assetBase);
    engine.then(
      () => scope.postMessage({ type: 'ready', loadMs: performance.now() - t0 }),
      (err: unknown) => scope.postMessage({ type: 'failed', seq: null, message: `live vision models failed to load: ${message(err)}` }),
    );
    return;
  }
  const { seq, frame, timestampMs } = msg;
  if (!engine) {
    frame.close();
    scope.postMessage({ type: 'failed', seq, message: 'worker not initialised' });
    return;
  }
  // Before the models are ready the frame waits here; the UI thread sends no second one meanwhile.
  engine.then(
    (e) => {
      analyse(e, frame, timestampMs).then(
        (r) => scope.postMessage({ type: 'result', seq, ...r }),
        (err: unknown) => scope.postMessage({ type: 'failed', seq, message: message(err) }),
      );
    },
    () => {
      frame.close();
      scope.postMessage({ type: 'failed', seq, message: 'live vision models not loaded' });
    },
  );
});
