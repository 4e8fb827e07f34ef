import type { Affine } from './outputMapping.js';

/**
 * Upright (EXIF orientation applied) → stored pixel coordinates, for the eight EXIF orientations.
 * Finishing samples the stored pixels through this instead of letting libvips rotate the still:
 * rotating a 24 MP JPEG before a resize and extract costs libvips its shrink-on-load and ~150 ms.
 */
export function uprightToStored(orientation: number, storedWidth: number, storedHeight: number): Affine {
  const W = storedWidth;
  const H = storedHeight;
  switch (orientation) {
    case 2: // mirrored left-right
      return { a: -1, b: 0, c: W, d: 0, e: 1, f: 0 };
    case 3: // upside down
      return { a: -1, b: 0, c: W, d: 0, e: -1, f: H };
    case 4: // mirrored top-bottom
      return { a: 1, b: 0, c: 0, d: 0, e: -1, f: H };
    case 5: // transposed
      return { a: 0, b: 1, c: 0, d: 1, e: 0, f: 0 };
    case 6: // stored turned 90° anticlockwise (camera on its side, grip up)
      return { a: 0, b: 1, c: 0, d: -1, e: 0, f: H };
    case 7: // transversed
      return { a: 0, b: -1, c: W, d: -1, e: 0, f: H };
    case 8: // stored turned 90° clockwise
      return { a: 0, b: -1, c: W, d: 1, e: 0, f: 0 };
    default: // 1, absent or invalid: libvips treats these as upright too
      return { a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 };
  }
}
