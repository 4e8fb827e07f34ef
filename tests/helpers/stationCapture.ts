import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PORTRAIT_DIR, PORTRAIT_FACES, scaleFace } from '../../bench/finish/portraitFixtures.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { CHECK_IDS, type CheckId } from '../../src/shared/spec/specProfile.js';
import type { Verdict } from '../../src/shared/vision/verdict.js';
import { loadSpecProfiles, requireSpecProfile } from '../../src/main/spec/specProfiles.js';
import type { tempApp } from './tempApp.js';
import { demoTaskPlan } from '../../src/shared/demo/demoTask.js';

type App = Awaited<ReturnType<typeof tempApp>>;
const xuexin = requireSpecProfile(loadSpecProfiles(), 'xuexin');

/** A verdict as the renderer's engine sends it, consistent with the spec's limits; made by hand,
 * since Node has no face model. The framing checks are judged again by the station anyway. */
export function handVerdict(failing: CheckId[] = []): Verdict {
  const checks = CHECK_IDS.map((id) => {
    const limit = xuexin.limits[id]!;
    const bad = failing.includes(id);
    const value = limit.kind === 'max' ? (bad ? limit.fail + 1 : id === 'face.count' ? 1 : 0) : bad ? limit.fail - 0.01 : limit.warn + 1;
    return { id, value, limit, status: bad ? ('fail' as const) : ('pass' as const), zh: '检查', en: 'check' };
  });
  return { specId: 'xuexin', status: failing.length ? 'fail' : 'pass', checks };
}

export type PortraitKey = keyof typeof PORTRAIT_FACES;

/** A real portrait with a JPEG comment after SOI: the same picture, its own bytes (so its own hash). */
export function uniquePortrait(portrait: PortraitKey, tag: string): Buffer {
  const bytes = readFileSync(join(PORTRAIT_DIR, `portrait-${portrait}.jpg`));
  const text = Buffer.from(tag);
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xfffe, 0);
  seg.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([bytes.subarray(0, 2), seg, text, bytes.subarray(2)]);
}

/** One shot through the station's real services: stored, analysed, finished with a hand-made verdict failing `failing`. */
export async function shootAndFinish(app: App, s: Session, orderId: string, opts: { portrait?: PortraitKey; tag: string; failing?: CheckId[] }) {
  const portrait = opts.portrait ?? 'a';
  await app.call(s, 'capture.begin', { orderId });
  const shot = await app.call(s, 'capture.submitStill', { orderId, camera: 'uvc', imageBase64: uniquePortrait(portrait, opts.tag).toString('base64') });
  const analysis = await app.call(s, 'capture.analysisImage', { captureId: shot.captureId });
  const face = scaleFace(PORTRAIT_FACES[portrait], analysis.scale, 0, 0, analysis.width, analysis.height);
  const finished = await app.call(s, 'capture.finish', { captureId: shot.captureId, face, maskPngBase64: null, verdict: handVerdict(opts.failing ?? []) });
  return { captureId: shot.captureId, verdict: finished.verdict };
}

/** The photographer's whole path for one student: check-in, a shot (`variant` makes its bytes unique), finishing, acceptance. */
export async function captureAndAccept(app: App, s: Session, taskCode: string, studentId: string, portrait: PortraitKey = 'a', variant = 0): Promise<{ orderId: string; captureId: string; revision: number }> {
  const { orderId } = await app.call(s, 'checkin.confirm', { taskCode, studentId });
  return { orderId, ...(await shootAndAccept(app, s, orderId, portrait, variant)) };
}

/** A shot for a checked-in order, finished and accepted. */
export async function shootAndAccept(app: App, s: Session, orderId: string, portrait: PortraitKey = 'a', variant = 0): Promise<{ captureId: string; revision: number }> {
  const { captureId, verdict } = await shootAndFinish(app, s, orderId, { portrait, tag: `cc-variant-${variant}` });
  // The station re-judges framing on the original; whatever it fails is accepted with a reason, as a photographer would.
  const overrides = verdict.checks.filter((c) => c.status === 'fail').map((c) => ({ checkId: c.id, reason: '测试：摄影师确认' }));
  const accepted = await app.call(s, 'capture.accept', { orderId, captureId, overrides });
  return { captureId, revision: accepted.revision };
}

/** Demo students who can be checked in without a reason (a cancelled reservation asks for one). */
export function capturableDemoStudents(): ReturnType<typeof demoTaskPlan>['students'] {
  const plan = demoTaskPlan(new Date());
  const cancelled = new Set(plan.reservations.filter((r) => r.state === 'cancelled').map((r) => r.studentId));
  return plan.students.filter((s) => !cancelled.has(s.id));
}
