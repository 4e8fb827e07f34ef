import type { FaceGeometry } from '../../shared/vision/faceGeometry';
import type { PhotoMeasures } from '../../shared/vision/measureTypes';

/** Messages between analyseStill (UI thread) and the still-vision worker. */
export type StillVisionRequest =
  /** First message: where the kiosk serves tasks-vision's wasm (`mediapipe/`) and the models (`models/`). */
  | { type: 'init'; assetBase: string }
  /** A still as encoded bytes (decoded in the worker, EXIF orientation applied) or a decoded bitmap (transferred). */
  | { type: 'analyse'; id: number; image: Blob | ImageBitmap };

export type StillVisionResponse =
  | { type: 'ready'; loadMs: number }
  /**
   * Ahead of the result, as soon as the models have run: what finishing needs (the face and the
   * mask), so main can finish the photo while the image checks still run here. The same face and
   * mask come again in the result.
   */
  | { type: 'geometry'; id: number; face: FaceGeometry | null; maskPng: Blob | null }
  | {
      type: 'result';
      id: number;
      measures: PhotoMeasures;
      face: FaceGeometry | null;
      /** Person probability 0–255 as a greyscale PNG, the size of measures.analysed. */
      maskPng: Blob | null;
      /** Milliseconds per stage, for bench/still. */
      timings: Record<string, number>;
    }
  | { type: 'failed'; id: number | null; message: string };
