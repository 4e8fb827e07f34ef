import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { startWebShell, type WebShell } from '../../src/main/web/webShell.js';
import { WS_PROTOCOL_PREFIX, ServerMessage } from '../../src/shared/rpc/wire.js';
import { HEADER_CSP } from '../../src/shared/contentSecurityPolicy.js';
import { tempApp } from '../helpers/tempApp.js';

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the HTTP status the server refused the upgrade with, or 101 when it opened. */
function upgradeStatus(url: string, protocols: string[], origin?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, origin ? { origin } : {});
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

class Client {
  private nextId = 1;
  readonly messages: ServerMessage[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.messages.push(ServerMessage.parse(JSON.parse(d.toString()))));
  }
  static open(shell: WebShell): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/rpc`, [WS_PROTOCOL_PREFIX + shell.secret], { origin: `http://127.0.0.1:${shell.port}` });
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
  }
  async waitFor(pred: (m: ServerMessage) => boolean): Promise<ServerMessage> {
    for (let i = 0; i < 200; i++) {
      const m = this.messages.find(pred);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no such message');
  }
  async call(name: string, input: unknown) {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ type: 'call', id, name, input }));
    const m = await this.waitFor((x) => x.type === 'result' && x.id === id);
    return m.type === 'result' ? m.result : assert.fail('not a result');
  }
}

describe('web shell: static renderer and the RPC WebSocket on loopback', () => {
  let app: Awaited<ReturnType<typeof tempApp>>;
  let shell: WebShell;
  before(async () => {
    app = await tempApp({ demo: true });
    const rendererDir = join(app.dir, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>cc</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(app.dir, 'secret.txt'), 'outside the renderer');
    shell = await startWebShell({ port: 0, rendererDir, dispatch: app.dispatch, subscribe: app.ctx.subscribe });
  });
  after(async () => {
    await shell.close();
    await app.close();
  });

  test('binds to 127.0.0.1, serves the renderer with a strict CSP, and refuses foreign Host headers', async () => {
    assert.match(shell.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.match(shell.launchUrl, /#secret=[0-9a-f]{64}$/);
    const index = await get(shell.port, '/');
    assert.equal(index.status, 200);
    assert.equal(index.headers['content-security-policy'], HEADER_CSP);
    assert.match(HEADER_CSP, /default-src 'self'/);
    assert.equal((await get(shell.port, '/assets/app.js')).headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal((await get(shell.port, '/some/screen')).status, 200, 'client-side routes fall back to index.html');
    assert.equal((await get(shell.port, '/missing.js')).status, 404);
    assert.equal((await get(shell.port, '/', { host: 'evil.example' })).status, 403);
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt']) {
      const r = await get(shell.port, p);
      assert.ok(r.body !== 'outside the renderer', `path traversal via ${p}`);
    }
  });

  test('a WebSocket without the launch secret, with a wrong one, or from another origin is refused', async () => {
    const url = `ws://127.0.0.1:${shell.port}/rpc`;
    const origin = `http://127.0.0.1:${shell.port}`;
    assert.equal(await upgradeStatus(url, [], origin), 401);
    assert.equal(await upgradeStatus(url, [WS_PROTOCOL_PREFIX + 'f'.repeat(64)], origin), 401);
    assert.equal(await upgradeStatus(url, [WS_PROTOCOL_PREFIX + shell.secret.slice(1)], origin), 401);
    assert.equal(await upgradeStatus(url, [WS_PROTOCOL_PREFIX + shell.secret], 'http://evil.example'), 403);
    assert.equal(await upgradeStatus(`ws://127.0.0.1:${shell.port}/other`, [WS_PROTOCOL_PREFIX + shell.secret], origin), 404);
    assert.equal(await upgradeStatus(url, [WS_PROTOCOL_PREFIX + shell.secret], origin), 101);
    // A non-browser client sends no Origin: then the secret alone decides.
    assert.equal(await upgradeStatus(url, []), 401);
    assert.equal(await upgradeStatus(url, [WS_PROTOCOL_PREFIX + shell.secret]), 101);
  });

  test('calls, typed errors for garbage, and events over the socket; sessions are per connection', async () => {
    const a = await Client.open(shell);
    const b = await Client.open(shell);
    const info = await a.call('app.info', {});
    assert.ok(info.ok && (info.value as { transport: string }).transport === 'websocket');
    a.ws.send('this is not json');
    const garbage = await a.waitFor((m) => m.type === 'result' && m.id === -1);
    assert.ok(garbage.type === 'result' && !garbage.result.ok && garbage.result.error.code === 'BAD_INPUT');
    const bad = await a.call('students.search', { taskCode: 5 });
    assert.ok(!bad.ok && bad.error.code === 'UNAUTHENTICATED');
    assert.ok((await a.call('auth.login', { pin: '1234' })).ok);
    const badAfterLogin = await a.call('students.search', { taskCode: 5 });
    assert.ok(!badAfterLogin.ok && badAfterLogin.error.code === 'BAD_INPUT');
    // b never logged in: a's login does not leak into it, and b hears no events.
    const bTasks = await b.call('tasks.list', {});
    assert.ok(!bTasks.ok && bTasks.error.code === 'UNAUTHENTICATED');
    const c = await Client.open(shell);
    assert.ok((await c.call('auth.login', { pin: '9999' })).ok);
    const studentId = (app.ctx.db.prepare('SELECT id FROM students LIMIT 1 OFFSET 42').get() as { id: string }).id;
    const checkin = await a.call('checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId });
    assert.ok(checkin.ok);
    const event = await c.waitFor((m) => m.type === 'event');
    assert.ok(event.type === 'event' && event.name === 'orders.changed');
    await a.waitFor((m) => m.type === 'event');
    assert.equal((await b.call('app.info', {})).ok, true, 'b is still connected');
    assert.equal(b.messages.some((m) => m.type === 'event'), false);
    for (const x of [a, b, c]) x.ws.close();
  });
});
