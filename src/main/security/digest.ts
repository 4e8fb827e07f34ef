import { createHash } from 'node:crypto';

/** Plain SHA-256 for values whose digest is shared with other systems (学信网 code digests, 特征码):
 * the server and the roster compute the same digest, so it cannot be keyed like the PII HMAC. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** 特征码 are compared case-insensitively, so the digest is of the trimmed upper-case text. */
export function featureCodeDigest(code: string): string {
  return sha256Hex(code.trim().toUpperCase());
}
