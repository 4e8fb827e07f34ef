import type { z } from 'zod';
import { AUTH_SCHEME, ServerError } from '../shared/sync/protocol.js';
import { httpFailure, isNetworkFailure, networkError, SyncError } from './syncError.js';

export interface Credentials {
  serverUrl: string;
  deviceId: string;
  credential: string;
}

export interface ClientOptions {
  /** A request that has not completed by then is abandoned: a stalled server must not hold the queue. */
  timeoutMs: number;
}

export function authHeader(c: Credentials): string {
  return `${AUTH_SCHEME} ${c.deviceId}.${c.credential}`;
}

/**
 * JSON over HTTP to the central server. Every answer is parsed with the protocol's schema, so a
 * server (or a proxy) that answers garbage is a transient failure, never data in the store.
 */
export async function requestJson<S extends z.ZodType>(
  serverUrl: string,
  path: string,
  init: { method: 'GET' | 'POST' | 'PUT'; body?: unknown; auth?: string; schema: S; timeoutMs: number },
): Promise<z.infer<S>> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(new URL(path, serverUrl), {
      method: init.method,
      headers: {
        accept: 'application/json',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.auth ? { authorization: init.auth } : {}),
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    if (isNetworkFailure(err)) throw networkError(err);
    throw err;
  }
  if (!res.ok) {
    let parsed: ServerError | null = null;
    try {
      parsed = ServerError.parse(JSON.parse(text));
    } catch {
      // a proxy's HTML error page, or nothing: the status alone decides
    }
    throw httpFailure(res.status, parsed?.error.code ?? null, parsed?.error.zh ?? null, parsed?.error.en ?? null, res.headers.get('retry-after'));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SyncError('transient', '服务器返回了无法解析的内容', 'The server answered something that is not JSON', res.status);
  }
  const parsed = init.schema.safeParse(json);
  if (!parsed.success) throw new SyncError('transient', '服务器返回的数据格式不符', 'The server’s answer does not match the protocol', res.status);
  return parsed.data;
}
