import type { IncomingMessage } from 'node:http';
import { createHmac } from 'node:crypto';
import { secretsEqual } from '../security/secrets.js';

/**
 * The reviewer's browser session: after logging in with the admin token the browser holds
 * `cc_review=<expiry>.<HMAC(admin token, expiry)>`, HttpOnly and SameSite=Strict. Nothing is kept
 * server-side, so it survives a restart and works across instances; a new admin token ends every
 * session. Each form also carries a CSRF token derived from the cookie.
 */
export const COOKIE = 'cc_review';
export const SESSION_HOURS = 12;

function mac(adminToken: string, text: string): string {
  return createHmac('sha256', adminToken).update(text).digest('base64url');
}

export function newSessionCookie(adminToken: string, now: Date): { value: string; header: string } {
  const exp = Math.floor(now.getTime() / 1000) + SESSION_HOURS * 3600;
  const value = `${exp}.${mac(adminToken, `review:${exp}`)}`;
  return { value, header: `${COOKIE}=${value}; Path=/review; HttpOnly; SameSite=Strict; Max-Age=${SESSION_HOURS * 3600}` };
}

export const CLEAR_COOKIE = `${COOKIE}=; Path=/review; HttpOnly; SameSite=Strict; Max-Age=0`;

export function sessionOf(req: IncomingMessage, adminToken: string, now: Date): string | null {
  const cookies = (req.headers.cookie ?? '').split(';').map((c) => c.trim());
  const raw = cookies.find((c) => c.startsWith(`${COOKIE}=`))?.slice(COOKIE.length + 1);
  if (!raw) return null;
  const [exp, sig] = raw.split('.');
  if (!exp || !sig || !/^\d{1,12}$/.test(exp) || Number(exp) * 1000 < now.getTime()) return null;
  return secretsEqual(sig, mac(adminToken, `review:${exp}`)) ? raw : null;
}

export function csrfToken(adminToken: string, session: string): string {
  return mac(adminToken, `csrf:${session}`);
}

export function csrfOk(adminToken: string, session: string, token: string | null): boolean {
  return token !== null && secretsEqual(token, csrfToken(adminToken, session));
}
