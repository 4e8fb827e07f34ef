import type { FaceGeometry } from '../../shared/vision/faceGeometry';
import type { PersonMask, PhotoMeasures } from '../../shared/vision/measureTypes';

/**
 * An upright picture as raw 8-bit RGB (main's analysis copy, issue 18): no JPEG encoded in main nor
 * decoded here, and the models see exactly the pixels main finishes from.
 */
export interface RgbPixels {
  rgb: Uint8Array<ArrayBuffer>;
  width: number;
  height: number;
}

/** Messages between analyseStill (UI thread) and the still-vision worker. */
export type StillVisionRequest =
  /** First message: where the kiosk serves tasks-vision's wasm (`mediapipe/`) and the models (`models/`). */
  | { type: 'init'; assetBase: string }
  /** A still as encoded bytes (decoded in the worker, EXIF orientation applied), a decoded bitmap or raw upright RGB (both transferred). */
  | { type: 'analyse'; id: number; image: Blob | ImageBitmap | RgbPixels };

export type StillVisionResponse =
  | { type: 'ready'; loadMs: number }
  /**
   * Ahead of the result, as soon as the models have run: what finishing needs (the face and the
   * mask), so main can finish the photo while the image checks still run here. The same face and
   * mask come again in the result.
   */
  | { type: 'geometry'; id: number; face: FaceGeometry | null; mask: PersonMask | null }
  | {
      type: 'result';
      id: number;
      measures: PhotoMeasures;
      face: FaceGeometry | null;
      /** Person probability 0–255, at most MASK_SEND_MAX_SIDE on its long side, the aspect of measures.analysed. */
      mask: PersonMask | null;
      /** Milliseconds per stage, for bench/still. */
      timings: Record<string, number>;
    }
  | { type: 'failed'; id: number | null; message: string };
