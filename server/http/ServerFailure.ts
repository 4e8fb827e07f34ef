import type { ServerError, ServerErrorCode } from '../../src/shared/sync/protocol.js';

/** Default words and HTTP status per protocol error code; a throw site may give more precise words. */
const DEFAULTS: Record<ServerErrorCode, { status: number; zh: string; en: string }> = {
  BAD_REQUEST: { status: 400, zh: '请求内容无效', en: 'The request is invalid' },
  UNAUTHENTICATED: { status: 401, zh: '未认证：请先登记本采集站', en: 'Not authenticated: enrol this station first' },
  // 401: a revoked credential is no credential (the station stops and says why, by the code).
  REVOKED: { status: 401, zh: '本采集站已被管理员停用', en: 'This station was revoked by the server admin' },
  ENROL_CODE_INVALID: { status: 400, zh: '登记码无效、已使用或已过期', en: 'The enrolment code is unknown, used or expired' },
  NOT_FOUND: { status: 404, zh: '未找到', en: 'Not found' },
  TOO_LARGE: { status: 413, zh: '请求内容过大', en: 'The request is too large' },
  UNKNOWN_TASK: { status: 404, zh: '服务器上没有这个采集任务', en: 'The server has no such task' },
  PHOTO_HASH_MISMATCH: { status: 422, zh: '照片内容与声明的 SHA-256 不符，已丢弃', en: 'The photo bytes do not match the named SHA-256; discarded' },
  FORBIDDEN: { status: 403, zh: '本采集站无权进行此操作', en: 'This station may not do that' },
  CONFLICT: { status: 409, zh: '请求与服务器上的数据冲突', en: 'The request conflicts with the server state' },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests; retry later' },
  INTERNAL: { status: 500, zh: '服务器内部错误，已记录日志', en: 'Internal server error; it has been logged' },
};

/** An error that becomes the protocol's ServerError JSON with a fitting HTTP status. */
export class ServerFailure extends Error {
  readonly code: ServerErrorCode;
  readonly status: number;
  readonly zh: string;
  readonly en: string;
  readonly details: string[] | undefined;

  constructor(code: ServerErrorCode, opts: { zh?: string; en?: string; details?: string[]; status?: number } = {}) {
    const d = DEFAULTS[code];
    super(`${code}: ${opts.en ?? d.en}`);
    this.name = 'ServerFailure';
    this.code = code;
    this.status = opts.status ?? d.status;
    this.zh = opts.zh ?? d.zh;
    this.en = opts.en ?? d.en;
    this.details = opts.details;
  }

  toBody(): ServerError {
    return { error: { code: this.code, zh: this.zh, en: this.en, ...(this.details ? { details: this.details } : {}) } };
  }
}

export function isServerFailure(err: unknown): err is ServerFailure {
  return err instanceof ServerFailure;
}
