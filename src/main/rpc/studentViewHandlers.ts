import { AppError } from '../../shared/errors.js';
import { IDLE_STUDENT_VIEW, type StudentViewState } from '../../shared/studentView.js';
import { captureThumbnail } from '../capture/captureService.js';
import { grantMedia } from '../web/stillMedia.js';
import { writeAudit } from '../db/queries/audit.js';
import type { AppContext } from '../services/AppContext.js';
import type { Handlers } from './router.js';

type StudentViewProcedures = 'studentView.publish' | 'studentView.attach' | 'studentView.photo' | 'studentView.photoUrl' | 'studentView.confirm';

/**
 * The student's screen (issue 15): the capture screen publishes what the student should see; a
 * window that attaches as a student display receives it as events, may fetch the one finished
 * photo published for confirmation and confirm it, nothing else (no names, no other capture).
 */
export function studentViewHandlers(ctx: AppContext): Pick<Handlers, StudentViewProcedures> {
  let current: StudentViewState = IDLE_STUDENT_VIEW;
  let orderId: string | null = null;
  // Confirmations given, by capture: a photo confirmed stays confirmed when the view is published again.
  const confirmed = new Set<string>();
  const show = (state: StudentViewState) => {
    current = state;
    ctx.emit('studentView.changed', state);
  };
  const displayOnly = (session: { studentDisplay?: boolean }) => {
    if (!session.studentDisplay) throw new AppError('FORBIDDEN');
  };
  return {
    'studentView.publish': ({ orderId: order, ...state }) => {
      // The next student: the last one's confirmations are on record and need not be held.
      if (order !== null && order !== orderId) confirmed.clear();
      if (order !== null || state.phase === 'idle') orderId = order;
      show({ ...state, confirmed: state.captureId !== null && confirmed.has(state.captureId) });
      return { ok: true as const };
    },
    'studentView.attach': (_input, session) => {
      session.studentDisplay = true;
      return current;
    },
    'studentView.photo': async (_input, session) => {
      displayOnly(session);
      if (current.phase !== 'confirm' || current.captureId === null) return { jpegBase64: null };
      return { jpegBase64: (await captureThumbnail(ctx, current.captureId, 'finished')).toString('base64') };
    },
    'studentView.photoUrl': (_input, session) => {
      displayOnly(session);
      if (current.phase !== 'confirm' || current.captureId === null) return { url: null };
      const captureId = current.captureId;
      return { url: grantMedia(ctx, session, 'student-photo', captureId, () => captureThumbnail(ctx, captureId, 'finished')) };
    },
    'studentView.confirm': ({ captureId }, session) => {
      displayOnly(session);
      // Only the photo on the student's screen now, once: a late or repeated press records nothing.
      if (current.phase !== 'confirm' || current.captureId !== captureId || orderId === null) throw new AppError('CONFLICT');
      if (!confirmed.has(captureId)) {
        confirmed.add(captureId);
        writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: null, action: 'capture.student_confirmed', entity: 'order', entityId: orderId, detail: { captureId } });
        show({ ...current, confirmed: true });
      }
      return current;
    },
  };
}
