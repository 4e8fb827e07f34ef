import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DECISIONS, type Decision } from '../domain/orderStatus.js';
import { sendPhoto } from '../http/adminRoutes.js';
import { Sha256Param } from '../http/adminSchemas.js';
import { readForm } from '../http/readBody.js';
import { redirect, sendHtml } from '../http/respond.js';
import type { Router } from '../http/router.js';
import { isServerFailure, ServerFailure } from '../http/ServerFailure.js';
import { secretsEqual } from '../security/secrets.js';
import type { ServerContext } from '../ServerContext.js';
import { readAdmission } from '../services/admissionStore.js';
import { decide, orderViews } from '../services/review.js';
import { listPage, loginPage, reviewCsp, TABS, type Tab } from './reviewPage.js';
import { LoginThrottle } from './loginThrottle.js';
import { clearCookie, clientOf, closeSession, csrfOk, csrfToken, openSession, sessionOf } from './reviewSession.js';

/** An order id as stations make them (protocol.ts Id): anything else is no order. */
const OrderIdParam = z.string().min(1).max(64);

/** Fixed notices after a redirect (never text from the query string). */
const NOTICES = {
  reason: '驳回必须选择或填写原因 / a rejection needs a reason',
  changed: '订单已变化（新版本或状态已改），请重新审核 / the order changed; review it again',
  failed: '操作失败 / the action failed',
} as const;
type Notice = keyof typeof NOTICES;

function html(res: ServerResponse, status: number, render: (nonce: string) => string, headers: Record<string, string> = {}): void {
  const nonce = randomBytes(16).toString('base64');
  // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the page's own form posts,
  // which the cross-site check must refuse; same-origin still sends nothing to other sites.
  sendHtml(res, status, render(nonce), { 'Content-Security-Policy': reviewCsp(nonce), 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'same-origin', ...headers });
}

/** A cross-site form post is refused outright (the SameSite cookie should already stop it). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function lockedOut(res: ServerResponse, seconds: number): void {
  const minutes = Math.ceil(seconds / 60);
  html(res, 429, (n) => loginPage(n, `登录失败次数过多，请 ${minutes} 分钟后再试 / too many failed logins; try again in ${minutes} min`), { 'Retry-After': String(seconds) });
}

function tabOf(value: string | null): Tab {
  return (TABS as readonly string[]).includes(value ?? '') ? (value as Tab) : '待审核';
}

/** The reviewer's web page at /review: log in with the admin token, then review. */
export function addReviewRoutes(router: Router, ctx: ServerContext): void {
  const throttle = new LoginThrottle();
  router.add('GET', '/review', async ({ req, res, url }) => {
    const session = await sessionOf(ctx, req);
    if (!session) return html(res, 200, (n) => loginPage(n, null));
    const tab = tabOf(url.searchParams.get('status'));
    const notice = url.searchParams.get('notice') as Notice | null;
    const orders = await orderViews(ctx, tab === '已撤回' ? { withdrawn: true, limit: 200 } : { status: tab, limit: 200 });
    html(res, 200, (n) => listPage(n, tab, orders, csrfToken(ctx.adminToken, session), notice && notice in NOTICES ? NOTICES[notice] : null));
  });

  router.add('POST', '/review/login', async ({ req, res }) => {
    if (!sameOrigin(req)) return html(res, 403, (n) => loginPage(n, '跨站请求被拒绝 / cross-site request refused'));
    const client = clientOf(req, ctx.trustedProxies);
    const wait = throttle.retryAfter(client.address, ctx.now().getTime());
    if (wait > 0) return lockedOut(res, wait);
    const form = await readForm(req);
    if (!secretsEqual(form.get('token')?.trim() ?? '', ctx.adminToken)) {
      const locked = throttle.fail(client.address, ctx.now().getTime());
      ctx.log('warn', 'review login failed', { address: client.address, lockedForSeconds: locked });
      if (locked > 0) return lockedOut(res, locked);
      return html(res, 401, (n) => loginPage(n, '令牌不正确 / wrong token'));
    }
    throttle.succeed(client.address);
    redirect(res, '/review', { 'Set-Cookie': (await openSession(ctx, client)).header });
  });

  router.add('POST', '/review/logout', async ({ req, res }) => {
    const session = await sessionOf(ctx, req);
    const form = await readForm(req);
    if (session && !csrfOk(ctx.adminToken, session, form.get('csrf'))) return html(res, 403, (n) => loginPage(n, '请求无效 / invalid request'));
    // Ended on the server: the same cookie, replayed from anywhere, no longer opens the page.
    if (session) await closeSession(ctx, session);
    redirect(res, '/review', { 'Set-Cookie': clearCookie(clientOf(req, ctx.trustedProxies).secure) });
  });

  router.add('POST', '/review/orders/:id/decision', async ({ req, res, params }) => {
    const session = await sessionOf(ctx, req);
    if (!session) return redirect(res, '/review');
    const form = await readForm(req);
    if (!sameOrigin(req) || !csrfOk(ctx.adminToken, session, form.get('csrf'))) {
      return html(res, 403, (n) => loginPage(n, '请求无效（请刷新页面）/ invalid request (reload the page)'));
    }
    const decision = form.get('decision') ?? '';
    if (!(DECISIONS as readonly string[]).includes(decision)) return redirect(res, '/review?notice=failed');
    // Free text wins over the list; both are bounded like the JSON API's reason.
    const reason = (form.get('reasonText')?.trim() || form.get('reason')?.trim() || '').slice(0, 500) || null;
    const revision = Number(form.get('revision'));
    const back = decision === 'complete' ? '待制作' : '待审核';
    try {
      await decide(ctx, params.id!, { decision: decision as Decision, reason, ...(Number.isInteger(revision) && revision > 0 ? { revision } : {}), reviewer: 'review-page' });
    } catch (err) {
      if (!isServerFailure(err)) throw err;
      const notice: Notice = err.code === 'BAD_REQUEST' ? 'reason' : err.code === 'CONFLICT' ? 'changed' : 'failed';
      return redirect(res, `/review?status=${encodeURIComponent(back)}&notice=${notice}`);
    }
    redirect(res, `/review?status=${encodeURIComponent(back)}`);
  });

  // The admission photo a station sent with the order, opened from its sealed file for a logged-in
  // reviewer only (no station route, no receipt page, no admin JSON serves it), and never cached.
  router.add('GET', '/review/orders/:id/admission-photo', async ({ req, res, params }) => {
    if (!(await sessionOf(ctx, req))) throw new ServerFailure('UNAUTHENTICATED', { zh: '请先登录审核页面', en: 'Log in to the review page first' });
    const id = OrderIdParam.safeParse(params.id);
    if (!id.success) throw new ServerFailure('NOT_FOUND', { zh: '订单号无效', en: 'Invalid order id' });
    const photo = await readAdmission(ctx, id.data);
    if (!photo) throw new ServerFailure('NOT_FOUND', { zh: '此订单没有录取照片', en: 'This order has no admission photo' });
    res.writeHead(200, {
      'Content-Type': photo.contentType,
      'Content-Length': photo.bytes.length,
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'",
      'Referrer-Policy': 'no-referrer',
    });
    res.end(photo.bytes);
  });

  router.add('GET', '/review/photos/:sha', async ({ req, res, params }) => {
    if (!(await sessionOf(ctx, req))) throw new ServerFailure('UNAUTHENTICATED');
    const sha = Sha256Param.safeParse(params.sha);
    if (!sha.success) throw new ServerFailure('NOT_FOUND');
    await sendPhoto(ctx, res, sha.data);
  });
}
