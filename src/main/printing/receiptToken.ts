import { randomBytes } from 'node:crypto';
import { encodeBase64url } from '../../shared/base64url.js';
import { AppError } from '../../shared/errors.js';
import type { Db } from '../db/openDatabase.js';
import { getReceiptToken, setReceiptTokenOnce } from '../db/queries/printJobs.js';
import { enqueueJob } from '../db/queries/outbox.js';

/** 128 random bits, base64url without padding: 22 characters. */
export const RECEIPT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/**
 * The order's receipt token, made on first use and kept on the order (orders.receipt_token) for
 * good: every slip printed for the order carries the same QR. It is random, so it reveals nothing
 * by itself; the central server maps it to the order's status page (`<server>/r/<token>`).
 * Safe against two callers at once: the first token written wins and both get it.
 */
export function receiptTokenFor(db: Db, orderId: string): string {
  const existing = getReceiptToken(db, orderId);
  if (existing === undefined) throw new AppError('NOT_FOUND', { zh: '没有这个订单', en: 'No such order' });
  if (existing) return existing;
  return db.transaction(() => {
    setReceiptTokenOnce(db, orderId, encodeBase64url(randomBytes(16)));
    const token = getReceiptToken(db, orderId);
    if (!token) throw new AppError('INTERNAL', { details: ['receipt token not stored'] });
    // The server learns the token with the order; an order already synced goes up once more.
    enqueueJob(db, { id: `order:${orderId}:receipt:${token}`, kind: 'order.upsert', order_id: orderId, payload: { orderId, receipt: true } }, new Date().toISOString());
    return token;
  }).immediate();
}

/** What the receipt's QR holds. Without a central server configured there is no page to point to. */
export function receiptUrl(serverUrl: string | null, token: string): string {
  if (!serverUrl) {
    throw new AppError('CONFLICT', {
      zh: '本站尚未登记中心服务器，回执二维码无处可指：请站点负责人先在“同步”页面登记',
      en: 'This station is not enrolled with a central server, so the receipt QR has nowhere to point: a site manager enrols it on the Sync screen first',
    });
  }
  return `${serverUrl.replace(/\/+$/, '')}/r/${token}`;
}
