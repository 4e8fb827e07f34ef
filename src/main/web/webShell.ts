import { randomBytes, timingSafeEqual } from 'node:crypto';
import { STUDENT_DISPLAY_EVENTS } from '../../shared/studentView.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { RequestMessage, RPC_PATH, WS_PROTOCOL_PREFIX, type ServerMessage } from '../../shared/rpc/wire.js';
import { AppError } from '../../shared/errors.js';
import { createLogger } from '../log/logger.js';
import type { Dispatch } from '../rpc/router.js';
import type { EventSink, Session } from '../services/AppContext.js';
import { serveStatic } from './staticFiles.js';
import { dropMediaSession, handleMediaRequest, isMediaPath, readBounded } from './stillMedia.js';

const log = createLogger('web-shell');

export interface WebShellOptions {
  port: number;
  rendererDir: string;
  dispatch: Dispatch;
  subscribe(sink: EventSink): () => void;
  /** Tests pass a known secret; a launch makes a fresh one. */
  secret?: string;
}

export interface WebShell {
  url: string;
  /** The URL to open: the secret rides in the fragment, which browsers never send to a server. */
  launchUrl: string;
  port: number;
  secret: string;
  close(): Promise<void>;
}

/** 32 MB: the largest legitimate message is a roster upload (20 MB file as base64). */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

function secretMatches(offered: string, secret: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function offeredSecret(req: IncomingMessage): string | undefined {
  const header = req.headers['sec-websocket-protocol'];
  if (!header) return undefined;
  const p = header.split(',').map((s) => s.trim()).find((s) => s.startsWith(WS_PROTOCOL_PREFIX));
  return p?.slice(WS_PROTOCOL_PREFIX.length);
}

function refuse(socket: Duplex, status: 400 | 401 | 403 | 404, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * The kiosk without Electron: the built renderer over HTTP and the RPC router over a WebSocket,
 * both on 127.0.0.1 only. A page from any other origin, or a client without this launch's secret,
 * is refused before the socket opens; a Host header that is not loopback is refused outright
 * (DNS rebinding).
 */
export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const secret = opts.secret ?? randomBytes(32).toString('hex');
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const server: Server = createServer((req, res) => {
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(403).end();
      return;
    }
    if (isMediaPath(req.url ?? '/')) return void serveMedia(req, res);
    serveStatic(opts.rendererDir, req, res);
  });

  /** Stills by URL (stillMedia.ts): a page from another origin is refused before the key is looked at. */
  async function serveMedia(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts().has(origin.replace(/^http:\/\//, ''))) {
      res.writeHead(403, { 'Cache-Control': 'no-store' }).end();
      return;
    }
    const length = req.headers['content-length'];
    const r = await handleMediaRequest({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      authorization: req.headers.authorization,
      contentLength: length === undefined ? undefined : Number(length),
      contentType: req.headers['content-type'],
      body: (limit) => readBounded(req, limit),
    });
    // A refused upload is answered without reading the rest of its body: the socket closes after.
    if (r.status >= 400 && !req.readableEnded) res.setHeader('Connection', 'close');
    res.writeHead(r.status, { ...r.headers, 'Cross-Origin-Resource-Policy': 'same-origin' }).end(r.body);
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => [...protocols].find((p) => p.startsWith(WS_PROTOCOL_PREFIX)) ?? false,
  });
  // Each socket with its session: events go only to sockets an operator is logged in on.
  const sockets = new Map<WebSocket, Session>();

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== RPC_PATH) return refuse(socket, 404, 'Not Found');
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(socket, 403, 'Forbidden');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts().has(origin.replace(/^http:\/\//, ''))) return refuse(socket, 403, 'Forbidden');
    const offered = offeredSecret(req);
    if (!offered || !secretMatches(offered, secret)) {
      log.warn('websocket refused: missing or wrong secret');
      return refuse(socket, 401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  function send(ws: WebSocket, msg: ServerMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  }

  function onConnection(ws: WebSocket): void {
    const session: Session = { operator: null, transport: 'websocket' };
    sockets.set(ws, session);
    ws.on('close', () => {
      sockets.delete(ws);
      dropMediaSession(session);
    });
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let parsed: RequestMessage;
        try {
          if (isBinary) throw new Error('binary');
          const r = RequestMessage.safeParse(JSON.parse(data.toString()));
          if (!r.success) throw new Error('shape');
          parsed = r.data;
        } catch {
          // Without a valid id there is nobody to answer; say so on id -1 so a client can log it.
          send(ws, { type: 'result', id: -1, result: { ok: false, error: new AppError('BAD_INPUT', { details: ['message is not a call envelope'] }).toPayload() } });
          return;
        }
        const result = await opts.dispatch(parsed.name, parsed.input, session);
        send(ws, { type: 'result', id: parsed.id, result });
      })();
    });
  }

  const unsubscribe = opts.subscribe((name, payload) => {
    // A student's screen gets what it shows, and nothing else, with nobody logged in on it.
    for (const [ws, session] of sockets) if (session.operator || (session.studentDisplay && STUDENT_DISPLAY_EVENTS.includes(name))) send(ws, { type: 'event', name, payload });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;
  log.info('web shell listening', { port });

  return {
    url,
    launchUrl: `${url}#secret=${secret}`,
    port,
    secret,
    async close() {
      unsubscribe();
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
