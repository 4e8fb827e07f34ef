import { ed25519 } from '@noble/curves/ed25519.js';
import { z } from 'zod';
import { decodeBase64url, encodeBase64url } from '../base64url.js';
import { TaskCode } from '../domain/entities.js';

/**
 * Reservation QR tokens (DESIGN §4): `CC1.<base64url(JSON payload)>.<base64url(Ed25519 signature)>`.
 * The server signs with the task's private key; a station verifies offline with the task's public key.
 * Pure JS Ed25519 (@noble/curves) so the server, the station and the CLI share this one file.
 */
export const TOKEN_PREFIX = 'CC1.';
/** A real token is ~250 characters; anything far longer is refused before any parsing work. */
export const TOKEN_MAX_LENGTH = 1024;

export const ReservationTokenPayload = z
  .object({
    rid: z.string().min(1).max(64),
    sid: z.string().min(1).max(64),
    task: TaskCode,
    slot: z.string().min(1).max(64).nullable(),
    /** Expiry, Unix seconds. */
    exp: z.number().int().positive(),
  })
  .strict();
export type ReservationTokenPayload = z.infer<typeof ReservationTokenPayload>;

export type TokenParse = { ok: true; payload: ReservationTokenPayload; signed: Uint8Array; signature: Uint8Array } | { ok: false };

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function looksLikeReservationToken(text: string): boolean {
  return text.startsWith(TOKEN_PREFIX);
}

/** Splits and schema-checks a token without trusting it; the signature is checked separately. */
export function parseReservationToken(text: string): TokenParse {
  if (text.length > TOKEN_MAX_LENGTH || !text.startsWith(TOKEN_PREFIX)) return { ok: false };
  const parts = text.slice(TOKEN_PREFIX.length).split('.');
  if (parts.length !== 2) return { ok: false };
  const [payloadPart, sigPart] = parts as [string, string];
  const payloadBytes = decodeBase64url(payloadPart);
  const signature = decodeBase64url(sigPart);
  if (!payloadBytes || !signature || signature.length !== 64) return { ok: false };
  let json: unknown;
  try {
    json = JSON.parse(strictUtf8.decode(payloadBytes));
  } catch {
    return { ok: false };
  }
  const payload = ReservationTokenPayload.safeParse(json);
  if (!payload.success) return { ok: false };
  // The signature covers the exact payload text as sent, not a re-serialisation of it.
  return { ok: true, payload: payload.data, signed: utf8.encode(TOKEN_PREFIX + payloadPart), signature };
}

export function signReservationToken(payload: ReservationTokenPayload, secretKey: Uint8Array): string {
  const body = TOKEN_PREFIX + encodeBase64url(utf8.encode(JSON.stringify(ReservationTokenPayload.parse(payload))));
  return `${body}.${encodeBase64url(ed25519.sign(utf8.encode(body), secretKey))}`;
}

export function verifyTokenSignature(parsed: Extract<TokenParse, { ok: true }>, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(parsed.signature, parsed.signed, publicKey);
  } catch {
    // A malformed key or a signature that is not a curve point: not valid, never a crash.
    return false;
  }
}

export function publicKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(secretKey);
}

export function newSigningKey(): Uint8Array {
  return ed25519.utils.randomSecretKey();
}
