import { applyAffine, composeAffine, scaleAffine, type Affine } from './outputMapping.js';
import { decodeRaw, openStill, toSrgbRaw, type StillInfo } from './readStill.js';
import { uprightToStored } from './storedOrientation.js';

/**
 * The part of the still the output needs, at output scale (full size when the output enlarges):
 * 8-bit sRGB RGB in the stored pixel grid, EXIF orientation not applied; outputToWork accounts for it.
 */
export interface WorkRegion {
  data: Buffer;
  width: number;
  height: number;
  /** Where the region sits in the whole resized still. */
  left: number;
  top: number;
  /** The whole still at work scale; pixels outside it are not the photo. */
  fullWidth: number;
  fullHeight: number;
  /** Output pixel → continuous position in the whole resized, stored-grid still. */
  outputToWork: Affine;
}

/** Bicubic reads two pixels either side; one more absorbs rounding. */
const MARGIN = 3;

/**
 * One decode: libvips resizes the whole still to the output's scale (which lets JPEG shrink on load,
 * decoding a 24 MP file at 1/2 or 1/4 size) and only computes the rows and columns the output
 * window touches. Orientation, the levelling rotation and any enlargement are left to the warp.
 */
export async function decodeWorkRegion(bytes: Buffer, info: StillInfo, outputToUpright: Affine, scale: number, outWidth: number, outHeight: number): Promise<WorkRegion | null> {
  // Enlarging is left to the warp: libvips enlarges with a half-pixel offset (it shrinks exactly).
  const workScale = Math.min(1, scale);
  const fullWidth = Math.max(1, Math.round(info.storedWidth * workScale));
  const fullHeight = Math.max(1, Math.round(info.storedHeight * workScale));
  const toStored = composeAffine(uprightToStored(info.exifOrientation, info.storedWidth, info.storedHeight), outputToUpright);
  const outputToWork = scaleAffine(toStored, fullWidth / info.storedWidth, fullHeight / info.storedHeight);
  const corners = [
    { x: 0, y: 0 },
    { x: outWidth, y: 0 },
    { x: 0, y: outHeight },
    { x: outWidth, y: outHeight },
  ].map((p) => applyAffine(outputToWork, p));
  const left = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.x))) - MARGIN);
  const top = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.y))) - MARGIN);
  const right = Math.min(fullWidth, Math.ceil(Math.max(...corners.map((p) => p.x))) + MARGIN);
  const bottom = Math.min(fullHeight, Math.ceil(Math.max(...corners.map((p) => p.y))) + MARGIN);
  if (right - left < 1 || bottom - top < 1) return null;

  let pipeline = openStill(bytes, info, { orient: false });
  if (fullWidth !== info.storedWidth || fullHeight !== info.storedHeight) pipeline = pipeline.resize(fullWidth, fullHeight, { fit: 'fill', kernel: 'lanczos3' });
  pipeline = pipeline.extract({ left, top, width: right - left, height: bottom - top });
  const raw = await decodeRaw(toSrgbRaw(pipeline, info), 3);
  return { data: raw.data, width: raw.width, height: raw.height, left, top, fullWidth, fullHeight, outputToWork };
}
