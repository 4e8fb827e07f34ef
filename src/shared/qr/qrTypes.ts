import type { Quad } from './qrGeometry.js';

/** ImageData-compatible, so a canvas ImageData or a sharp raw buffer both fit without copying. */
export interface RgbaImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export type QrBinarizer = 'LocalAverage' | 'GlobalHistogram' | 'FixedThreshold' | 'BoolCast';

/** The subset of zxing-wasm's ReaderOptions the strategy steers; the reader fixes the rest
 * (QR Model 2 only, plain text, valid results only). */
export interface QrReadOptions {
  binarizer: QrBinarizer;
  tryHarder: boolean;
  tryRotate: boolean;
  tryInvert: boolean;
  tryDownscale: boolean;
  /** zxing-cpp's morphological closing: rescues codes whose modules broke up into specks. */
  tryDenoise?: boolean;
  /** At most this many codes; fewer lets zxing stop early. Default 4. */
  maxSymbols?: number;
  /** The image is one clean symbol, one pixel per module (our own resampled grid). */
  isPure?: boolean;
  /** Also report symbols that were located but failed error correction, as QrSightings. */
  locate?: boolean;
}

/** A symbol zxing located but could not read: where it is and how big, for our own resampler. */
export interface QrSighting {
  corners: Quad;
  version: number;
}

/**
 * Texts of the QR codes found, largest first; with `locate`, also sightings of unreadable ones.
 * Injected so this folder stays free of WASM loading. A reader that only ever returns strings fits.
 */
export type QrReadFn = (image: RgbaImage, opts: QrReadOptions) => Promise<Array<string | QrSighting>>;

export interface DecodeResult {
  text: string;
  /** Which strategy found it, for the bench and for tuning the order of passes. */
  pass: string;
}

export type DecodeMode = { kind: 'live'; frameIndex: number } | { kind: 'thorough' };
