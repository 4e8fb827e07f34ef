import { planCrop } from '../spec/cropPlan.js';
import { CHECK_IDS, type CheckId, type Limit, type SpecProfile } from '../spec/specProfile.js';
import { CHECK_MESSAGES, NO_FACE, TOO_BRIGHT, TOO_DARK, unmeasured, type Message } from './checkMessages.js';
import { deltaE2000, srgbToLab } from './colour.js';
import { eyeMidpoint } from './faceGeometry.js';
import type { LabWeight, PhotoMeasures } from './measureTypes.js';
import { worstStatus, type CheckResult, type CheckStatus, type Verdict } from './verdict.js';

/**
 * The clothing counts as this close to the background when this share of it is at least that
 * close: a blue shirt under a dark jacket is as much a problem as a blue jacket.
 */
export const CLOTHING_QUANTILE = 0.25;

/**
 * One verdict per photo: the 24 checks in CHECK_IDS order (16, then the rest of the standard), each with its measured value, the spec's
 * limit, pass/warn/fail and what to tell the student. Every threshold comes from spec.limits.
 *
 * A value that could not be measured is a warning, not a failure: missing data is no evidence of a
 * defect, and the usual cause (no face) already fails face.count, so the verdict fails anyway while
 * the list does not shout fifteen times. The operator sees "could not be measured" and looks.
 */
export function evaluatePhoto(m: PhotoMeasures, spec: SpecProfile): Verdict {
  const noFace = m.face === null;
  const plan = m.face ? planCrop(m.face, spec) : null;
  const values: Record<(typeof CHECK_IDS)[number], number | null> = {
    'face.count': m.faceCount,
    'face.in_frame': plan ? Math.max(plan.overflow.bottom, plan.overflow.left, plan.overflow.right) : null,
    'face.centered': m.face ? Math.abs(eyeMidpoint(m.face).x - m.face.imageWidth / 2) / m.face.imageWidth : null,
    'head.size': plan ? plan.scale : null,
    'pose.roll': m.pose ? Math.abs(m.pose.roll) : null,
    'pose.yaw': m.pose ? Math.abs(m.pose.yaw) : null,
    'pose.pitch': m.pose ? Math.abs(m.pose.pitch) : null,
    'eyes.open': m.eyeOpenness,
    'mouth.closed': m.mouthOpenness,
    'light.uniform': m.lightImbalance,
    exposure: m.exposure,
    sharpness: m.sharpness,
    'background.uniform': m.backgroundNonUniformity,
    'clothing.contrast': m.clothing ? clothingContrast(m.clothing, spec.output.background) : null,
    'glasses.glare': m.glare,
    'extra.objects': m.extraObjects,
    'shoulders.level': m.shoulderTilt,
    'ears.symmetric': m.earAsymmetry,
    'hair.covers_brows': m.browCover,
    'eyes.red': m.redEye,
    'glasses.tinted': m.lensTint,
    'clothing.pattern': m.clothingPattern,
    headwear: m.headTop,
    jewellery: m.jewellery,
  };
  const checks = CHECK_IDS.map((id): CheckResult => {
    const raw = values[id];
    const limit = spec.limits[id] ?? null;
    const value = raw === null || !Number.isFinite(raw) ? null : round(raw);
    let status: CheckStatus;
    let message: Message;
    if (id === 'face.count' && (noFace || value === 0)) {
      // Zero faces is no limit's business: without a face there is no ID photo.
      status = 'fail';
      message = NO_FACE;
    } else if (value === null) {
      status = 'warn';
      message = unmeasured(noFace);
    } else {
      status = limit ? judge(value, limit) : 'pass';
      message = status === 'pass' ? CHECK_MESSAGES[id].ok : id === 'exposure' ? (m.exposureBias === 'bright' ? TOO_BRIGHT : TOO_DARK) : CHECK_MESSAGES[id].fix;
    }
    return { id, value, limit, status, zh: message.zh, en: message.en };
  });
  return { specId: spec.id, status: worstStatus(checks.map((c) => c.status)), checks };
}

/** `max` limits fail above `fail` and warn above `warn`; `min` limits the other way round. */
export function judge(value: number, limit: Limit): CheckStatus {
  if (limit.kind === 'max') return value > limit.fail ? 'fail' : value > limit.warn ? 'warn' : 'pass';
  return value < limit.fail ? 'fail' : value < limit.warn ? 'warn' : 'pass';
}

/**
 * CIEDE2000 distance from the spec's background colour that CLOTHING_QUANTILE of the clothing
 * (by area) is within: low when a sizeable part of it would melt into the new background.
 */
export function clothingContrast(palette: readonly LabWeight[], background: readonly [number, number, number]): number | null {
  if (palette.length === 0) return null;
  const bg = srgbToLab(background[0], background[1], background[2]);
  const total = palette.reduce((s, p) => s + p.weight, 0);
  const byDistance = palette.map((p) => ({ d: deltaE2000(p.lab, bg), w: p.weight / total })).sort((a, b) => a.d - b.d);
  let acc = 0;
  for (const { d, w } of byDistance) {
    acc += w;
    if (acc >= CLOTHING_QUANTILE) return d;
  }
  return byDistance[byDistance.length - 1]!.d;
}

/** Four decimals: values stay readable in JSON, and the status is judged on the value shown. */
function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
