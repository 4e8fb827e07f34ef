import { readFile } from 'node:fs/promises';
import { AppError } from '../../shared/errors.js';
import { faceMatchView, SidedIssue, type FaceMatchDecision, type FaceMatchView } from '../../shared/faceMatch/decision.js';
import { getAdmissionPhoto, getCaptureFaceMatch, putCaptureFaceMatch, type CaptureFaceMatchRow } from '../db/queries/admissionPhotos.js';
import { getCapture } from '../db/queries/captures.js';
import { getOrder } from '../db/queries/orders.js';
import type { Db } from '../db/openDatabase.js';
import { createLogger } from '../log/logger.js';
import type { AppContext } from '../services/AppContext.js';
import { admissionEmbedding } from './admissionPhotos.js';
import { compareAnalyses } from './compare.js';
import { analyseFace } from './analyseFace.js';
import { EMBEDDER_ID } from './faceModels.js';

const log = createLogger('faceMatch');

function viewOf(row: CaptureFaceMatchRow): FaceMatchView {
  const issues = SidedIssue.array().safeParse(JSON.parse(row.issues));
  return faceMatchView(row.score, issues.success ? issues.data : [], row.embedder, row.decision);
}

/**
 * The comparison of a finished shot with the student's admission photo, computed once per shot and
 * admission photo and cached (acceptance reads the cache inside its transaction). Null: the student
 * has no admission photo (the order will say 未比对).
 */
export async function ensureCaptureMatch(ctx: AppContext, captureId: string): Promise<FaceMatchView | null> {
  const c = getCapture(ctx.db, captureId);
  if (!c) throw new AppError('NOT_FOUND', { zh: '没有这张照片', en: 'No such shot' });
  const order = getOrder(ctx.db, c.order_id);
  if (!order) throw new AppError('NOT_FOUND', { zh: '没有这个订单', en: 'No such order' });
  const admission = getAdmissionPhoto(ctx.db, order.student_id);
  if (!admission) return null;
  const cached = getCaptureFaceMatch(ctx.db, captureId);
  if (cached && cached.admission_ref === admission.ref && cached.embedder === EMBEDDER_ID) return viewOf(cached);
  if (!c.still_checks) throw new AppError('CONFLICT', { zh: '这张照片还没有完成处理', en: 'This shot has not been finished yet' });

  let view: FaceMatchView;
  try {
    const adm = await admissionEmbedding(ctx, admission);
    // The finished spec photo is what goes to 学信网 and is what the server compares; a shot without
    // one had no usable face.
    const capture = c.finished_path ? await analyseFace(await readFile(c.finished_path), 'capture') : null;
    view = compareAnalyses(adm, capture ?? { embedding: null, issues: ['no_face'] });
  } catch (err) {
    if (err instanceof AppError && err.code !== 'INTERNAL') throw err;
    log.error('face match failed', { captureId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    // Recorded like any result, so the photographer can confirm identity by eye (or retake, which
    // tries again). Never a silent pass.
    view = faceMatchView(null, [{ side: 'capture', code: 'match_error' }], EMBEDDER_ID);
  }
  putCaptureFaceMatch(ctx.db, {
    capture_id: captureId,
    admission_ref: admission.ref,
    embedder: view.model,
    score: view.score,
    decision: view.decision as CaptureFaceMatchRow['decision'],
    issues: JSON.stringify(view.issues),
    computed_at: ctx.now().toISOString(),
  });
  return view;
}

export interface AcceptedFaceMatch {
  decision: FaceMatchDecision;
  score: number | null;
  issues: SidedIssue[];
}

/**
 * What acceptance records, read inside its transaction: 未比对 without an admission photo, else the
 * cached comparison of this shot with the current admission photo (the caller computed it first with
 * {@link ensureCaptureMatch}; a missing or stale one is refused rather than guessed).
 */
export function faceMatchForAcceptance(db: Db, studentId: string, captureId: string): AcceptedFaceMatch {
  const admission = getAdmissionPhoto(db, studentId);
  if (!admission) return { decision: '未比对', score: null, issues: [] };
  const m = getCaptureFaceMatch(db, captureId);
  if (!m || m.admission_ref !== admission.ref || m.embedder !== EMBEDDER_ID) {
    throw new AppError('CONFLICT', { zh: '与录取照片的比对尚未完成，请稍候再采用', en: 'The comparison with the admission photo has not finished; try again in a moment' });
  }
  const view = viewOf(m);
  return { decision: view.decision, score: view.score, issues: view.issues };
}
