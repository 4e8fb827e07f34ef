import { classifyCode } from '../../shared/checkin/codeKind.js';
import { parseReservationToken, verifyTokenSignature } from '../../shared/checkin/reservationToken.js';
import { scanRefusalMessage, UNMATCHED_XUEXIN_MESSAGE } from '../../shared/checkin/scanMessages.js';
import type { ScanOutcome, ScanRefusal } from '../../shared/checkin/scanOutcome.js';
import { isCaptured } from '../../shared/domain/status.js';
import { localDateOf } from '../../shared/localDate.js';
import { getOrderForStudent } from '../db/queries/orders.js';
import { getReservation } from '../db/queries/reservations.js';
import { findStudentIdByXuexinDigest, getStudent } from '../db/queries/students.js';
import { getTask } from '../db/queries/tasks.js';
import { sha256Hex } from '../security/digest.js';
import type { AppContext } from '../services/AppContext.js';

/** Only the store and the clock: the CLI resolves against a read-only copy of the station's store. */
export type ScanContext = Pick<AppContext, 'db' | 'now'>;

function refused(reason: ScanRefusal, studentId: string | null = null, extra: Parameters<typeof scanRefusalMessage>[1] = {}): ScanOutcome {
  return { kind: 'refused', reason, studentId, ...scanRefusalMessage(reason, extra) };
}

/** A student already photographed is not sent to capture again by a code; the card explains why. */
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
  switch (classifyCode(text)) {
    case 'reservation':
      return resolveReservation(ctx, taskCode, text);
    case 'xuexin': {
      const studentId = findStudentIdByXuexinDigest(ctx.db, taskCode, sha256Hex(text));
      if (studentId) return admitted(ctx, taskCode, studentId, 'xuexin');
      return { kind: 'unmatched_xuexin', ...UNMATCHED_XUEXIN_MESSAGE };
    }
    case 'unknown':
      return refused('unrecognized');
  }
}

function resolveReservation(ctx: ScanContext, taskCode: string, text: string): ScanOutcome {
  const parsed = parseReservationToken(text);
  if (!parsed.ok) return refused('malformed');
  const { payload } = parsed;
  // Said before the signature check: another task's key may not be on this station, and the answer
  // admits nobody either way.
  if (payload.task !== taskCode) return refused('other_task', null, { otherTask: payload.task });
  const publicKey = getTask(ctx.db, taskCode)?.public_key;
  if (!publicKey) return refused('no_task_key');
  if (!verifyTokenSignature(parsed, Buffer.from(publicKey, 'base64'))) return refused('bad_signature');
  if (ctx.now().getTime() / 1000 > payload.exp) return refused('expired', null, { expiredOn: localDateOf(new Date(payload.exp * 1000)) });
  const student = getStudent(ctx.db, taskCode, payload.sid);
  // A signed token for a student this station knows is good even if the reservation row has not
  // synced yet; only a student nobody here has heard of sends the photographer to search.
  if (!student) return refused('unknown_reservation');
  const reservation = getReservation(ctx.db, payload.rid);
  // Signed, but the station's copy pairs the reservation with someone else: do not guess who this is.
  if (reservation && reservation.student_id !== student.id) return refused('unknown_reservation');
  if (reservation?.state === 'cancelled') return refused('cancelled', student.id);
  if (reservation?.state === 'used') return refused('already_captured', student.id);
  return admitted(ctx, taskCode, student.id, 'reservation');
}
