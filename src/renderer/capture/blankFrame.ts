/**
 * Whether a grabbed camera frame holds a picture, judged on a small thumbnail of it (grabStill.ts):
 * free of the DOM so the rule can be tested on its bytes.
 */

/** Grabs of one shutter press before a black frame is reported rather than stored (first + re-grabs). */
export const GRAB_ATTEMPTS = 5;
/** The check's thumbnail: enough cells to see any picture, few enough to read back cheaply. */
export const THUMB_W = 32;
export const THUMB_H = 18;
/** A cell brighter than this (0–255, any channel) is picture. The blank grabs seen were exactly 0
 * everywhere; a portrait worth keeping has cells far above 8 (background, skin, clothes). */
const BLACK_LEVEL = 8;

/** What a grab saw when its frame was blank (for the log, and for tests to count re-grabs). */
export interface BlankGrab {
  attempt: number;
  /** 'transparent': drawImage drew nothing at all; 'black': an opaque black frame. */
  kind: 'transparent' | 'black';
  readyState: number;
  trackMuted: boolean | null;
}

/** The thumbnail test on its RGBA bytes: null as soon as one cell is picture. */
export function blankRgba(rgba: Uint8ClampedArray): BlankGrab['kind'] | null {
  let opaque = false;
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3]! === 0) continue;
    opaque = true;
    if (rgba[i]! > BLACK_LEVEL || rgba[i + 1]! > BLACK_LEVEL || rgba[i + 2]! > BLACK_LEVEL) return null;
  }
  return opaque ? 'black' : 'transparent';
}
