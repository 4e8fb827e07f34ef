import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { ServerFailure } from './ServerFailure.js';

export const JSON_BODY_LIMIT = 1024 * 1024;
/** A body must arrive within this, however slowly it trickles (the socket idle timeout alone would
 * let a client send one byte every few seconds forever). The server sets it per request. */
export const BODY_DEADLINE_MS = 30_000;
export const bodyDeadlines = new WeakMap<IncomingMessage, number>();
/** After refusing an oversized body, read (and drop) at most this much more so the client sees
 * the 413 instead of a reset; past it the connection is cut. */
const DRAIN_LIMIT = 16 * 1024 * 1024;

function drainThenClose(req: IncomingMessage): void {
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT) req.socket.destroy();
  });
  req.resume();
}

/** Reads the whole body up to `limit` bytes; 413 beyond it, 400 if it stalls past the deadline. */
export function readBody(req: IncomingMessage, limit: number, deadlineMs = bodyDeadlines.get(req) ?? BODY_DEADLINE_MS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    const tooLarge = () =>
      new ServerFailure('TOO_LARGE', { zh: `请求内容超过 ${Math.round(limit / 1024)} KB 上限`, en: `The body exceeds the ${Math.round(limit / 1024)} KB limit` });
    if (Number.isFinite(declared) && declared > limit) {
      drainThenClose(req);
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const timer = setTimeout(() => {
      finish(new ServerFailure('BAD_REQUEST', { zh: '请求内容发送超时', en: 'The request body took too long to arrive' }));
      req.socket.destroy();
    }, deadlineMs);
    const finish = (err: ServerFailure | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish(tooLarge());
        drainThenClose(req);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish(null));
    req.once('error', () => finish(new ServerFailure('BAD_REQUEST', { zh: '请求连接中断', en: 'The request was cut off' })));
    req.once('aborted', () => finish(new ServerFailure('BAD_REQUEST', { zh: '请求连接中断', en: 'The request was cut off' })));
  });
}

export function zodDetails(error: z.ZodError): string[] {
  return error.issues.slice(0, 50).map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
}

/** Parses a value with a schema or throws 400 with one line per failing field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = '请求内容 / request body'): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new ServerFailure('BAD_REQUEST', { zh: `${what.split(' / ')[0]}不符合要求`, en: `The ${what.split(' / ')[1] ?? what} is invalid`, details: zodDetails(r.error) });
  }
  return r.data;
}

/** A JSON body, size-limited and schema-checked. */
export async function readJson<S extends z.ZodType>(req: IncomingMessage, schema: S, limit = JSON_BODY_LIMIT): Promise<z.infer<S>> {
  const body = await readBody(req, limit);
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ServerFailure('BAD_REQUEST', { zh: '请求内容不是有效的 JSON', en: 'The body is not valid JSON', details: [String((err as Error).message)] });
  }
  return parseWith(schema, value);
}

/** An HTML form post (application/x-www-form-urlencoded), small. */
export async function readForm(req: IncomingMessage, limit = 64 * 1024): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req, limit)).toString('utf8'));
}
