import { statSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import sharp from 'sharp';
import type { z } from 'zod';
import type { Operator } from '../../shared/domain/entities.js';
import type { CaptureSummary as CaptureSummarySchema } from '../../shared/rpc/contract.js';
import { AppError } from '../../shared/errors.js';
import type { CheckId } from '../../shared/spec/specProfile.js';
import type { FaceGeometry } from '../../shared/vision/faceGeometry.js';
import type { Verdict } from '../../shared/vision/verdict.js';
import { settleVerdict, VerdictMismatch } from '../../shared/vision/settleVerdict.js';
import { withFinishChecks } from '../../shared/vision/finishChecks.js';
import { writeAudit } from '../db/queries/audit.js';
import { setOrderFaceMatch } from '../db/queries/admissionPhotos.js';
import { faceMatchForAcceptance } from '../faceMatch/captureMatch.js';
import { needsIdentityConfirmation } from '../../shared/faceMatch/decision.js';
import { getCapture, insertCapture, listCapturesForOrder, setCaptureResult, type CaptureRow } from '../db/queries/captures.js';
import { acceptCaptureForOrder, getOrder, markCapturing } from '../db/queries/orders.js';
import { enqueueJob } from '../db/queries/outbox.js';
import { getTask } from '../db/queries/tasks.js';
import { finishPhoto, type FinishedPhoto } from '../imaging/finishPhoto.js';
import { decodeMaskPng } from '../imaging/maskPng.js';
import type { PersonMask } from '../imaging/maskToAlpha.js';
import { readStill } from '../imaging/readStill.js';
import { analysisCopy, type AnalysisCopy } from '../imaging/stillToRgba.js';
import { writeDurably } from '../photos/durableWrite.js';
import type { AppContext } from '../services/AppContext.js';
import { requireSpecProfile } from '../spec/specProfiles.js';
import { capturePaths } from './photoPaths.js';
import { ShotCache } from './shotCache.js';
import { publishStillTimings } from './stillTimings.js';

/** The longest side of the copy the renderer's models look at; landmarks are scaled back up. */
export const ANALYSIS_MAX_SIDE = 1600;

function requireOrder(ctx: AppContext, orderId: string) {
  const order = getOrder(ctx.db, orderId);
  if (!order) throw new AppError('NOT_FOUND', { zh: '没有这个订单', en: 'No such order' });
  if (order.status === '已作废') throw new AppError('CONFLICT', { zh: '订单已作废', en: 'The order is void' });
  if (order.mirror) throw new AppError('FORBIDDEN', { zh: '这是其他采集站的订单，请为学生在本站签到后拍摄', en: "This is another station's order; check the student in here to photograph them" });
  return order;
}

function requireCapture(ctx: AppContext, captureId: string): CaptureRow {
  const c = getCapture(ctx.db, captureId);
  if (!c) throw new AppError('NOT_FOUND', { zh: '没有这张照片', en: 'No such shot' });
  return c;
}

export function specForTask(ctx: AppContext, taskCode: string) {
  const task = getTask(ctx.db, taskCode);
  return requireSpecProfile(ctx.specs, task?.spec_id ?? 'xuexin');
}

/**
 * A shot from any camera: the untouched original is written and fsynced first, then the row that
 * points at it commits (with the order moving to 采集中). Nothing is lost between camera and disk.
 */
export async function addStill(ctx: AppContext, orderId: string, bytes: Buffer, camera: string): Promise<{ captureId: string; width: number; height: number }> {
  const order = requireOrder(ctx, orderId);
  const info = await readStill(bytes);
  const captureId = randomUUID();
  const paths = capturePaths(ctx.dataDir, order.task_code, orderId, captureId);
  // Every shot is analysed next: its copy is decoded from these bytes while they go to disk, not
  // read back and decoded after (the renderer asks for it as soon as this returns).
  copyAhead(captureId, bytes);
  let sha256: string;
  try {
    ({ sha256 } = await writeDurably(paths.original, bytes));
  } catch (err) {
    copiesAhead.take(captureId);
    throw err;
  }
  const now = ctx.now().toISOString();
  ctx.db
    .transaction(() => {
      insertCapture(ctx.db, { id: captureId, order_id: orderId, original_path: paths.original, sha256, camera, taken_at: now, width: info.width, height: info.height });
      const revision = markCapturing(ctx.db, orderId, now);
      if (revision !== null) enqueueJob(ctx.db, { id: `order:${orderId}:r${revision}`, kind: 'order.upsert', order_id: orderId, payload: { orderId, revision } }, now);
    })
    .immediate();
  ctx.emit('orders.changed', { taskCode: order.task_code, orderId });
  return { captureId, width: info.width, height: info.height };
}

/**
 * The last few analysis copies' raw pixels, by capture: finishing reads them instead of decoding the
 * still a second time. Small (a 1500×1000 copy is 4.5 MB) and bounded; a miss just decodes again.
 */
const UPRIGHT_CACHE_SIZE = 3;
const uprightCache = new ShotCache<AnalysisCopy>(UPRIGHT_CACHE_SIZE);

/** Analysis copies begun as their stills were stored (addStill), by capture; bounded like the cache. */
const copiesAhead = new ShotCache<{ copy: Promise<AnalysisCopy>; startedAt: number }>(UPRIGHT_CACHE_SIZE);

function copyAhead(captureId: string, bytes: Buffer): void {
  const copy = analysisCopy(bytes, ANALYSIS_MAX_SIDE);
  // Awaited (and its error reported) by analysisImage; a copy nobody asks for must not crash the process.
  copy.catch(() => undefined);
  copiesAhead.put(captureId, { copy, startedAt: performance.now() });
}

/** The oriented still, small and raw RGB, for the renderer's models: they never see EXIF orientation or CMYK. */
export async function analysisImage(ctx: AppContext, captureId: string): Promise<{ rgb: Buffer; width: number; height: number; scale: number }> {
  const c = requireCapture(ctx, captureId);
  const t0 = performance.now();
  const ahead = copiesAhead.take(captureId);
  let copy: AnalysisCopy;
  if (ahead) {
    copy = await ahead.copy;
    publishStillTimings({ captureId, step: 'analysisCopy', ms: { ...copy.ms, waited: performance.now() - t0, beganBefore: t0 - ahead.startedAt } });
  } else {
    const original = await readFile(c.original_path);
    const readMs = performance.now() - t0;
    copy = await analysisCopy(original, ANALYSIS_MAX_SIDE);
    publishStillTimings({ captureId, step: 'analysisCopy', ms: { read: readMs, ...copy.ms } });
  }
  uprightCache.put(captureId, copy);
  return { rgb: copy.rgb, width: copy.width, height: copy.height, scale: copy.scale };
}

/**
 * Finishes made ahead (capture.prepareFinish) from the face and the mask while the renderer's checks
 * ran, by capture: finishCapture takes one when its face is the same, and only records it then.
 */
const preparedFinishes = new ShotCache<PreparedEntry>(UPRIGHT_CACHE_SIZE);

type MadePhoto = FinishedPhoto & { loadMs: number };
/** A prepared photo, already on disk (durably) under its content-addressed name. */
type PreparedPhoto = MadePhoto & { file: { path: string; sha256: string; writeMs: number } };

interface PreparedEntry {
  face: string;
  masked: boolean;
  photo: Promise<PreparedPhoto>;
}

/** Handed to finishCapture in place of a mask: the photo made ahead with this face and mask. */
export interface PreparedFinish {
  prepared: Promise<PreparedPhoto>;
}

/** The photo from the original, the face and the mask, with the upright copy's pixels when they are still held. */
async function finishImage(c: CaptureRow, face: FaceGeometry, mask: Buffer | PersonMask | null, spec: ReturnType<typeof specForTask>): Promise<MadePhoto> {
  const t0 = performance.now();
  const decoded = mask === null ? null : Buffer.isBuffer(mask) ? await decodeMaskPng(mask) : mask;
  const upright = uprightCache.take(c.id) ?? null;
  const loadMs = performance.now() - t0;
  // With the upright copy held, the 24 MP still is read from disk only if finishing has to decode it.
  const original = () => readFile(c.original_path);
  return { ...(await finishPhoto({ original, face, mask: decoded, spec, upright, ...(upright ? { stillInfo: upright.info } : {}) })), loadMs };
}

/** The finished photo written and fsynced beside the original, named by its content. */
async function writeFinished(ctx: AppContext, taskCode: string, orderId: string, captureId: string, jpeg: Buffer): Promise<{ path: string; sha256: string; writeMs: number }> {
  const t0 = performance.now();
  const path = capturePaths(ctx.dataDir, taskCode, orderId, captureId).finished(createHash('sha256').update(jpeg).digest('hex'));
  const { sha256 } = await writeDurably(path, jpeg);
  return { path, sha256, writeMs: performance.now() - t0 };
}

/** A prepared photo nobody will record: its file goes, unless a row points at it after all. */
function discardPrepared(ctx: AppContext, captureId: string, entry: PreparedEntry): void {
  void entry.photo
    .then(async (p) => {
      if (getCapture(ctx.db, captureId)?.finished_path !== p.file.path) await rm(p.file.path, { force: true });
    })
    .catch(() => undefined);
}

/**
 * Finishes a shot before its verdict is known (the renderer's checks are still running) and writes
 * the photo durably: resolves once it is on disk, or with the error capture.finishShot would give.
 * Only capture.finishShot records it, with the verdict.
 */
export async function prepareFinish(ctx: AppContext, captureId: string, face: FaceGeometry, mask: PersonMask | null): Promise<void> {
  const c = requireCapture(ctx, captureId);
  const order = requireOrder(ctx, c.order_id);
  if (c.finished_path || c.still_checks || order.chosen_capture_id === captureId) {
    throw new AppError('CONFLICT', { zh: '这张照片已处理过', en: 'This shot has already been finished' });
  }
  const photo = finishImage(c, face, mask, specForTask(ctx, order.task_code)).then(async (made) => ({ ...made, file: await writeFinished(ctx, order.task_code, order.id, captureId, made.jpeg) }));
  photo.catch(() => undefined);
  for (const [dropped, entry] of preparedFinishes.put(captureId, { face: JSON.stringify(face), masked: mask !== null, photo })) discardPrepared(ctx, dropped, entry);
  await photo;
}

/**
 * The finish prepared for this shot with this very face (and a mask, or none, as asked), taken
 * once; one prepared for another face is dropped (the shot is finished afresh for the face given).
 */
export function takePreparedFinish(ctx: AppContext, captureId: string, face: FaceGeometry | null, masked: boolean): PreparedFinish | null {
  const p = preparedFinishes.take(captureId);
  if (!p) return null;
  if (!face || p.masked !== masked || p.face !== JSON.stringify(face)) {
    discardPrepared(ctx, captureId, p);
    return null;
  }
  return { prepared: p.photo };
}

export interface FinishedCapture {
  captureId: string;
  finishedJpeg: Buffer | null;
  verdict: Verdict;
  bytes: number | null;
  quality: number | null;
  withinBounds: boolean;
}

/**
 * The renderer's models measured the still (face geometry in analysis pixels, the person mask, the
 * verdict); here it becomes the spec photo, written durably beside the untouched original.
 */
export async function finishCapture(
  ctx: AppContext,
  captureId: string,
  face: FaceGeometry | null,
  /**
   * The mask as the legacy RPC's PNG, or already decoded (uploaded by URL, see web/stillMedia.ts),
   * or the photo already made from it (takePreparedFinish).
   */
  source: Buffer | PersonMask | PreparedFinish | null,
  claimed: Verdict,
): Promise<FinishedCapture> {
  const c = requireCapture(ctx, captureId);
  const order = requireOrder(ctx, c.order_id);
  // A finished shot is final: finishing it again would change a file an accepted order and its
  // upload job point at.
  if (c.finished_path || c.still_checks || order.chosen_capture_id === captureId) {
    throw new AppError('CONFLICT', { zh: '这张照片已处理过', en: 'This shot has already been finished' });
  }
  const spec = specForTask(ctx, order.task_code);
  let verdict: Verdict;
  try {
    verdict = settleVerdict(claimed, face, { width: c.width ?? face?.imageWidth ?? 1, height: c.height ?? face?.imageHeight ?? 1 }, spec);
  } catch (err) {
    if (!(err instanceof VerdictMismatch)) throw err;
    throw new AppError('BAD_INPUT', { zh: '检查结果与照片规格不符（界面与服务版本不一致？）', en: 'The verdict does not match the photo spec (UI and service out of step?)', details: [err.message] });
  }
  if (!face) {
    if (!setCaptureResult(ctx.db, captureId, { finished_path: null, finished_sha256: null, verdict_status: verdict.status, still_checks: JSON.stringify(verdict), face: null })) {
      throw new AppError('CONFLICT', { zh: '这张照片已处理过', en: 'This shot has already been finished' });
    }
    return { captureId, finishedJpeg: null, verdict, bytes: null, quality: null, withinBounds: false };
  }
  const t0 = performance.now();
  const finished: MadePhoto & { file?: PreparedPhoto['file'] } = source !== null && 'prepared' in source ? await source.prepared : await finishImage(c, face, source, spec);
  const t1 = performance.now();
  // The finished photo is judged too: a leftover of the old background or a filled corner shows on
  // the print and the receipt, whatever the still's own checks said.
  verdict = withFinishChecks(verdict, { background: finished.background }, spec);
  const { path, sha256, writeMs } = finished.file ?? (await writeFinished(ctx, order.task_code, order.id, captureId, finished.jpeg));
  const recorded = setCaptureResult(ctx.db, captureId, {
    finished_path: path,
    finished_sha256: sha256,
    verdict_status: verdict.status,
    still_checks: JSON.stringify(verdict),
    face: JSON.stringify(face),
  });
  publishStillTimings({ captureId, step: 'finish', ms: { load: finished.loadMs, ...finished.stageMs, write: writeMs, waited: t1 - t0, record: performance.now() - t1 } });
  if (!recorded) {
    // Another finish of the same shot got there first: keep its file, drop ours if it differs.
    if (getCapture(ctx.db, captureId)?.finished_path !== path) await rm(path, { force: true });
    throw new AppError('CONFLICT', { zh: '这张照片已处理过', en: 'This shot has already been finished' });
  }
  return { captureId, finishedJpeg: finished.jpeg, verdict, bytes: finished.bytes, quality: finished.quality, withinBounds: finished.withinBounds };
}

export interface CheckOverride {
  checkId: CheckId;
  reason: string;
}

/**
 * The photographer picks a shot: the order becomes 已采集 with its finished photo and checks, at a new
 * revision with its sync jobs, in one transaction. A failed check is accepted only with a reason,
 * each one audited. So is a face comparison that did not pass (比对不通过 / 需人工确认): the
 * photographer confirms the student's identity with `faceMatchReason` (audited as face_match.override)
 * or retakes. The shot's comparison must have been computed first (faceMatch/captureMatch
 * ensureCaptureMatch; the RPC handler does it); without an admission photo the order carries 未比对.
 */
export function acceptCapture(
  ctx: AppContext,
  operator: Operator,
  orderId: string,
  captureId: string,
  overrides: CheckOverride[],
  faceMatchReason: string | null = null,
): { revision: number } {
  const result = ctx.db
    .transaction(() => {
      const order = requireOrder(ctx, orderId);
      const c = requireCapture(ctx, captureId);
      if (c.order_id !== orderId) throw new AppError('BAD_INPUT', { zh: '照片不属于这个订单', en: 'The shot belongs to another order' });
      if (c.before_rejection) {
        throw new AppError('CONFLICT', {
          zh: c.rejected_reason
            ? `这张照片已被审核驳回（${c.rejected_reason}），不能再次采用，请重新拍摄`
            : '这张照片拍摄于审核驳回之前，不能采用，请重新拍摄',
          en: c.rejected_reason ? `This photo was rejected in review (${c.rejected_reason}) and cannot be accepted again; take a new one` : 'This shot was taken before the rejection in review and cannot be accepted; take a new one',
        });
      }
      if (!c.finished_path || !c.still_checks || !c.finished_sha256) {
        throw new AppError('CONFLICT', { zh: '这张照片还没有完成处理，不能采用', en: 'This shot has not been finished and cannot be accepted' });
      }
      const verdict = JSON.parse(c.still_checks) as Verdict;
      const failed = verdict.checks.filter((k) => k.status === 'fail').map((k) => k.id);
      const reasons = new Map(overrides.map((o) => [o.checkId, o.reason.trim()]));
      const missing = failed.filter((id) => (reasons.get(id) ?? '').length < 2);
      if (missing.length > 0) {
        throw new AppError('OVERRIDE_REQUIRED', {
          zh: `以下检查未通过，需填写原因才能采用：${missing.join('、')}`,
          en: `These checks failed; give a reason to accept anyway: ${missing.join(', ')}`,
          details: missing,
        });
      }
      const faceMatch = faceMatchForAcceptance(ctx.db, order.student_id, captureId);
      const identityReason = faceMatchReason?.trim() ?? '';
      const confirmIdentity = needsIdentityConfirmation(faceMatch.decision);
      if (confirmIdentity && identityReason.length < 2) {
        throw new AppError('OVERRIDE_REQUIRED', {
          zh: `与录取照片比对结果为「${faceMatch.decision}」：请核对学生身份后填写原因，或重新拍摄`,
          en: `The comparison with the admission photo says "${faceMatch.decision}": confirm the student's identity with a reason, or retake`,
          details: ['face.match'],
        });
      }
      const now = ctx.now().toISOString();
      const revision = acceptCaptureForOrder(ctx.db, { id: orderId, captureId, finishedPath: c.finished_path, checks: c.still_checks, operatorId: operator.id, now });
      writeAudit(ctx.db, { at: now, operatorId: operator.id, action: 'capture.accept', entity: 'order', entityId: orderId, detail: { captureId, verdict: verdict.status, faceMatch: faceMatch.decision } });
      setOrderFaceMatch(ctx.db, orderId, {
        score: faceMatch.score,
        decision: faceMatch.decision,
        overrideReason: confirmIdentity ? identityReason : null,
        issues: faceMatch.issues.length > 0 ? JSON.stringify(faceMatch.issues) : null,
      });
      if (confirmIdentity) {
        writeAudit(ctx.db, {
          at: now,
          operatorId: operator.id,
          action: 'face_match.override',
          entity: 'order',
          entityId: orderId,
          detail: { captureId, decision: faceMatch.decision, score: faceMatch.score, issues: faceMatch.issues.map((i) => `${i.side}:${i.code}`) },
          reason: identityReason,
        });
      }
      for (const id of failed) {
        writeAudit(ctx.db, { at: now, operatorId: operator.id, action: 'check.override', entity: 'order', entityId: orderId, detail: { captureId, checkId: id }, reason: reasons.get(id)! });
      }
      enqueueJob(ctx.db, { id: `order:${orderId}:r${revision}`, kind: 'order.upsert', order_id: orderId, payload: { orderId, revision } }, now);
      for (const [role, sha, path] of [['finished', c.finished_sha256, c.finished_path], ['original', c.sha256, c.original_path]] as const) {
        // Per order and role: the server dedupes by sha256, but each order must still say it has the photo.
        enqueueJob(ctx.db, { id: `photo:${orderId}:${role}:${sha}`, kind: 'photo.upload', order_id: orderId, payload: { orderId, captureId, role, sha256: sha }, bytes: statSync(path).size }, now);
      }
      return { revision, taskCode: order.task_code };
    })
    .immediate();
  ctx.emit('orders.changed', { taskCode: result.taskCode, orderId });
  return { revision: result.revision };
}

/** The contract's own shape: the list crosses to the renderer as is. */
export type CaptureSummary = z.infer<typeof CaptureSummarySchema>;

export function listCaptures(ctx: AppContext, orderId: string): CaptureSummary[] {
  requireOrder(ctx, orderId);
  return listCapturesForOrder(ctx.db, orderId).map((c) => ({
    id: c.id,
    takenAt: c.taken_at,
    camera: c.camera,
    verdictStatus: c.verdict_status,
    finished: c.finished_path !== null,
    verdict: c.still_checks ? (JSON.parse(c.still_checks) as Verdict) : null,
    beforeRejection: c.before_rejection === 1,
    rejectedReason: c.rejected_reason,
  }));
}

/** A small JPEG of a shot for the strip of thumbnails: the finished photo when there is one. */
export async function captureThumbnail(ctx: AppContext, captureId: string, which: 'finished' | 'original'): Promise<Buffer> {
  const c = requireCapture(ctx, captureId);
  const path = which === 'finished' && c.finished_path ? c.finished_path : c.original_path;
  return sharp(await readFile(path)).rotate().resize(480, 640, { fit: 'inside' }).jpeg({ quality: 85 }).toBuffer();
}
