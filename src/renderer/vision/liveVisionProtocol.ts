import type { LiveMeasures } from '../../shared/vision/liveGuidance';

/** How the live worker trades accuracy for speed; bench/live measures the choices. */
export interface LiveVisionConfig {
  /** Side of the face-centred square the landmarker sees, px. */
  cropPx: number;
  /** Longer side of the whole frame the face detector sees, px. */
  detectSide: number;
  /** Run the face detector (face count, re-centring) every n-th frame; always when no face is tracked. */
  detectEvery: number;
  /** Measure the face's lighting every n-th frame (it changes slowly and costs a few ms). */
  lightEvery: number;
}

/** Messages between the live loop (useLiveVision, UI thread) and the live-vision worker. */
export type LiveVisionRequest =
  /** First message (and again on every loop start, with possibly new config): where the kiosk
   * serves tasks-vision's wasm (`mediapipe/`) and the models (`models/`). */
  | { type: 'init'; assetBase: string; config: LiveVisionConfig }
  /**
   * One camera frame, transferred (the worker closes it). A VideoFrame wraps the decoded camera
   * buffer, so the UI thread copies no pixels. `timestampMs` must increase from frame to frame:
   * the landmarker runs in VIDEO mode.
   */
  | { type: 'frame'; seq: number; timestampMs: number; frame: VideoFrame | ImageBitmap };

/** Milliseconds per stage inside the worker: detect (when it ran), crop (cut + pixel read), landmarks, measure, light. */
export interface LiveTimings {
  detect: number;
  crop: number;
  landmarks: number;
  measure: number;
  light: number;
  /** Whole analysis of the frame. */
  total: number;
  /** 1 when the cut was read from the frame's YUV planes (frameCut.ts), 0 when drawn on a canvas. */
  yuv: number;
}

export type LiveVisionResponse =
  | { type: 'ready'; loadMs: number }
  | { type: 'result'; seq: number; measures: LiveMeasures; timings: LiveTimings }
  /** seq null: the models failed to load, nothing will be analysed. */
  | { type: 'failed'; seq: number | null; message: string };
