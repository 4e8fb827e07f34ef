import type { ServerErrorCode } from '../shared/sync/protocol.js';

/**
 * How the engine reacts to a failure:
 * - transient: retry this job later with backoff (network gone, timeout, 5xx, a cut upload);
 * - throttled: the server asked us to slow down (429): pause the whole queue for retryAfterMs;
 * - halt: nothing can succeed until a person acts (not enrolled, credential refused, station revoked):
 *   pause the queue and say why, but park nothing;
 * - permanent: this job can never succeed as it is (schema refused, too large, conflict): park it.
 */
export type FailureKind = 'transient' | 'throttled' | 'halt' | 'permanent';

export class SyncError extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly zh: string,
    readonly en: string,
    readonly status: number | null = null,
    readonly code: ServerErrorCode | null = null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(en);
  }
  get text(): string {
    return `${this.zh} / ${this.en}`;
  }
}

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/** A failure below HTTP (no answer at all): always worth another try. */
export function isNetworkFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const name = (e as { name?: unknown }).name;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (name === 'AbortError' || name === 'TimeoutError') return true;
    const msg = String((e as { message?: unknown }).message ?? '');
    if (/fetch failed|socket hang up|other side closed|terminated|premature close|aborted/i.test(msg)) return true;
  }
  return false;
}

export function networkError(err: unknown): SyncError {
  const detail = String((err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code ?? (err as Error).message ?? err);
  return new SyncError('transient', `无法连接中心服务器（${detail}）`, `Cannot reach the central server (${detail})`);
}

/** Maps an HTTP answer that is not 2xx to what the engine does about it. */
export function httpFailure(status: number, code: ServerErrorCode | null, zh: string | null, en: string | null, retryAfter: string | null): SyncError {
  const words = (z: string, e: string) => [zh ?? z, en ?? e] as const;
  if (status === 429) {
    const secs = Number(retryAfter);
    return new SyncError('throttled', ...words('服务器繁忙，稍后重试', 'Server busy; will retry'), status, code, Number.isFinite(secs) && secs > 0 ? secs * 1000 : 30_000);
  }
  // A "success" the protocol cannot use (no Location, no offset: a captive portal, a proxy's page)
  // is the network misbehaving, not a verdict on this job.
  if (status < 400) return new SyncError('transient', ...words(`服务器的回答不符合协议（${status}）`, `The server’s answer does not follow the protocol (${status})`), status, code);
  if (status >= 500 || status === 408) return new SyncError('transient', ...words(`服务器错误 ${status}`, `Server error ${status}`), status, code);
  if (code === 'REVOKED') return new SyncError('halt', ...words('本站已被服务器停用', 'This station was revoked by the server'), status, code);
  if (status === 401) return new SyncError('halt', ...words('服务器不认可本站凭据，请重新登记', 'The server does not accept this station’s credential; enrol again'), status, code);
  if (code === 'PHOTO_HASH_MISMATCH') return new SyncError('transient', ...words('照片传输损坏，将重新上传', 'The photo arrived damaged; uploading again'), status, code);
  return new SyncError('permanent', ...words(`服务器拒绝（${status}）`, `Refused by the server (${status})`), status, code);
}
