import { z } from 'zod';
import { classifyCode } from '../../shared/checkin/codeKind.js';
import { reservationValidUntil } from '../../shared/checkin/taskRules.js';
import { parseReservationToken, verifyTokenSignature, type TokenParse } from '../../shared/checkin/reservationToken.js';
import { scanRefusalMessage, UNMATCHED_XUEXIN_MESSAGE } from '../../shared/checkin/scanMessages.js';
import type { ScanOutcome, ScanRefusal } from '../../shared/checkin/scanOutcome.js';
import { isCaptured } from '../../shared/domain/status.js';
import { localDateOf } from '../../shared/localDate.js';
import { getOrderForStudent } from '../db/queries/orders.js';
import { getReservation } from '../db/queries/reservations.js';
import { findStudentIdByXuexinDigest, getStudent } from '../db/queries/students.js';
import { getTask } from '../db/queries/tasks.js';
import { createLogger } from '../log/logger.js';
import { sha256Hex } from '../security/digest.js';
import type { AppContext } from '../services/AppContext.js';

/** Only the store and the clock: the CLI resolves against a read-only copy of the station's store. */
export type ScanContext = Pick<AppContext, 'db' | 'now'>;

const log = createLogger('checkin');

function refused(reason: ScanRefusal, studentId: string | null = null, extra: Parameters<typeof scanRefusalMessage>[1] = {}): ScanOutcome {
  return { kind: 'refused', reason, studentId, ...scanRefusalMessage(reason, extra) };
}

/** A student already photographed is not sent to capture again by a code; one whose photo was
 * rejected by review is (a retake). */
function admitted(ctx: ScanContext, taskCode: string, studentId: string, via: 'reservation' | 'xuexin'): ScanOutcome {
  const order = getOrderForStudent(ctx.db, taskCode, studentId);
  if (order && isCaptured(order.status)) return refused('already_captured', studentId);
  return { kind: 'student', via, studentId };
}

/**
 * From scanned text to a student, offline. Reservation tokens are verified with the task's public key
 * before anything in them is trusted; 学信网 codes are never decoded, only hashed and looked up.
 */
export function resolveScan(ctx: ScanContext, taskCode: string, rawText: string): ScanOutcome {
  // Keyboard-wedge scanners may add a CR or spaces; a QR payload never ends in whitespace.
  const text = rawText.trim();
  const kind = classifyCode(text);
  const outcome = kind === 'reservation' ? resolveReservation(ctx, taskCode, text) : resolveOtherCode(ctx, taskCode, text, kind === 'xuexin');
  if (outcome.kind === 'refused' && (outcome.reason === 'bad_signature' || outcome.reason === 'malformed')) {
    log.warn('reservation code refused', { taskCode, reason: outcome.reason });
  }
  return outcome;
}

/** The 学信网 format is not public, so every text that is not our token is looked up; the shape
 * only decides the words when nothing matches. */
function resolveOtherCode(ctx: ScanContext, taskCode: string, text: string, looksLikeXuexin: boolean): ScanOutcome {
  const studentId = findStudentIdByXuexinDigest(ctx.db, taskCode, sha256Hex(text));
  if (studentId) return admitted(ctx, taskCode, studentId, 'xuexin');
  return looksLikeXuexin ? { kind: 'unmatched_xuexin', ...UNMATCHED_XUEXIN_MESSAGE } : refused('unrecognized');
}

const SessionDates = z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/));

/** The station's copy of the task's session dates; one it cannot read counts as none. */
function taskSessionDates(ctx: ScanContext, taskCode: string): string[] {
  const raw = getTask(ctx.db, taskCode)?.session_dates;
  if (!raw) return [];
  try {
    const dates = SessionDates.safeParse(JSON.parse(raw));
    return dates.success ? dates.data : [];
  } catch {
    return [];
  }
}

function verifiedWith(ctx: ScanContext, parsed: Extract<TokenParse, { ok: true }>, taskCode: string): 'verified' | 'bad' | 'no_key' {
  const publicKey = getTask(ctx.db, taskCode)?.public_key;
  if (!publicKey) return 'no_key';
  return verifyTokenSignature(parsed, Buffer.from(publicKey, 'base64')) ? 'verified' : 'bad';
}

function resolveReservation(ctx: ScanContext, taskCode: string, text: string): ScanOutcome {
  const parsed = parseReservationToken(text);
  if (!parsed.ok) return refused('malformed');
  const { payload } = parsed;
  if (payload.task !== taskCode) {
    // Another task on this station can prove the token forged; otherwise its task code is only a
    // claim, and the answer admits nobody either way.
    return verifiedWith(ctx, parsed, payload.task) === 'bad' ? refused('bad_signature') : refused('other_task', null, { otherTask: payload.task });
  }
  const check = verifiedWith(ctx, parsed, taskCode);
  if (check === 'no_key') return refused('no_task_key');
  if (check === 'bad') return refused('bad_signature');
  const student = getStudent(ctx.db, taskCode, payload.sid);
  // Good at any session of the task, whatever day the slot was (注意事项 3): the task's session
  // dates decide, so tokens signed to their slot's day before this rule keep working.
  const validUntil = reservationValidUntil(taskSessionDates(ctx, taskCode), payload.exp);
  if (ctx.now().getTime() / 1000 > validUntil) {
    // Signed, so the student is known for sure: the card is one click away.
    return refused('expired', student?.id ?? null, { expiredOn: localDateOf(new Date(validUntil * 1000)) });
  }
  // A signed token for a student this station knows is good even if the reservation row has not
  // synced yet; only a student nobody here has heard of sends the photographer to search.
  if (!student) return refused('unknown_reservation');
  const reservation = getReservation(ctx.db, payload.rid);
  // Signed, but the station's copy pairs the reservation with someone else: do not guess who this is.
  if (reservation && reservation.student_id !== student.id) return refused('unknown_reservation');
  if (reservation?.state === 'cancelled') return refused('cancelled', student.id);
  if (reservation?.state === 'used') {
    // Used means photographed, here or at another station; a photo rejected by review is retaken.
    const order = getOrderForStudent(ctx.db, taskCode, student.id);
    if (order?.status !== '被驳回') return refused('already_captured', student.id);
  }
  return admitted(ctx, taskCode, student.id, 'reservation');
}
