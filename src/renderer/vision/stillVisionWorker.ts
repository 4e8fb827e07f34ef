/**
 * The still's vision engine, off the UI thread: MediaPipe Tasks (0.10.35, pinned: 1.x posts usage
 * logs to Google) with its wasm and our models served by the kiosk itself — never a CDN. Runs the
 * full-range face detector (to count faces: the short-range one sees a second face in portrait-c's
 * backdrop), the 478-point landmarker on a face-centred cut of the largest face (landmarkCrop.ts) and
 * the selfie segmenter on one still, then the pure measures of src/shared/vision. The verdict is
 * judged on the UI side against the spec (analyseStill), so stored measures can be judged again.
 */
import { FaceDetector, FaceLandmarker, ImageSegmenter } from '@mediapipe/tasks-vision';
import { keptFaces } from '../../shared/vision/extraObjects';
import { LANDMARK_CROP_PX, landmarkCrop } from '../../shared/vision/landmarkCrop';
import type { FaceGeometry } from '../../shared/vision/faceGeometry';
import { faceGeometry, measurePhoto } from '../../shared/vision/measurePhoto';
import type { DetectedFace, LandmarkPx, PersonMask, TransformMatrix } from '../../shared/vision/measureTypes';
import type { RgbPixels, StillVisionRequest, StillVisionResponse } from './stillVisionProtocol';

/** Stills with a longer side are analysed downscaled: the models see ≤ 256 px anyway, and the pixel
 * measures normalise by face size. FaceGeometry is still given in the still's own pixels. */
const MAX_SIDE = 2560;

/** tasks-vision declares its WasmFileset type without exporting it. */
type WasmFileset = Parameters<typeof FaceDetector.createFromOptions>[0];

interface WorkerScope {
  postMessage(message: StillVisionResponse): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<StillVisionRequest>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

interface Engine {
  detector: FaceDetector;
  landmarker: FaceLandmarker;
  segmenter: ImageSegmenter;
}
let engine: Promise<Engine> | null = null;

async function load(assetBase: string): Promise<Engine> {
  const url = (path: string) => new URL(path, assetBase).href;
  // The ES-module build of the loader: a module worker has no importScripts, so tasks-vision falls
  // back to import(), which only the _module_ variant supports (it sets globalThis.ModuleFactory and
  // each task clears it again). An ES module runs once per URL, so each task gets its own query
  // string, as each <script> tag would re-run the classic loader on a page.
  // SIMD is in every Chromium we ship on, so the no-SIMD files are not served at all.
  const fileset = (task: string): WasmFileset => ({
    wasmLoaderPath: `${url('mediapipe/vision_wasm_module_internal.js')}?task=${task}`,
    wasmBinaryPath: url('mediapipe/vision_wasm_module_internal.wasm'),
  });
  const base = (file: string) => ({ baseOptions: { modelAssetPath: url(`models/${file}`), delegate: 'CPU' as const }, runningMode: 'IMAGE' as const });
  // One after the other: the loader hands over its factory through one global.
  const detector = await FaceDetector.createFromOptions(fileset('detector'), { ...base('face_detector_full_range.tflite'), minDetectionConfidence: 0.3 });
  const landmarker = await FaceLandmarker.createFromOptions(fileset('landmarker'), {
    ...base('face_landmarker.task'),
    numFaces: 2,
    outputFacialTransformationMatrixes: true,
    outputFaceBlendshapes: false,
  });
  const segmenter = await ImageSegmenter.createFromOptions(fileset('segmenter'), { ...base('selfie_segmenter.tflite'), outputConfidenceMasks: true, outputCategoryMask: false });
  // The landmarker sees a face-centred cut of this size on every real shot; a warm-up picture has no
  // face (it is given the whole picture), so the cut's size is run once here.
  landmarker.detect(new ImageData(LANDMARK_CROP_PX, LANDMARK_CROP_PX));
  return { detector, landmarker, segmenter };
}

async function decode(image: Blob | ImageBitmap): Promise<ImageBitmap> {
  // 'from-image': EXIF orientation applied, so pixels match what sharp's rotate() gives main.
  return image instanceof Blob ? createImageBitmap(image, { imageOrientation: 'from-image' }) : image;
}

/** RGB to ImageData's RGBA, opaque. */
function rgbToImageData(p: RgbPixels): ImageData {
  const n = p.width * p.height;
  if (p.rgb.length !== n * 3) throw new Error(`raw picture has ${p.rgb.length} bytes for ${p.width}×${p.height}`);
  const rgba = new Uint8ClampedArray(n * 4);
  const src = p.rgb;
  for (let i = 0, o = 0, j = 0; i < n; i++, o += 4, j += 3) {
    rgba[o] = src[j]!;
    rgba[o + 1] = src[j + 1]!;
    rgba[o + 2] = src[j + 2]!;
    rgba[o + 3] = 255;
  }
  return new ImageData(rgba, p.width, p.height);
}

/** The picture at analysis size on a canvas (the landmark cut draws from it) and as ImageData. */
async function toPixels(input: Blob | ImageBitmap | RgbPixels): Promise<{ image: { width: number; height: number }; canvas: OffscreenCanvas; pixels: ImageData }> {
  const raw = input instanceof Blob || input instanceof ImageBitmap ? null : rgbToImageData(input);
  const source = raw ?? (await decode(input as Blob | ImageBitmap));
  const image = { width: source.width, height: source.height };
  const k = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
  const w = Math.max(1, Math.round(image.width * k));
  const h = Math.max(1, Math.round(image.height * k));
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('OffscreenCanvas 2D context unavailable');
  if (raw && k === 1) {
    // Already the pixels to measure: onto the canvas as they are, not read back from it.
    ctx.putImageData(raw, 0, 0);
    return { image, canvas, pixels: raw };
  }
  ctx.imageSmoothingQuality = 'high';
  if (raw) {
    const full = new OffscreenCanvas(raw.width, raw.height);
    full.getContext('2d')!.putImageData(raw, 0, 0);
    ctx.drawImage(full, 0, 0, w, h);
  } else {
    const bitmap = source as ImageBitmap;
    ctx.drawImage(bitmap, 0, 0, w, h);
    bitmap.close();
  }
  return { image, canvas, pixels: ctx.getImageData(0, 0, w, h) };
}

async function analyse(e: Engine, input: Blob | ImageBitmap | RgbPixels, onGeometry: (face: FaceGeometry | null, mask: PersonMask | null) => void) {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = now - t;
    t = now;
  };
  const { image, canvas, pixels } = await toPixels(input);
  const w = pixels.width;
  const h = pixels.height;
  lap('decode');

  const faces: DetectedFace[] = e.detector.detect(pixels).detections.flatMap((d) =>
    d.boundingBox ? [{ x: d.boundingBox.originX, y: d.boundingBox.originY, width: d.boundingBox.width, height: d.boundingBox.height, score: d.categories[0]?.score ?? 0 }] : [],
  );
  lap('detect');
  const { landmarks, matrices } = detectLandmarks(e.landmarker, canvas, pixels, faces);
  lap('landmarks');
  let mask: PersonMask | null = null;
  const seg = e.segmenter.segment(pixels);
  try {
    const conf = seg.confidenceMasks?.[0];
    if (conf) {
      const f = conf.getAsFloat32Array();
      const bytes = new Uint8Array(f.length);
      for (let i = 0; i < f.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, f[i]!)) * 255);
      mask = { data: bytes, width: conf.width, height: conf.height };
    }
  } finally {
    seg.close();
  }
  lap('segment');

  // The mask must line up with the pixels; tasks-vision returns it at the input size.
  const usableMask = mask && mask.width === w && mask.height === h ? mask : null;
  // Main needs no more than the segmenter's own resolution (256 px, upsampled to the input): the
  // mask it finishes with goes out at ≤ 512 px, not at the analysis copy's 1.5 MP, and raw, since a
  // PNG cost ~15 ms to make here and more to read in main (issue 18).
  const sent = usableMask ? shrinkMask(usableMask, MASK_SEND_MAX_SIDE) : null;
  // Finishing needs only the face and the mask: main starts on them while the checks run here.
  onGeometry(faceGeometry({ image, pixels, mask: usableMask, landmarks, matrices }), sent);
  lap('maskOut');
  const measures = measurePhoto({ image, pixels, mask: usableMask, faces, landmarks, matrices });
  lap('measure');
  return { measures, face: measures.face, mask: sent, timings };
}

/**
 * Landmarks on a face-centred cut of the largest detected face (see landmarkCrop.ts for why), mapped
 * back to the analysed pixels; the whole picture when the detector found no face or the cut gave none.
 */
function detectLandmarks(landmarker: FaceLandmarker, canvas: OffscreenCanvas, pixels: ImageData, faces: DetectedFace[]) {
  const main = keptFaces(faces)[0];
  let result = null;
  let map = (p: { x: number; y: number; z: number }): LandmarkPx => ({ x: p.x * pixels.width, y: p.y * pixels.height, z: p.z * pixels.width });
  if (main) {
    const sq = landmarkCrop(main);
    const cut = new OffscreenCanvas(LANDMARK_CROP_PX, LANDMARK_CROP_PX);
    const ctx = cut.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2D context unavailable');
    // Neutral grey where the square reaches past the picture's edge.
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, LANDMARK_CROP_PX, LANDMARK_CROP_PX);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(canvas, sq.x, sq.y, sq.side, sq.side, 0, 0, LANDMARK_CROP_PX, LANDMARK_CROP_PX);
    const r = landmarker.detect(ctx.getImageData(0, 0, LANDMARK_CROP_PX, LANDMARK_CROP_PX));
    if (r.faceLandmarks.length) {
      result = r;
      map = (p) => ({ x: sq.x + p.x * sq.side, y: sq.y + p.y * sq.side, z: p.z * sq.side });
    }
  }
  result ??= landmarker.detect(pixels);
  const landmarks: LandmarkPx[][] = result.faceLandmarks.map((face) => face.map(map));
  const matrices: (TransformMatrix | null)[] = landmarks.map((_, i) => {
    const m = result.facialTransformationMatrixes?.[i];
    return m ? { rows: m.rows, columns: m.columns, data: Array.from(m.data) } : null;
  });
  return { landmarks, matrices };
}

const MASK_SEND_MAX_SIDE = 512;

/** Box-averages a mask down so its longest side is at most `maxSide` (the aspect kept within a pixel). */
function shrinkMask(mask: PersonMask, maxSide: number): PersonMask {
  const k = maxSide / Math.max(mask.width, mask.height);
  if (k >= 1) return mask;
  const w = Math.max(1, Math.round(mask.width * k));
  const h = Math.max(1, Math.round(mask.height * k));
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * mask.height) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * mask.height) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * mask.width) / w);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * mask.width) / w));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0, row = yy * mask.width; xx < x1; xx++) sum += mask.data[row + xx]!;
      out[y * w + x] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return { data: out, width: w, height: h };
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

// Stills are analysed one at a time: the tasks are synchronous inside, and a second still would
// only wait on the same thread.
let queue: Promise<unknown> = Promise.resolve();

scope.addEventListener('message', (event) => {
  const msg = event.data;
  if (msg.type === 'init') {
    if (engine) return;
    const t0 = performance.now();
    engine = load(msg.assetBase);
    engine.then(
      () => scope.postMessage({ type: 'ready', loadMs: performance.now() - t0 }),
      (err: unknown) => scope.postMessage({ type: 'failed', id: null, message: `vision models failed to load: ${message(err)}` }),
    );
    return;
  }
  queue = queue.then(async () => {
    try {
      if (!engine) throw new Error('worker not initialised');
      const id = msg.id;
      const result = await analyse(await engine, msg.image, (face, mask) => scope.postMessage({ type: 'geometry', id, face, mask }));
      scope.postMessage({ type: 'result', id: msg.id, ...result });
    } catch (err) {
      scope.postMessage({ type: 'failed', id: msg.id, message: message(err) });
    }
  });
});
