import { z } from 'zod';
import { CheckId, SpecProfile } from './spec/specProfile.js';

/**
 * What the student's screen shows (issue 15): the photographer's capture screen publishes it, the
 * station relays it to the student's window as an event. It carries no name and no id a student
 * could read: the instruction, whether all is well, the guide's geometry, and which finished photo
 * to show (fetched by the student window only while it is the one published).
 */
export const StudentViewState = z
  .object({
    /** idle: nobody being photographed; live: guiding; working: the shot is being checked;
     * confirm: the finished photo is on screen to confirm; done: accepted. */
    phase: z.enum(['idle', 'live', 'working', 'confirm', 'done']),
    /** The one instruction to read out now (the first of the live hints, or what a failed shot needs). */
    hint: z.object({ id: CheckId, zh: z.string().max(200), en: z.string().max(400) }).strict().nullable(),
    allGood: z.boolean(),
    /** Where the student window takes its live view from: the station webcam (it opens it too), the
     * tethered DSLR's live-view frames (relayed to it), or none (hot folder, simulated camera). */
    camera: z.enum(['webcam', 'dslr', 'none']),
    spec: SpecProfile.nullable(),
    captureId: z.string().max(64).nullable(),
    /** The student confirmed the photo now shown (studentView.confirm): said back on both screens. */
    confirmed: z.boolean(),
  })
  .strict();
export type StudentViewState = z.infer<typeof StudentViewState>;

/** What the capture screen publishes: the view, and the order it is about, which stays on the
 * station's side (the student's window is never told it) so a confirmation can be recorded on it. */
export const StudentViewPublish = StudentViewState.extend({ orderId: z.string().min(1).max(64).nullable() }).strict();
export type StudentViewPublish = z.infer<typeof StudentViewPublish>;

export const IDLE_STUDENT_VIEW: StudentViewState = { phase: 'idle', hint: null, allGood: false, camera: 'none', spec: null, captureId: null, confirmed: false };

/** Events a student window receives: what it shows, and a DSLR's live view (the student's own face). */
export const STUDENT_DISPLAY_EVENTS: readonly string[] = ['studentView.changed', 'camera.liveFrame'];
