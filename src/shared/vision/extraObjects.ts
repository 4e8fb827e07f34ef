import type { Point } from './faceGeometry.js';
import type { DetectedFace, PersonMask } from './measureTypes.js';
import type { Box } from './regions.js';

/** Detector score from which a face counts. BlazeFace full range scores the test portraits
 * 0.80–0.93; below 0.5 it mostly fires on textures. */
export const FACE_SCORE_MIN = 0.5;
/** A face at least this share of the largest face's width is a second person in the picture
 * (face.count); smaller ones are faces on posters, badges or far behind (extra.objects). */
export const PORTRAIT_FACE_SHARE = 0.4;

/** Faces worth counting, largest first. */
export function keptFaces(faces: readonly DetectedFace[]): DetectedFace[] {
  return faces.filter((f) => f.score >= FACE_SCORE_MIN).sort((a, b) => b.width - a.width);
}

export function portraitFaces(faces: readonly DetectedFace[]): DetectedFace[] {
  const kept = keptFaces(faces);
  const largest = kept[0]?.width ?? 0;
  return kept.filter((f) => f.width >= PORTRAIT_FACE_SHARE * largest);
}

/** A foreground blob counts when it covers this share of the portrait window. */
const BLOB_MIN_SHARE = 0.02;
/** The mask is labelled on a grid of at most this many cells across: blobs, not pixels, matter. */
const GRID = 200;

/**
 * What else is in the part of the picture a crop keeps: small faces, and foreground blobs (objects,
 * a neighbour's shoulder) not joined to the student's own silhouette and holding no counted face.
 * All coordinates in the mask's pixels; `faces` already scaled to them.
 */
export function countExtraObjects(
  faces: readonly DetectedFace[],
  mask: PersonMask | null,
  nose: Point,
  window: Box,
): { extraObjects: number; details: Record<string, number> } {
  const kept = keptFaces(faces);
  const largest = kept[0]?.width ?? 0;
  const inWindow = (p: Point) => p.x >= window.x0 && p.x <= window.x1 && p.y >= window.y0 && p.y <= window.y1;
  const centre = (f: DetectedFace): Point => ({ x: f.x + f.width / 2, y: f.y + f.height / 2 });
  const smallFaces = kept.filter((f) => f.width < PORTRAIT_FACE_SHARE * largest && inWindow(centre(f))).length;
  if (!mask) return { extraObjects: smallFaces, details: { smallFaces } };

  const cell = Math.max(1, Math.ceil(Math.max(mask.width, mask.height) / GRID));
  const gw = Math.ceil(mask.width / cell);
  const gh = Math.ceil(mask.height / cell);
  const on = new Uint8Array(gw * gh);
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      let s = 0;
      let n = 0;
      for (let y = gy * cell; y < Math.min(mask.height, (gy + 1) * cell); y++) {
        for (let x = gx * cell; x < Math.min(mask.width, (gx + 1) * cell); x++) {
          s += mask.data[y * mask.width + x]!;
          n++;
        }
      }
      on[gy * gw + gx] = n && s / n >= 128 ? 1 : 0;
    }
  }
  const label = new Int32Array(gw * gh).fill(-1);
  const blobs: { cells: number; inWindow: number; hasFace: boolean; main: boolean }[] = [];
  const cellOf = (p: Point) => Math.min(gh - 1, Math.max(0, Math.floor(p.y / cell))) * gw + Math.min(gw - 1, Math.max(0, Math.floor(p.x / cell)));
  const faceCells = new Set(kept.filter((f) => f.width >= PORTRAIT_FACE_SHARE * largest).map((f) => cellOf(centre(f))));
  const noseCell = cellOf(nose);
  const stack: number[] = [];
  for (let start = 0; start < on.length; start++) {
    if (!on[start] || label[start]! >= 0) continue;
    const id = blobs.length;
    const blob = { cells: 0, inWindow: 0, hasFace: false, main: false };
    blobs.push(blob);
    label[start] = id;
    stack.push(start);
    while (stack.length) {
      const c = stack.pop()!;
      blob.cells++;
      const gx = c % gw;
      const gy = (c - gx) / gw;
      if (inWindow({ x: (gx + 0.5) * cell, y: (gy + 0.5) * cell })) blob.inWindow++;
      if (faceCells.has(c)) blob.hasFace = true;
      if (c === noseCell) blob.main = true;
      for (const [nx, ny] of [
        [gx - 1, gy],
        [gx + 1, gy],
        [gx, gy - 1],
        [gx, gy + 1],
      ] as const) {
        if (nx < 0 || ny < 0 || nx >= gw || ny >= gh) continue;
        const nc = ny * gw + nx;
        if (on[nc] && label[nc]! < 0) {
          label[nc] = id;
          stack.push(nc);
        }
      }
    }
  }
  const windowCells = ((window.x1 - window.x0) * (window.y1 - window.y0)) / (cell * cell);
  const strays = blobs.filter((b) => !b.main && !b.hasFace && b.inWindow >= BLOB_MIN_SHARE * windowCells);
  const largestStray = strays.reduce((m, b) => Math.max(m, b.inWindow / windowCells), 0);
  return { extraObjects: smallFaces + strays.length, details: { smallFaces, strayBlobs: strays.length, largestStrayShare: largestStray } };
}
