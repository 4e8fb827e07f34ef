import { AppError } from '../../shared/errors.js';
import { planCrop, type CropPlan } from '../../shared/spec/cropPlan.js';
import type { SpecProfile } from '../../shared/spec/specProfile.js';
import type { FaceGeometry } from '../../shared/vision/faceGeometry.js';
import { compositeOnBackground } from './compositeOnBackground.js';
import { decodeWorkRegion, type WorkRegion } from './decodeWorkRegion.js';
import { encodeWithinBounds } from './encodeWithinBounds.js';
import { measureFinishBackground, type FinishBackgroundMeasure } from './finishBackground.js';
import { refineMatte } from './refineMatte.js';
import { measureCorrection, type Correction } from './gentleCorrection.js';
import { checkMask, maskToAlpha, type PersonMask } from './maskToAlpha.js';
import { faceInImage, outputToOriginal, scaleAffine } from './outputMapping.js';
import { readStill, type StillInfo } from './readStill.js';
import { warpToOutput } from './warpToOutput.js';

export interface FinishInput {
  /**
   * The still as captured; never modified (the caller stores it beside the result). A loader is
   * called only when the still must be decoded (no usable upright copy, or no `stillInfo`).
   */
  original: Buffer | (() => Promise<Buffer>);
  /** The still's header as readStill gave it when the upright copy was made: with a usable copy, the still is then not read at all. */
  stillInfo?: StillInfo;
  /** In the oriented still's pixels, or in a same-aspect analysis copy's (rescaled here). */
  face: FaceGeometry;
  /** Person probability over the oriented still; null keeps the original background. */
  mask: PersonMask | null;
  spec: SpecProfile;
  /**
   * The same picture upright, raw RGB, smaller (the analysis copy): finishing reads it instead of
   * decoding the still again when it holds enough pixels for the output (see UPRIGHT_MIN_RATIO).
   */
  upright?: { rgb: Buffer; width: number; height: number } | null;
}

export interface FinishStageMs {
  /** Header check. */
  read: number;
  /** libvips decode, orientation and resize to output scale, fused (shrink-on-load); ~0 from the upright copy. */
  decodeResize: number;
  /** Rotation and crop into the output frame. */
  rotateCrop: number;
  /** The mask carried to the output and feathered (maskToAlpha), then refined (refineMatte). */
  matte: number;
  /** finish.background's measure of the output. */
  check: number;
  /** Correction and compositing over the spec colour. */
  composite: number;
  /** Quality search, including the read-back check. */
  encode: number;
}

export interface FinishedPhoto {
  jpeg: Buffer;
  quality: number;
  bytes: number;
  /** False when no allowed quality lands in the spec's byte range; the nearest file is returned. */
  withinBounds: boolean;
  /** planCrop of the face in the oriented still's own pixels (whatever frame the face came in). */
  plan: CropPlan;
  backgroundReplaced: boolean;
  /** finish.background's measure of the output; null when no mask replaced the background. */
  background: FinishBackgroundMeasure | null;
  /** Output pixels of detached specks the matte refinement dropped. */
  removedSpecks: number;
  correction: Correction;
  /** Whether the pixels came from the upright copy rather than a decode of the still. */
  fromUpright: boolean;
  stageMs: FinishStageMs;
}

/** Rolls beyond this are not a tilted head but swapped or mirrored eye landmarks. */
const MAX_ROTATE_DEG = 45;
/** Beyond 4× enlargement the face is too small in the still for a sharp photo. */
const MAX_UPSCALE = 4;
/**
 * Output pixels per upright-copy pixel at which the copy is used: at most 1 (never enlarge a copy
 * when the still has more), and at least this, since the warp samples without a low-pass filter and
 * a stronger reduction would alias (fine stripes, hair); below it the still is decoded as before.
 */
const UPRIGHT_MIN_RATIO = 0.6;

/**
 * The spec photo from a still: level the eyes, scale and crop to the spec geometry, replace the
 * background through the mask with a soft edge, correct exposure and white balance gently, and
 * encode inside the spec's byte range as a stripped 8-bit sRGB JPEG at the spec's dpi.
 */
export async function finishPhoto(input: FinishInput): Promise<FinishedPhoto> {
  const { spec } = input;
  const { widthPx: W, heightPx: H } = spec.output;
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };

  let bytes: Buffer | null = Buffer.isBuffer(input.original) ? input.original : null;
  const original = async () => (bytes ??= await (input.original as () => Promise<Buffer>)());
  const info = input.stillInfo ?? (await readStill(await original()));
  const face = faceInImage(input.face, info.width, info.height);
  const plan = planCrop(face, spec);
  if (!(Math.abs(plan.rotateDeg) <= MAX_ROTATE_DEG)) {
    throw new AppError('BAD_INPUT', {
      zh: '眼睛位置数据异常（左右颠倒或头部严重倾斜），请重新拍摄',
      en: 'The eye positions are implausible (swapped, or the head is tilted far over); retake the photo',
      details: [`rotateDeg ${plan.rotateDeg.toFixed(1)}`],
    });
  }
  if (plan.scale > MAX_UPSCALE) {
    throw new AppError('BAD_INPUT', {
      zh: '照片中的人脸太小，无法生成清晰的证件照，请靠近一些重新拍摄',
      en: 'The face is too small in the photo for a sharp result; move closer and retake',
      details: [`scale ${plan.scale.toFixed(2)}`],
    });
  }
  if (input.mask) checkMask(input.mask, info.width, info.height);
  const map = outputToOriginal(plan, face);
  const read = lap();

  const up = input.upright ?? null;
  const ratio = up ? plan.scale * (info.width / up.width) : 0;
  const fromUpright = up !== null && Math.abs(up.width / up.height / (info.width / info.height) - 1) < 0.01 && ratio <= 1 && ratio >= UPRIGHT_MIN_RATIO && up.rgb.length === up.width * up.height * 3;
  const region: WorkRegion | null = fromUpright
    ? { data: up.rgb, width: up.width, height: up.height, left: 0, top: 0, fullWidth: up.width, fullHeight: up.height, outputToWork: scaleAffine(map, up.width / info.width, up.height / info.height) }
    : await decodeWorkRegion(await original(), info, map, plan.scale, W, H);
  const decodeResize = lap();

  const photo = warpToOutput(region, W, H);
  const rotateCrop = lap();

  let opacity = photo.coverage;
  let matte = 0;
  let check = 0;
  let background: FinishBackgroundMeasure | null = null;
  let removedSpecks = 0;
  if (input.mask) {
    const carried = await maskToAlpha(input.mask, info.width, info.height, map, W, H);
    const refined = refineMatte(carried, photo.rgb, W, H, { x: plan.placed.eyeCentreX, y: plan.placed.eyesFromTop });
    removedSpecks = refined.removedSpecks;
    opacity = new Float32Array(refined.alpha.length);
    for (let i = 0; i < opacity.length; i++) opacity[i] = refined.alpha[i]! * photo.coverage[i]!;
    matte = lap();
    background = measureFinishBackground({
      width: W,
      height: H,
      rgb: photo.rgb,
      alpha: opacity,
      alphaUncut: refined.alpha,
      coverage: photo.coverage,
      head: headOnOutput(plan, face),
      background: spec.output.background,
    });
    check = lap();
  }
  const correction = measureCorrection(photo.rgb, opacity);
  const rgb = compositeOnBackground(photo, opacity, correction, spec.output.background);
  const composite = lap();

  const encoded = await encodeWithinBounds(rgb, W, H, spec.output.jpeg, spec.output.dpi);
  const encode = lap();

  return {
    jpeg: encoded.jpeg,
    quality: encoded.quality,
    bytes: encoded.bytes,
    withinBounds: encoded.withinBounds,
    plan,
    backgroundReplaced: input.mask !== null,
    background,
    removedSpecks,
    correction,
    fromUpright,
    stageMs: { read, decodeResize, rotateCrop, matte, check, composite, encode },
  };
}

/** Crown, chin and face width where the plan puts them on the output (the chin through the same levelling). */
function headOnOutput(plan: CropPlan, face: FaceGeometry): { centreX: number; crownY: number; eyesY: number; chinY: number; faceWidth: number } {
  const eyes = { x: (face.leftEye.x + face.rightEye.x) / 2, y: (face.leftEye.y + face.rightEye.y) / 2 };
  const r = (plan.rotateDeg * Math.PI) / 180;
  const chinBelowEyes = (face.chin.x - eyes.x) * Math.sin(r) + (face.chin.y - eyes.y) * Math.cos(r);
  return { centreX: plan.placed.eyeCentreX, crownY: plan.placed.crownFromTop, eyesY: plan.placed.eyesFromTop, chinY: plan.placed.eyesFromTop + chinBelowEyes * plan.scale, faceWidth: plan.placed.faceWidth };
}
