import type { IncomingMessage } from 'node:http';
import { createHmac } from 'node:crypto';
import { deleteEndedReviewSessions, getReviewSession, insertReviewSession, revokeReviewSession, touchReviewSession } from '../db/reviewSessions.js';
import { randomToken, secretsEqual, sha256Hex } from '../security/secrets.js';
import type { ServerContext } from '../ServerContext.js';

/**
 * The reviewer's browser session: after logging in with the admin token the browser holds
 * `cc_review=<random id>`, HttpOnly, SameSite=Strict, and Secure whenever the request came over TLS.
 * The server keeps the id's hash, so logging out ends the session for good (not only in that
 * browser), a session unused for IDLE_MINUTES ends, and a new admin token ends every session.
 * Each form also carries a CSRF token derived from the session.
 */
export const COOKIE = 'cc_review';
export const SESSION_HOURS = 12;
export const IDLE_MINUTES = 30;
/** last_seen_at is written at most this often, not on every page. */
const TOUCH_EVERY_MS = 60_000;

function mac(adminToken: string, text: string): string {
  return createHmac('sha256', adminToken).update(text).digest('base64url');
}

const adminFingerprint = (adminToken: string) => sha256Hex(`review-session:${adminToken}`);

/** Who is asking: the address that counts for rate limits, and whether the request came over TLS. */
export interface ClientInfo {
  address: string;
  secure: boolean;
}

/**
 * The client's address and transport. Behind a reverse proxy the socket's peer is the proxy: only a
 * proxy named in `trustedProxies` is believed about the client (the right-most X-Forwarded-For hop
 * it added) and about TLS (X-Forwarded-Proto); anyone else's forwarding headers are ignored.
 */
export function clientOf(req: IncomingMessage, trustedProxies: readonly string[]): ClientInfo {
  const peer = normaliseAddress(req.socket.remoteAddress ?? '');
  const tls = Boolean((req.socket as { encrypted?: boolean }).encrypted);
  if (!trustedProxies.includes(peer)) return { address: peer, secure: tls };
  const hops = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((h) => normaliseAddress(h.trim()))
    .filter(Boolean);
  const client = [...hops].reverse().find((h) => !trustedProxies.includes(h)) ?? peer;
  const proto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim().toLowerCase();
  return { address: client, secure: tls || proto === 'https' };
}

function normaliseAddress(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

function cookieHeader(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${COOKIE}=${value}; Path=/review; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function clearCookie(secure: boolean): string {
  return cookieHeader('', 0, secure);
}

export async function openSession(ctx: ServerContext, client: ClientInfo): Promise<{ header: string }> {
  const id = randomToken(32);
  const now = ctx.now();
  await deleteEndedReviewSessions(ctx.tx, now.toISOString());
  await insertReviewSession(ctx.tx, {
    id_hash: sha256Hex(id),
    admin_fp: adminFingerprint(ctx.adminToken),
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString(),
    revoked_at: null,
  });
  return { header: cookieHeader(id, SESSION_HOURS * 3600, client.secure) };
}

function cookieValue(req: IncomingMessage): string | null {
  const cookies = (req.headers.cookie ?? '').split(';').map((c) => c.trim());
  const raw = cookies.find((c) => c.startsWith(`${COOKIE}=`))?.slice(COOKIE.length + 1);
  return raw && /^[A-Za-z0-9_-]{20,128}$/.test(raw) ? raw : null;
}

/** The live session this request carries (its id), or null: unknown, logged out, idle too long, past its end, or of an old admin token. */
export async function sessionOf(ctx: ServerContext, req: IncomingMessage): Promise<string | null> {
  const id = cookieValue(req);
  if (!id) return null;
  const row = await getReviewSession(ctx.tx, sha256Hex(id));
  const now = ctx.now();
  if (!row || row.revoked_at || !secretsEqual(row.admin_fp, adminFingerprint(ctx.adminToken))) return null;
  if (new Date(row.expires_at) <= now) return null;
  const lastSeen = new Date(row.last_seen_at).getTime();
  if (now.getTime() - lastSeen > IDLE_MINUTES * 60_000) return null;
  if (now.getTime() - lastSeen > TOUCH_EVERY_MS) await touchReviewSession(ctx.tx, row.id_hash, now.toISOString());
  return id;
}

export async function closeSession(ctx: ServerContext, session: string): Promise<void> {
  await revokeReviewSession(ctx.tx, sha256Hex(session), ctx.now().toISOString());
}

export function csrfToken(adminToken: string, session: string): string {
  return mac(adminToken, `csrf:${session}`);
}

export function csrfOk(adminToken: string, session: string, token: string | null): boolean {
  return token !== null && secretsEqual(token, csrfToken(adminToken, session));
}
