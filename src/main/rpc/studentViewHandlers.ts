import { AppError } from '../../shared/errors.js';
import { IDLE_STUDENT_VIEW, type StudentViewState } from '../../shared/studentView.js';
import { captureThumbnail } from '../capture/captureService.js';
import type { AppContext } from '../services/AppContext.js';
import type { Handlers } from './router.js';

type StudentViewProcedures = 'studentView.publish' | 'studentView.attach' | 'studentView.photo';

/**
 * The student's screen (issue 15): the capture screen publishes what the student should see; a
 * window that attaches as a student display receives it as events, and may fetch the one finished
 * photo published for confirmation, nothing else (no names, no other capture).
 */
export function studentViewHandlers(ctx: AppContext): Pick<Handlers, StudentViewProcedures> {
  let current: StudentViewState = IDLE_STUDENT_VIEW;
  return {
    'studentView.publish': (state) => {
      current = state;
      ctx.emit('studentView.changed', state);
      return { ok: true as const };
    },
    'studentView.attach': (_input, session) => {
      session.studentDisplay = true;
      return current;
    },
    'studentView.photo': async (_input, session) => {
      if (!session.studentDisplay) throw new AppError('FORBIDDEN');
      if (current.phase !== 'confirm' || current.captureId === null) return { jpegBase64: null };
      return { jpegBase64: (await captureThumbnail(ctx, current.captureId, 'finished')).toString('base64') };
    },
  };
}
