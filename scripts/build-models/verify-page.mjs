// Runs in Chromium (served by verify.mjs from 127.0.0.1): loads tasks-vision from node_modules and the
// built models, runs every task on each portrait, and returns raw numbers. The judging is done in Node
// (verify.mjs) so that it can be unit-tested without a browser.
import { FaceDetector, FaceLandmarker, FilesetResolver, ImageSegmenter } from '/tasks-vision/vision_bundle.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** First call (includes lazy set-up) and median of `runs` later calls, in ms. */
function timed(fn, runs) {
  let t = performance.now();
  const first = fn();
  const firstMs = performance.now() - t;
  const ms = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    const r = fn();
    ms.push(performance.now() - t);
    if (r && typeof r.close === 'function') r.close();
  }
  return { result: first, firstMs, ms: runs ? median(ms) : firstMs };
}

async function create(label, factory) {
  const t = performance.now();
  try {
    const task = await factory();
    return { label, task, loadMs: performance.now() - t };
  } catch (e) {
    return { label, error: String(e?.message ?? e) };
  }
}

function detections(result) {
  return result.detections.map((d) => ({
    score: d.categories[0]?.score ?? 0,
    box: d.boundingBox && { x: d.boundingBox.originX, y: d.boundingBox.originY, w: d.boundingBox.width, h: d.boundingBox.height },
    keypoints: d.keypoints.map((k) => [k.x, k.y]),
  }));
}

async function loadImage(url) {
  const img = new Image();
  img.src = url;
  await img.decode();
  return img;
}

window.runVerification = async ({ models, portraits, runs }) => {
  const fileset = await FilesetResolver.forVisionTasks(`${location.origin}/tasks-vision/wasm`);
  const base = (file) => ({ baseOptions: { modelAssetPath: `/models/${file}`, delegate: 'CPU' }, runningMode: 'IMAGE' });
  const tasks = [
    await create('face_detector', () => FaceDetector.createFromOptions(fileset, base(models.detector))),
    ...(models.detectorFullRange
      ? [await create('face_detector_full_range', () => FaceDetector.createFromOptions(fileset, base(models.detectorFullRange)))]
      : []),
    await create('face_landmarker', () =>
      FaceLandmarker.createFromOptions(fileset, {
        ...base(models.landmarker),
        numFaces: 1,
        outputFacialTransformationMatrixes: true,
        outputFaceBlendshapes: false,
      }),
    ),
    await create('selfie_segmenter', () =>
      ImageSegmenter.createFromOptions(fileset, { ...base(models.segmenter), outputConfidenceMasks: true, outputCategoryMask: false }),
    ),
  ];
  const byLabel = Object.fromEntries(tasks.map((t) => [t.label, t]));
  const out = { models: tasks.map(({ label, loadMs, error }) => ({ label, loadMs, error })), portraits: [] };

  for (const file of portraits) {
    const img = await loadImage(`/portraits/${file}`);
    const p = { file, width: img.naturalWidth, height: img.naturalHeight };
    const run = (label, fn) => {
      const t = byLabel[label];
      if (!t?.task) return;
      try {
        p[label] = fn(t.task);
      } catch (e) {
        p[label] = { error: String(e?.message ?? e) };
      }
    };
    for (const label of ['face_detector', 'face_detector_full_range']) {
      run(label, (task) => {
        const { result, firstMs, ms } = timed(() => task.detect(img), runs);
        return { detections: detections(result), firstMs, ms };
      });
    }
    run('face_landmarker', (task) => {
      const { result, firstMs, ms } = timed(() => task.detect(img), runs);
      return {
        faces: result.faceLandmarks.length,
        landmarks: (result.faceLandmarks[0] ?? []).map((l) => [l.x, l.y, l.z]),
        matrix: result.facialTransformationMatrixes?.[0] ?? null,
        firstMs,
        ms,
      };
    });
    run('selfie_segmenter', (task) => {
      const { result, firstMs, ms } = timed(() => task.segment(img), runs);
      const mask = result.confidenceMasks?.[0];
      if (!mask) return { error: 'no confidence mask' };
      const values = mask.getAsFloat32Array();
      let fg = 0;
      for (const v of values) if (v > 0.5) fg++;
      // Probability at a few points, normalised coordinates: read where the landmarker put the nose tip.
      const at = (x, y) => values[Math.min(mask.height - 1, Math.floor(y * mask.height)) * mask.width + Math.min(mask.width - 1, Math.floor(x * mask.width))];
      const nose = p.face_landmarker?.landmarks?.[1];
      const summary = {
        width: mask.width,
        height: mask.height,
        foregroundFraction: fg / values.length,
        atNose: nose ? at(nose[0], nose[1]) : null,
        atTopCorners: [at(0.02, 0.02), at(0.98, 0.02)],
        firstMs,
        ms,
      };
      result.close();
      return summary;
    });
    // The same calls on a 640×480 frame (portrait letterboxed), the camera size DESIGN.md quotes timings for.
    const frame = document.createElement('canvas');
    frame.width = 640;
    frame.height = 480;
    const scale = Math.min(640 / img.naturalWidth, 480 / img.naturalHeight);
    const [w, h] = [img.naturalWidth * scale, img.naturalHeight * scale];
    frame.getContext('2d').drawImage(img, (640 - w) / 2, (480 - h) / 2, w, h);
    p.msAt640x480 = {};
    for (const t of tasks) {
      if (!t.task) continue;
      const call = t.label === 'selfie_segmenter' ? () => t.task.segment(frame) : () => t.task.detect(frame);
      const r = timed(call, runs);
      r.result?.close?.();
      p.msAt640x480[t.label] = r.ms;
    }
    out.portraits.push(p);
  }
  for (const t of tasks) t.task?.close();
  return out;
};
window.verificationReady = true;
