/**
 * The finished-photo test set (issue 18), generated from the shared portraits; nothing is stored.
 *
 * Each portrait's person is first laid on a plain grey studio wall through the fixture shape
 * (personShapeMask), so the person mask is known exactly: that still and that mask are the "clean"
 * case. The defects then change the still and hand in the mask a segmenter would plausibly give:
 * - `object attached`: a brown bar (a branch, a lamp arm) from the hair at the temple outwards, in
 *   the mask and touching the head, so no connectivity rule can drop it;
 * - `object detached`: a leaf-green patch beside the head with a gap, in the mask as its own blob;
 * - `halo`: a bright patch on the wall at the hair, under a soft band the segmenter left around the
 *   head (probability 0.45, 0.08 face widths wide), as selfie segmentation does at hair;
 * - `wall kept`: the same band but with full probability (an over-grown mask): grey wall kept round the head;
 * - `tight tilted`: turned 6° and cut a little below the chin, so levelling the eyes needs picture
 *   the still does not have in a bottom corner: the plan must find a framing inside the still, or
 *   face.in_frame fails and finish.background outlines the filler.
 * Expectations, and where each object lands, are returned with the case.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { PORTRAIT_DIR, PORTRAIT_FACES, personShapeMask, type PortraitId } from '../../bench/finish/portraitFixtures.js';
import type { PersonMask } from '../../src/main/imaging/maskToAlpha.js';
import { mapFaceGeometry, type FaceGeometry } from '../../src/shared/vision/faceGeometry.js';

export const WALL: readonly [number, number, number] = [150, 150, 150];
export const MASK_WIDTH = 256;

export interface FinishCase {
  name: string;
  portrait: PortraitId;
  still: Buffer;
  face: FaceGeometry;
  mask: PersonMask;
  /** A box in the still's pixels that must end up as the spec colour, or be outlined by the check. */
  object: { x: number; y: number; width: number; height: number } | null;
  expect: 'pass' | 'fail-leftover' | 'no-filler-unless-out-of-frame' | 'clean-object';
}

interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

const portraitRaw = async (id: PortraitId): Promise<Raw> => {
  const { data, info } = await sharp(readFileSync(join(PORTRAIT_DIR, `portrait-${id}.jpg`))).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};

/** The mask bilinearly read at a still pixel (what the carried mask is, near enough). */
function maskAt(mask: PersonMask, x: number, y: number, width: number): number {
  const k = mask.width / width;
  const mx = Math.min(mask.width - 1, Math.max(0, (x + 0.5) * k - 0.5));
  const my = Math.min(mask.height - 1, Math.max(0, (y + 0.5) * k - 0.5));
  const x0 = Math.floor(mx);
  const y0 = Math.floor(my);
  const x1 = Math.min(mask.width - 1, x0 + 1);
  const y1 = Math.min(mask.height - 1, y0 + 1);
  const fx = mx - x0;
  const fy = my - y0;
  const d = mask.data;
  const top = d[y0 * mask.width + x0]! * (1 - fx) + d[y0 * mask.width + x1]! * fx;
  const bottom = d[y1 * mask.width + x0]! * (1 - fx) + d[y1 * mask.width + x1]! * fx;
  return (top * (1 - fy) + bottom * fy) / 255;
}

/** The person on the grey wall, through the fixture mask. */
async function studioStill(id: PortraitId): Promise<{ img: Raw; face: FaceGeometry; mask: PersonMask }> {
  const img = await portraitRaw(id);
  const face = PORTRAIT_FACES[id];
  const mask = personShapeMask(face, MASK_WIDTH);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const a = maskAt(mask, x, y, img.width);
      const i = (y * img.width + x) * 3;
      for (let c = 0; c < 3; c++) img.data[i + c] = Math.round(img.data[i + c]! * a + WALL[c]! * (1 - a));
    }
  }
  return { img, face, mask };
}

const jpeg = (img: Raw) => sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();

function paintBox(img: Raw, box: { x: number; y: number; width: number; height: number }, rgb: readonly number[]): void {
  for (let y = Math.max(0, box.y); y < Math.min(img.height, box.y + box.height); y++) {
    for (let x = Math.max(0, box.x); x < Math.min(img.width, box.x + box.width); x++) {
      for (let c = 0; c < 3; c++) img.data[(y * img.width + x) * 3 + c] = rgb[c]!;
    }
  }
}

/** Sets the mask to at least `value` over a box given in still pixels. */
function maskBox(mask: PersonMask, width: number, box: { x: number; y: number; width: number; height: number }, value: number): void {
  const k = mask.width / width;
  for (let y = Math.floor(box.y * k); y < Math.ceil((box.y + box.height) * k); y++) {
    for (let x = Math.floor(box.x * k); x < Math.ceil((box.x + box.width) * k); x++) {
      if (x >= 0 && y >= 0 && x < mask.width && y < mask.height) mask.data[y * mask.width + x] = Math.max(mask.data[y * mask.width + x]!, value);
    }
  }
}

/** A band `widthFaces` face widths wide around the head's ellipse (above the chin), at `value`. */
function maskBand(mask: PersonMask, width: number, face: FaceGeometry, widthFaces: number, value: number): void {
  const k = mask.width / width;
  const cx = (face.leftEye.x + face.rightEye.x) / 2;
  const headBottom = face.chin.y + 0.04 * (face.chin.y - face.crown.y);
  const cy = (face.crown.y + headBottom) / 2;
  const ry = (headBottom - face.crown.y) / 2;
  const rx = face.faceWidth * 0.62;
  const grow = widthFaces * face.faceWidth;
  for (let j = 0; j < mask.height; j++) {
    for (let i = 0; i < mask.width; i++) {
      const x = (i + 0.5) / k;
      const y = (j + 0.5) / k;
      if (y > face.chin.y) continue;
      const inGrown = ((x - cx) / (rx + grow)) ** 2 + ((y - cy) / (ry + grow)) ** 2 <= 1;
      if (inGrown) mask.data[j * mask.width + i] = Math.max(mask.data[j * mask.width + i]!, value);
    }
  }
}

function headBox(face: FaceGeometry) {
  const cx = (face.leftEye.x + face.rightEye.x) / 2;
  const eyesY = (face.leftEye.y + face.rightEye.y) / 2;
  return { cx, eyesY, fw: face.faceWidth, rx: face.faceWidth * 0.62 };
}

export async function finishTestSet(ids: readonly PortraitId[] = ['a', 'b', 'c']): Promise<FinishCase[]> {
  const cases: FinishCase[] = [];
  for (const id of ids) {
    const clean = await studioStill(id);
    const copy = () => ({ img: { ...clean.img, data: Buffer.from(clean.img.data) }, mask: { ...clean.mask, data: Uint8Array.from(clean.mask.data) } });
    cases.push({ name: `${id}: clean`, portrait: id, still: await jpeg(clean.img), face: clean.face, mask: clean.mask, object: null, expect: 'pass' });

    const { cx, eyesY, fw, rx } = headBox(clean.face);
    {
      // From inside the head's edge outwards: one piece with the head in the mask.
      const { img, mask } = copy();
      const headH = clean.face.chin.y - clean.face.crown.y;
      const box = { x: Math.round(cx + 0.45 * fw), y: Math.round(clean.face.crown.y + 0.1 * headH), width: Math.round(0.75 * fw), height: Math.round(0.15 * fw) };
      paintBox(img, box, [95, 62, 30]);
      maskBox(mask, img.width, box, 255);
      cases.push({ name: `${id}: object attached to the head`, portrait: id, still: await jpeg(img), face: clean.face, mask, object: { ...box, x: box.x + Math.round(0.15 * fw), width: box.width - Math.round(0.15 * fw) }, expect: 'fail-leftover' });
    }
    {
      const { img, mask } = copy();
      const box = { x: Math.round(cx - rx - 0.45 * fw), y: Math.round(eyesY - 0.35 * fw), width: Math.round(0.25 * fw), height: Math.round(0.25 * fw) };
      paintBox(img, box, [60, 110, 45]);
      maskBox(mask, img.width, box, 255);
      cases.push({ name: `${id}: object beside the head, detached`, portrait: id, still: await jpeg(img), face: clean.face, mask, object: box, expect: 'clean-object' });
    }
    {
      const { img, mask } = copy();
      // The bright patch sits in the band above and beside the head on the picture's right.
      const box = { x: Math.round(cx + rx * 0.6), y: Math.round(clean.face.crown.y + 0.02 * fw), width: Math.round(0.35 * fw), height: Math.round(0.3 * fw) };
      const before = Buffer.from(img.data);
      paintBox(img, box, [250, 242, 220]);
      // Paint only the wall: the person's own pixels stay.
      for (let y = box.y; y < box.y + box.height; y++) {
        for (let x = box.x; x < box.x + box.width; x++) {
          if (x < 0 || y < 0 || x >= img.width || y >= img.height) continue;
          const a = maskAt(clean.mask, x, y, img.width);
          const i = (y * img.width + x) * 3;
          for (let c = 0; c < 3; c++) img.data[i + c] = Math.round(before[i + c]! * a + img.data[i + c]! * (1 - a));
        }
      }
      maskBand(mask, img.width, clean.face, 0.08, Math.round(0.45 * 255));
      cases.push({ name: `${id}: bright patch at the hair under a soft mask band`, portrait: id, still: await jpeg(img), face: clean.face, mask, object: null, expect: 'pass' });
    }
    {
      const { img, mask } = copy();
      maskBand(mask, img.width, clean.face, 0.08, 255);
      cases.push({ name: `${id}: wall kept round the head (over-grown mask)`, portrait: id, still: await jpeg(img), face: clean.face, mask, object: null, expect: 'fail-leftover' });
    }
    {
      // Turned 6° (sharp turns about the centre and grows the canvas to hold the corners), then cut
      // at the sides to real picture only, ending a little below the chin.
      const W0 = clean.img.width;
      const H0 = clean.img.height;
      const r = (6 * Math.PI) / 180;
      const turnedImg = await sharp(clean.img.data, { raw: { width: W0, height: H0, channels: 3 } }).rotate(6, { background: { r: WALL[0], g: WALL[1], b: WALL[2] } }).raw().toBuffer({ resolveWithObject: true });
      const tw = turnedImg.info.width;
      const th = turnedImg.info.height;
      const map = (p: { x: number; y: number }) => {
        const dx = p.x - W0 / 2;
        const dy = p.y - H0 / 2;
        return { x: tw / 2 + dx * Math.cos(r) - dy * Math.sin(r), y: th / 2 + dx * Math.sin(r) + dy * Math.cos(r) };
      };
      const f = clean.face;
      const headH = f.chin.y - f.crown.y;
      const left = Math.ceil(H0 * Math.sin(r)) + 2;
      // The top corners' filler is wall-coloured and unmasked, like the wall: only the sides are cut.
      const top = 0;
      const width = tw - 2 * left;
      const bottom = Math.min(th - top, Math.round(map(f.chin).y + 0.45 * headH));
      const height = bottom - top;
      const cutRaw = await sharp(turnedImg.data, { raw: { width: tw, height: th, channels: 3 } }).extract({ left, top, width, height }).raw().toBuffer();
      const at = (p: { x: number; y: number }) => {
        const q = map(p);
        return { x: q.x - left, y: q.y - top };
      };
      const face: FaceGeometry = { ...f, imageWidth: width, imageHeight: height, leftEye: at(f.leftEye), rightEye: at(f.rightEye), noseTip: at(f.noseTip), mouthLeft: at(f.mouthLeft), mouthRight: at(f.mouthRight), chin: at(f.chin), crown: at(f.crown) };
      // The mask goes through the same turn and cut.
      // Two pipelines: within one, sharp extracts before it rotates.
      const maskFull = await sharp(Buffer.from(clean.mask.data), { raw: { width: clean.mask.width, height: clean.mask.height, channels: 1 } })
        .resize(W0, H0)
        .rotate(6, { background: { r: 0, g: 0, b: 0 } })
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const maskTurned = await sharp(maskFull.data, { raw: { width: maskFull.info.width, height: maskFull.info.height, channels: 1 } })
        .extract({ left, top, width, height })
        .resize(MASK_WIDTH, Math.round((MASK_WIDTH * height) / width), { fit: 'fill' })
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const mask = { width: maskTurned.info.width, height: maskTurned.info.height, data: new Uint8Array(maskTurned.data) };
      cases.push({ name: `${id}: tight crop, turned 6°`, portrait: id, still: await jpeg({ data: cutRaw, width, height }), face: mapFaceGeometry(face, { width, height, sx: 1, sy: 1 }), mask, object: null, expect: 'no-filler-unless-out-of-frame' });
    }
  }
  return cases;
}
