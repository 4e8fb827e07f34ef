import type { SpecProfile } from '../../shared/spec/specProfile';
import { evaluatePhoto } from '../../shared/vision/evaluate';
import type { FaceGeometry } from '../../shared/vision/faceGeometry';
import type { PhotoMeasures } from '../../shared/vision/measureTypes';
import type { Verdict } from '../../shared/vision/verdict';
import type { StillVisionRequest, StillVisionResponse } from './stillVisionProtocol';

export interface StillAnalysis {
  verdict: Verdict;
  face: FaceGeometry | null;
  /** Person probability 0–255 as a greyscale PNG, the size of measures.analysed. */
  maskPng: Blob | null;
  measures: PhotoMeasures;
  /** Milliseconds per stage inside the worker (decode, detect, landmarks, segment, measure, maskPng). */
  timings: Record<string, number>;
}

/** Loading the wasm and three models takes ~1 s; a still then ~0.2–0.5 s. */
const TIMEOUT_MS = 60_000;

interface Pending {
  resolve(r: Extract<StillVisionResponse, { type: 'result' }>): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
  onGeometry?: (face: FaceGeometry | null, maskPng: Blob | null) => void;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function failAll(message: string): void {
  for (const [id, p] of pending) {
    clearTimeout(p.timer);
    p.reject(new Error(message));
    pending.delete(id);
  }
}

/**
 * The worker is started on first use and kept: its models stay loaded for the next student.
 * Assets are fetched from the kiosk's own origin, next to the page (`mediapipe/`, `models/`).
 */
function getWorker(assetBase: string): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./stillVisionWorker.ts', import.meta.url), { type: 'module', name: 'still-vision' });
  w.addEventListener('message', (event: MessageEvent<StillVisionResponse>) => {
    const msg = event.data;
    if (msg.type === 'ready') return;
    if (msg.type === 'failed' && msg.id === null) {
      // The models did not load: every analysis would fail the same way; start afresh next time.
      failAll(msg.message);
      disposeStillVision();
      return;
    }
    const id = msg.id as number;
    const p = pending.get(id);
    if (!p) return;
    if (msg.type === 'geometry') {
      p.onGeometry?.(msg.face, msg.maskPng);
      return;
    }
    pending.delete(id);
    clearTimeout(p.timer);
    if (msg.type === 'failed') p.reject(new Error(msg.message));
    else p.resolve(msg);
  });
  w.addEventListener('error', (event) => {
    failAll(event.message || 'still-vision worker error');
    disposeStillVision();
  });
  const init: StillVisionRequest = { type: 'init', assetBase };
  w.postMessage(init);
  worker = w;
  return w;
}

/**
 * Analyses one still with the kiosk's vision engine and judges it against the spec: the verdict,
 * the face geometry (for the crop) and the person mask (for the background replacement).
 */
export async function analyseStill(
  image: Blob,
  spec: SpecProfile,
  opts: {
    assetBase?: string;
    /** Called once the models have run, before the checks: the face (null: none) and the mask finishing needs. */
    onGeometry?: (face: FaceGeometry | null, maskPng: Blob | null) => void;
  } = {},
): Promise<StillAnalysis> {
  const w = getWorker(opts.assetBase ?? new URL('./', document.baseURI).href);
  const id = nextId++;
  const result = await new Promise<Extract<StillVisionResponse, { type: 'result' }>>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`still analysis took over ${TIMEOUT_MS / 1000} s`));
    }, TIMEOUT_MS);
    pending.set(id, { resolve, reject, timer, ...(opts.onGeometry ? { onGeometry: opts.onGeometry } : {}) });
    const msg: StillVisionRequest = { type: 'analyse', id, image };
    w.postMessage(msg);
  });
  return { verdict: evaluatePhoto(result.measures, spec), face: result.face, maskPng: result.maskPng, measures: result.measures, timings: result.timings };
}

/**
 * Starts the worker and its model loading (~1–2 s) ahead of the first shot, e.g. while the
 * capture screen's live view comes up, so the first student's verdict does not wait for it.
 */
export function warmStillVision(opts: { assetBase?: string } = {}): void {
  const w = getWorker(opts.assetBase ?? new URL('./', document.baseURI).href);
  if (warmed) return;
  warmed = true;
  // One small blank picture through every model (no face: the landmarker then runs on the whole
  // picture) and the measures: the first shot skips the models' first-run setup and the wasm
  // tier-up as well as their loading (issue 18: the first student's shot ≤ 1 s).
  void (async () => {
    const canvas = new OffscreenCanvas(1280, 720);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, 1280, 720);
    const image = await canvas.convertToBlob({ type: 'image/png' });
    const id = nextId++;
    await new Promise<void>((done) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        done();
      }, TIMEOUT_MS);
      pending.set(id, { resolve: () => done(), reject: () => done(), timer });
      const msg: StillVisionRequest = { type: 'analyse', id, image };
      w.postMessage(msg);
    });
  })().catch(() => undefined);
}

let warmed = false;

/** Stops the worker (and frees its models); the next analyseStill starts a new one. */
export function disposeStillVision(): void {
  worker?.terminate();
  worker = null;
  warmed = false;
  failAll('still-vision worker stopped');
}
