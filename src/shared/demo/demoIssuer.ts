import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { publicKeyFromSecret, signReservationToken, type ReservationTokenPayload } from '../checkin/reservationToken.js';

/**
 * Stands in for the central server's signing key, for the demo task only. The key is derived from a
 * public constant on purpose: anyone can mint demo tokens, which is what a demo (and a test) needs,
 * and it can never verify a real task, whose public key comes from the server.
 */
export const DEMO_ISSUER_SECRET = sha256(utf8ToBytes('campus-capture demo issuer v1'));

export const DEMO_PUBLIC_KEY_B64 = btoa(String.fromCharCode(...publicKeyFromSecret(DEMO_ISSUER_SECRET)));

export function signDemoToken(payload: ReservationTokenPayload): string {
  return signReservationToken(payload, DEMO_ISSUER_SECRET);
}

