import { createHash } from 'node:crypto';
import { publicKeyFromSecret, signReservationToken, type ReservationTokenPayload } from '../../shared/checkin/reservationToken.js';

/**
 * Stands in for the central server's signing key, for the demo task only. The key is derived from a
 * public constant on purpose: anyone can mint demo tokens, which is what a demo (and a test) needs,
 * and it can never verify a real task, whose public key comes from the server.
 */
const DEMO_SECRET = new Uint8Array(createHash('sha256').update('campus-capture demo issuer v1').digest());

export const DEMO_PUBLIC_KEY_B64 = Buffer.from(publicKeyFromSecret(DEMO_SECRET)).toString('base64');

export function signDemoToken(payload: ReservationTokenPayload): string {
  return signReservationToken(payload, DEMO_SECRET);
}

/** A reservation is good until the end of its session day, station-local. */
export function endOfLocalDaySeconds(date: string): number {
  return Math.floor(new Date(`${date}T23:59:59`).getTime() / 1000);
}
