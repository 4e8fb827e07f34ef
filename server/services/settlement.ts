import type { FeedChange } from '../db/feedLog.js';
import { liveReservationsOf, updateReservation } from '../db/reservations.js';
import type { Tx } from '../db/tx.js';

/** Settlement of a reservation's payment, apart from the payment state itself. */
export const SETTLEMENTS = ['none', 'to_settle', 'settled', 'to_refund', 'refunded'] as const;
export type Settlement = (typeof SETTLEMENTS)[number];

/**
 * A capture was accepted for this student: their reservation is used, and a pre-authorised payment
 * is to be settled. A no-show marked for refund when the session closed (the station was offline
 * then) turns back to settle: the student did come. Returns the feed changes to record.
 */
export async function markReservationCaptured(t: Tx, taskCode: string, studentId: string, reservationId: string | null, now: string): Promise<FeedChange[]> {
  const live = await liveReservationsOf(t, taskCode, studentId);
  const r = live.find((x) => x.id === reservationId) ?? live[0];
  if (!r) return [];
  const patch: { state?: string; settlement?: string } = {};
  if (r.state === 'active') patch.state = 'used';
  if (r.payment_state === '预授权' && (r.settlement === 'none' || r.settlement === 'to_refund')) patch.settlement = 'to_settle';
  if (Object.keys(patch).length === 0) return [];
  await updateReservation(t, r.id, { ...patch, updated_at: now });
  return patch.state ? [{ feed: 'reservations', key: r.id }] : [];
}
