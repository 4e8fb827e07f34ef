import { z } from 'zod';
import { looksLikeReservationToken } from './reservationToken.js';

/** What a scanned text is, before any lookup. 学信网 采集码 are encrypted by CHSI in a format that is
 * not public, so "xuexin" only means "could be one": a long printable token with no spaces. */
export const CodeKindSchema = z.enum(['reservation', 'xuexin', 'unknown']);
export type CodeKind = z.infer<typeof CodeKindSchema>;

export const XUEXIN_MIN_LENGTH = 16;
export const XUEXIN_MAX_LENGTH = 2048;

export function classifyCode(text: string): CodeKind {
  if (looksLikeReservationToken(text)) return 'reservation';
  if (text.length >= XUEXIN_MIN_LENGTH && text.length <= XUEXIN_MAX_LENGTH && /^[\x21-\x7e]+$/.test(text) && !/^https?:/i.test(text)) {
    return 'xuexin';
  }
  return 'unknown';
}
