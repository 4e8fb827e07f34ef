import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { AppError } from '../../shared/errors.js';
import { specForPhotoSize } from '../../shared/print/printSpec.js';
import type { PhotoSize, PrintBackground } from '../../shared/print/printSchema.js';
import { planCrop } from '../../shared/spec/cropPlan.js';
import type { SpecProfile } from '../../shared/spec/specProfile.js';
import type { FaceGeometry } from '../../shared/vision/faceGeometry.js';
import type { OrderForPrint } from '../db/queries/printJobs.js';
import { finishPhoto } from '../imaging/finishPhoto.js';
import type { PersonMask } from '../imaging/maskToAlpha.js';
import { applyAffine, faceInImage, outputToOriginal, type Affine } from '../imaging/outputMapping.js';
import { requireSpecProfile } from '../spec/specProfiles.js';

/** Orders whose accepted photo may go on paper. A rejected (被驳回) or void one may not. */
const PRINTABLE = new Set(['已采集', '待审核', '待制作', '已完成']);

/** The person mask handed to finishing, at most this wide (the finishing feathers it anyway). */
const MASK_MAX_SIDE = 1200;
/**
 * Colour distance (RGB, 0–441) from the spec background in the finished photo: below LO it is
 * background, above HI it is the person; between, the soft edge finishing left. JPEG noise on a
 * flat colour stays under ~6.
 */
const KEY_LO = 12;
const KEY_HI = 60;
/** Pixels this close to the background colour and connected to the border are background. */
const KEY_FLOOD = 35;

export interface PrintSource {
  order: OrderForPrint;
  original: Buffer;
  /** The face in the oriented original's pixels. */
  face: FaceGeometry;
  /** Person mask over the original, keyed from the finished photo; null when its background was never replaced. */
  mask: PersonMask | null;
}

function invertAffine(m: Affine): Affine {
  const det = m.a * m.e - m.b * m.d;
  return {
    a: m.e / det,
    b: -m.b / det,
    c: (m.b * m.f - m.e * m.c) / det,
    d: -m.d / det,
    e: m.a / det,
    f: (m.d * m.c - m.a * m.f) / det,
  };
}

function requirePrintable(order: OrderForPrint | undefined): asserts order is OrderForPrint & { original_path: string; finished_path: string; face: string; width: number; height: number } {
  if (!order) throw new AppError('NOT_FOUND', { zh: '没有这个订单', en: 'No such order' });
  if (!PRINTABLE.has(order.status) || !order.finished_path || !order.original_path || !order.face || !order.width || !order.height) {
    throw new AppError('CONFLICT', {
      zh: `这个订单（${order.status}）还没有可打印的已采用照片`,
      en: `This order (${order.status}) has no accepted photo to print yet`,
    });
  }
}

/**
 * Background probability from the finished photo: soft by colour distance from the spec colour,
 * and only where it connects to the photo's border (so a bluish shirt or iris inside the person
 * stays person). Null when the top of the photo is not the spec colour: finishing never replaced
 * the background (no mask at capture), so there is nothing to key on.
 */
export function keyPersonFromFinished(rgb: Buffer, width: number, height: number, background: readonly [number, number, number], topRows: number): Float32Array | null {
  const [br, bg, bb] = background;
  const n = width * height;
  const dist = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const dr = rgb[i * 3]! - br;
    const dg = rgb[i * 3 + 1]! - bg;
    const db = rgb[i * 3 + 2]! - bb;
    dist[i] = Math.sqrt(dr * dr + dg * dg + db * db);
  }
  let near = 0;
  const rows = Math.max(1, Math.min(height, topRows));
  for (let i = 0; i < rows * width; i++) if (dist[i]! < KEY_FLOOD) near++;
  if (near < rows * width * 0.6) return null;

  // Flood from the border through background-coloured pixels.
  const outside = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  const seed = (i: number) => {
    if (!outside[i] && dist[i]! < KEY_FLOOD) {
      outside[i] = 1;
      queue[tail++] = i;
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  while (head < tail) {
    const i = queue[head++]!;
    const x = i % width;
    if (x > 0) seed(i - 1);
    if (x < width - 1) seed(i + 1);
    if (i >= width) seed(i - width);
    if (i < n - width) seed(i + width);
  }
  const person = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // The soft edge: the band around the flooded region, graded by distance.
    person[i] = outside[i] ? Math.min(1, Math.max(0, (dist[i]! - KEY_LO) / (KEY_HI - KEY_LO))) : 1;
  }
  // Pixels just outside the flood but still near the colour belong to the edge, not the person.
  for (let i = 0; i < n; i++) {
    if (!outside[i] && dist[i]! < KEY_HI) {
      const x = i % width;
      const touches = (x > 0 && outside[i - 1]) || (x < width - 1 && outside[i + 1]) || (i >= width && outside[i - width]) || (i < n - width && outside[i + width]);
      if (touches) person[i] = Math.min(1, Math.max(0, (dist[i]! - KEY_LO) / (KEY_HI - KEY_LO)));
    }
  }
  return person;
}

/**
 * Everything a print needs from an order: its untouched original, the face there, and a person
 * mask recovered from the finished photo. The finishing is re-run from the original (full
 * resolution, one exposure correction) with the print profile; the mask is keyed where the finished
 * photo shows the spec colour and carried back to the original through the same crop plan.
 */
export async function loadPrintSource(order: OrderForPrint | undefined, specs: ReadonlyMap<string, SpecProfile>): Promise<PrintSource> {
  requirePrintable(order);
  const taskSpec = requireSpecProfile(specs, order.spec_id ?? 'xuexin');
  const original = await readFile(order.original_path);
  const face = faceInImage(JSON.parse(order.face) as FaceGeometry, order.width, order.height);
  const plan = planCrop(face, taskSpec);
  const outToOrig = outputToOriginal(plan, face);
  const origToOut = invertAffine(outToOrig);

  const { data, info } = await sharp(await readFile(order.finished_path)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const W = taskSpec.output.widthPx;
  const H = taskSpec.output.heightPx;
  if (info.width !== W || info.height !== H || info.channels !== 3) {
    // The task's spec changed since the photo was finished: the crop plan would not match the file.
    return { order, original, face, mask: null };
  }
  const person = keyPersonFromFinished(data, W, H, taskSpec.output.background, Math.max(8, Math.round(taskSpec.geometry.crownFromTopPx[0] * 0.8)));
  if (!person) return { order, original, face, mask: null };

  // Over the original (same aspect, smaller): each mask pixel looks up the keyed person in the
  // finished frame; outside that frame nothing is known of the person, so it is background.
  const k = Math.min(1, MASK_MAX_SIDE / Math.max(order.width, order.height));
  const mw = Math.max(1, Math.round(order.width * k));
  const mh = Math.max(1, Math.round(order.height * k));
  const sx = order.width / mw;
  const sy = order.height / mh;
  const mask = new Uint8Array(mw * mh);
  for (let y = 0; y < mh; y++) {
    for (let x = 0; x < mw; x++) {
      const p = applyAffine(origToOut, { x: (x + 0.5) * sx, y: (y + 0.5) * sy });
      const u = p.x - 0.5;
      const v = p.y - 0.5;
      if (u < -0.5 || v < -0.5 || u > W - 0.5 || v > H - 0.5) continue;
      const x0 = Math.min(W - 1, Math.max(0, Math.floor(u)));
      const y0 = Math.min(H - 1, Math.max(0, Math.floor(v)));
      const x1 = Math.min(W - 1, x0 + 1);
      const y1 = Math.min(H - 1, y0 + 1);
      const fx = Math.min(1, Math.max(0, u - x0));
      const fy = Math.min(1, Math.max(0, v - y0));
      const top = person[y0 * W + x0]! * (1 - fx) + person[y0 * W + x1]! * fx;
      const bottom = person[y1 * W + x0]! * (1 - fx) + person[y1 * W + x1]! * fx;
      mask[y * mw + x] = Math.round(255 * (top * (1 - fy) + bottom * fy));
    }
  }
  return { order, original, face, mask: { width: mw, height: mh, data: mask } };
}

export interface PrintedPhoto {
  jpeg: Buffer;
  widthPx: number;
  heightPx: number;
  /** False when the finished photo kept its original background (nothing to recolour). */
  backgroundReplaced: boolean;
}

/** One photo of the sheet: the print profile for the size, at the paper's dpi, in the ordered colour. */
export async function renderPrintPhoto(source: PrintSource, size: PhotoSize, dpi: number, background: PrintBackground, specs: ReadonlyMap<string, SpecProfile>): Promise<PrintedPhoto> {
  const spec = specForPhotoSize(requireSpecProfile(specs, size.specId), size, dpi, background);
  const finished = await finishPhoto({ original: source.original, face: source.face, mask: source.mask, spec });
  return { jpeg: finished.jpeg, widthPx: spec.output.widthPx, heightPx: spec.output.heightPx, backgroundReplaced: finished.backgroundReplaced };
}
