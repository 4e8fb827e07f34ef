import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { maskName } from '../../src/shared/print/maskName.js';
import { getOrderByReceiptToken } from '../db/orders.js';
import { getStudent } from '../db/students.js';
import { getTask } from '../db/tasks.js';
import { sendPhoto } from '../http/adminRoutes.js';
import { sendHtml } from '../http/respond.js';
import type { Router } from '../http/router.js';
import { reviewCsp } from '../review/reviewPage.js';
import type { ServerContext } from '../ServerContext.js';
import { receiptNotFoundPage, receiptPage } from './receiptPage.js';

const TOKEN = /^[A-Za-z0-9_-]{22}$/;
/** The photo is the student's once review approved it. */
const PHOTO_STATUSES = new Set(['待制作', '已完成']);

function page(res: ServerResponse, status: number, render: (nonce: string) => string): void {
  const nonce = randomBytes(16).toString('base64');
  sendHtml(res, status, render(nonce), { 'Content-Security-Policy': reviewCsp(nonce), 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });
}

/**
 * The public page behind the receipt QR (/r/<token>). The token is 128 random bits made by the
 * station: it says nothing by itself and cannot be guessed, so the page needs no login; a wrong or
 * unknown token gets the same "not found" as an order not yet uploaded.
 */
export function addReceiptRoutes(router: Router, ctx: ServerContext): void {
  const find = async (token: string | undefined) => {
    if (!token || !TOKEN.test(token)) return undefined;
    return getOrderByReceiptToken(ctx.tx, token);
  };
  router.add('GET', '/r/:token', async ({ res, params }) => {
    const order = await find(params.token);
    if (!order) return page(res, 404, receiptNotFoundPage);
    const [student, task] = await Promise.all([getStudent(ctx.tx, order.student_id), getTask(ctx.tx, order.task_code)]);
    const finished = (JSON.parse(order.photos_json) as { role: string }[]).some((p) => p.role === 'finished');
    page(res, 200, (n) =>
      receiptPage(n, {
        status: order.status,
        reason: order.reason,
        maskedName: maskName(student?.name ?? ''),
        taskName: task?.name ?? order.task_code,
        capturedAt: order.captured_at,
        photoReady: finished && PHOTO_STATUSES.has(order.status),
        token: params.token!,
      }),
    );
  });
  router.add('GET', '/r/:token/photo.jpg', async ({ res, params }) => {
    const order = await find(params.token);
    const finished = order && PHOTO_STATUSES.has(order.status) ? (JSON.parse(order.photos_json) as { role: string; sha256: string }[]).find((p) => p.role === 'finished') : undefined;
    if (!finished) return page(res, 404, receiptNotFoundPage);
    await sendPhoto(ctx, res, finished.sha256);
  });
}
