import { z } from 'zod';
import type { SpecProfile } from '../../shared/spec/specProfile';
import { evaluatePhoto } from '../../shared/vision/evaluate';
import type { FaceGeometry } from '../../shared/vision/faceGeometry';
import type { PersonMask, PhotoMeasures } from '../../shared/vision/measureTypes';
import type { Verdict } from '../../shared/vision/verdict';
import type { RgbPixels, StillVisionRequest, StillVisionResponse } from './stillVisionProtocol';

export interface StillAnalysis {
  verdict: Verdict;
  face: FaceGeometry | null;
  /** Person probability 0–255 (≤ 512 px on its long side, the aspect of measures.analysed), for main's finish. */
  mask: PersonMask | null;
  measures: PhotoMeasures;
  /** Milliseconds per stage inside the worker (decode, detect, landmarks, segment, maskOut, measure). */
  timings: Record<string, number>;
}

/** Loading the wasm and three models takes ~1 s; a still then ~0.2–0.5 s. */
const TIMEOUT_MS = 60_000;

interface Pending {
  resolve(r: Extract<StillVisionResponse, { type: 'result' }>): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
  onGeometry?: (face: FaceGeometry | null, mask: PersonMask | null) => void;
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
      p.onGeometry?.(msg.face, msg.mask);
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

/** One picture through the worker: its result, or an error once it fails or takes over TIMEOUT_MS. */
function request(w: Worker, image: Blob | RgbPixels, onGeometry?: Pending['onGeometry']): Promise<Extract<StillVisionResponse, { type: 'result' }>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`still analysis took over ${TIMEOUT_MS / 1000} s`));
    }, TIMEOUT_MS);
    pending.set(id, { resolve, reject, timer, ...(onGeometry ? { onGeometry } : {}) });
    const msg: StillVisionRequest = { type: 'analyse', id, image };
    // Raw pixels are handed over, not copied (the caller is done with them).
    w.postMessage(msg, image instanceof Blob ? [] : [image.rgb.buffer]);
  });
}

/**
 * Analyses one still with the kiosk's vision engine and judges it against the spec: the verdict,
 * the face geometry (for the crop) and the person mask (for the background replacement).
 */
export async function analyseStill(
  /** Encoded bytes (a file, a JPEG), or main's upright analysis copy as raw RGB (transferred: unusable after). */
  image: Blob | RgbPixels,
  spec: SpecProfile,
  opts: {
    assetBase?: string;
    /** Called once the models have run, before the checks: the face (null: none) and the mask finishing needs. */
    onGeometry?: (face: FaceGeometry | null, mask: PersonMask | null) => void;
  } = {},
): Promise<StillAnalysis> {
  const w = getWorker(opts.assetBase ?? new URL('./', document.baseURI).href);
  const result = await request(w, image, opts.onGeometry);
  rememberStillSize(result.measures.analysed);
  return { verdict: evaluatePhoto(result.measures, spec), face: result.face, mask: result.mask, measures: result.measures, timings: result.timings };
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
    // At the size of the station's stills: the models set up per picture size, and a first shot at
    // another size than the warm-up's paid for it again (bench/shutter: detect 64 → 38 ms, segment
    // 80 → 55 ms on the first 24 MP shot when warmed at its 1500×1000 instead of 1280×720).
    const { width, height } = lastStillSize();
    // Raw grey, as main's analysis copy arrives: the same way into the worker as a real shot.
    // One pass: three passes of the warm-up picture measured no faster a first shot than one.
    await request(w, { rgb: new Uint8Array(width * height * 3).fill(128), width, height });
  })().catch(() => undefined);
}

let warmed = false;

const SIZE_KEY = 'cc.stillVision.size';
/** Before any shot: a 24 MP 3:2 still's analysis copy (6000×4000 → 1500×1000). */
const DEFAULT_SIZE = { width: 1500, height: 1000 };
const Size = z.object({ width: z.number().int().min(16).max(4096), height: z.number().int().min(16).max(4096) });

/** The size of the last still analysed at this station (kept across restarts), else DEFAULT_SIZE. */
function lastStillSize(): { width: number; height: number } {
  try {
    const parsed = Size.safeParse(JSON.parse(localStorage.getItem(SIZE_KEY) ?? 'null'));
    return parsed.success ? parsed.data : DEFAULT_SIZE;
  } catch {
    return DEFAULT_SIZE;
  }
}

function rememberStillSize(size: { width: number; height: number }): void {
  try {
    localStorage.setItem(SIZE_KEY, JSON.stringify(size));
  } catch {
    // No storage: the next start warms at the default size.
  }
}

/** Stops the worker (and frees its models); the next analyseStill starts a new one. */
export function disposeStillVision(): void {
  worker?.terminate();
  worker = null;
  warmed = false;
  failAll('still-vision worker stopped');
}
