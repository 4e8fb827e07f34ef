import { maskIdNumber } from '../../shared/idNumber.js';
import type { PiiCipher } from './piiCipher.js';

/** The four stored forms of an ID number: sealed, keyed hash for duplicates, masked for screens,
 * last 4 for lookup. Every writer (roster, walk-in, correction) derives them here, alike. */
export function identityColumns(pii: PiiCipher, raw: string | null) {
  const idNumber = raw?.trim().toUpperCase();
  if (!idNumber) return { id_enc: null, id_hmac: null, id_masked: null, id_last4: null };
  return { id_enc: pii.encrypt(idNumber), id_hmac: pii.hmac(idNumber), id_masked: maskIdNumber(idNumber), id_last4: idNumber.slice(-4) };
}
