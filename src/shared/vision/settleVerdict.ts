import { planCrop } from '../spec/cropPlan.js';
import { CHECK_IDS, type CheckId, type SpecProfile } from '../spec/specProfile.js';
import { CHECK_MESSAGES } from './checkMessages.js';
import { judge } from './evaluate.js';
import { eyeMidpoint, mapFaceGeometry, type FaceGeometry } from './faceGeometry.js';
import { worstStatus, type CheckResult, type Verdict } from './verdict.js';

/** The checks that depend on the original's resolution and framing, re-judged where it is known. */
const GEOMETRY: readonly CheckId[] = ['face.in_frame', 'face.centered', 'head.size'];

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export class VerdictMismatch extends Error {}

/**
 * A verdict from the vision engine, checked and completed where the original is: every check present
 * once in order, each limit the spec's own, each status what its value and limit give, the overall
 * status the worst; then the framing checks judged again on the original's own pixels (the engine saw
 * a smaller analysis copy, so its "head too small" would otherwise scold a 24 MP photo). A stale or
 * broken renderer cannot slip a photo past the checks this way; a deliberate one is an operator who
 * could override with a reason anyway.
 */
export function settleVerdict(v: Verdict, face: FaceGeometry | null, original: { width: number; height: number }, spec: SpecProfile): Verdict {
  if (v.specId !== spec.id) throw new VerdictMismatch(`verdict for ${v.specId}, photo spec ${spec.id}`);
  if (v.checks.length !== CHECK_IDS.length || v.checks.some((c, i) => c.id !== CHECK_IDS[i])) throw new VerdictMismatch('checks missing or out of order');
  const checks = v.checks.map((c): CheckResult => {
    const limit = spec.limits[c.id] ?? null;
    if (JSON.stringify(c.limit) !== JSON.stringify(limit)) throw new VerdictMismatch(`${c.id}: limit differs from the spec`);
    // A measured value must carry the status its limit gives; unmeasured ones warn (or fail: no face).
    if (c.value !== null && limit && c.id !== 'face.count' && judge(c.value, limit) !== c.status) throw new VerdictMismatch(`${c.id}: status does not follow from its value`);
    if (c.value === null && c.status === 'pass') throw new VerdictMismatch(`${c.id}: unmeasured but passed`);
    if (!face || !GEOMETRY.includes(c.id) || !limit) return c;
    const k = original.width / face.imageWidth;
    const scaled = mapFaceGeometry(face, { width: original.width, height: original.height, sx: k, sy: k });
    const plan = planCrop(scaled, spec);
    const value = round(
      c.id === 'face.in_frame'
        ? Math.max(plan.overflow.bottom, plan.overflow.left, plan.overflow.right)
        : c.id === 'head.size'
          ? plan.scale
          : Math.abs(eyeMidpoint(scaled).x - scaled.imageWidth / 2) / scaled.imageWidth,
    );
    const status = judge(value, limit);
    const message = status === 'pass' ? CHECK_MESSAGES[c.id].ok : CHECK_MESSAGES[c.id].fix;
    return { ...c, value, status, zh: message.zh, en: message.en };
  });
  const status = worstStatus(checks.map((c) => c.status));
  return { specId: v.specId, status, checks };
}
