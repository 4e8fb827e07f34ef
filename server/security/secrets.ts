import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Random text safe in URLs and headers (base64url, no padding). 32 bytes → 43 characters. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Compares two secrets without leaking where they differ; hashing first equalises the lengths. */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A one-time enrolment code a person can read aloud and type: 12 characters (60 bits) in groups of 4. */
export function newEnrolCode(): string {
  const bytes = randomBytes(12);
  let s = '';
  for (const b of bytes) s += CODE_ALPHABET[b % CODE_ALPHABET.length];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
}

/** Typing tolerance: case, spaces and dashes do not matter; what is hashed is the canonical form. */
export function canonicalEnrolCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}
