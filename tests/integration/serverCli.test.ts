import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { DEMO_PUBLIC_KEY_B64 } from '../../src/shared/demo/demoIssuer.js';
import { DEMO_TASK_CODE } from '../../src/shared/demo/demoTask.js';
import { EnrolResponse, feedPage, PATHS, type FeedPage } from '../../src/shared/sync/protocol.js';
import { dropRunDatabase, freshStore, orderUpload, STORE_KINDS, stationClient } from '../helpers/serverStores.js';

after(() => dropRunDatabase());

const root = resolve(import.meta.dirname, '../..');

interface Listening {
  event: 'listening';
  url: string;
  adminTokenFile: string;
  enrolCode?: string;
}

/** `campus-capture server …` from source; resolves with its one JSON line once it listens. */
function startCli(args: string[]): Promise<{ child: ChildProcess; line: Listening; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/cli.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolveStart, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (text) => {
      try {
        resolveStart({ child, line: JSON.parse(text) as Listening, stderr: () => stderr });
      } catch (err) {
        reject(err);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${stderr}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));
}

for (const kind of STORE_KINDS) {
  describe(`campus-capture server command (${kind})`, () => {
    test('prints one JSON line; survives SIGKILL with everything kept; SIGTERM exits cleanly', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cc-server-cli-'));
      const store = await freshStore(kind);
      const storeArgs = store === 'sqlite' ? [] : ['--postgres', store.postgresUrl];
      try {
        const first = await startCli(['--data', dataDir, '--port', '0', '--demo', ...storeArgs]);
        assert.equal(first.line.event, 'listening');
        assert.match(first.line.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(first.line.adminTokenFile, join(dataDir, 'admin-token'));
        assert.equal(statSync(first.line.adminTokenFile).mode & 0o777, 0o600);
        assert.ok(first.line.enrolCode);
        assert.match(first.stderr(), /中心服务器已启动/);

        const enrol = await fetch(first.line.url + PATHS.enrol, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: first.line.enrolCode, stationId: 'demo-st', stationName: '演示采集站' }) });
        assert.equal(enrol.status, 201);
        const creds = EnrolResponse.parse(await enrol.json());
        const st = stationClient(first.line.url, creds, 'demo-st');
        const tasks = feedPage('tasks').parse((await st.get(PATHS.feed('tasks'))).body) as FeedPage<'tasks'>;
        assert.equal(tasks.items[0]?.code, DEMO_TASK_CODE);
        assert.equal(tasks.items[0]?.publicKey, DEMO_PUBLIC_KEY_B64, 'demo tokens already on phones stay valid');
        const roster = feedPage('roster').parse((await st.get(`${PATHS.feed('roster')}?limit=1000`)).body) as FeedPage<'roster'>;
        assert.equal(roster.items.length, 300);
        assert.equal(roster.items[0]!.id, `${DEMO_TASK_CODE}-S0001`);
        const stored = await st.put(PATHS.order('cli-order-1'), orderUpload(st, { id: 'cli-order-1', taskCode: DEMO_TASK_CODE, studentId: `${DEMO_TASK_CODE}-S0001` }));
        assert.equal(stored.status, 200);

        first.child.kill('SIGKILL');
        await exited(first.child);

        const second = await startCli(['--data', dataDir, '--port', '0', '--demo', ...storeArgs]);
        try {
          const again = stationClient(second.line.url, creds, 'demo-st');
          assert.equal((await again.get(PATHS.whoami)).status, 200, 'the credential survived');
          const dup = await again.put(PATHS.order('cli-order-1'), orderUpload(again, { id: 'cli-order-1', taskCode: DEMO_TASK_CODE, studentId: `${DEMO_TASK_CODE}-S0001` }));
          assert.equal((dup.body as { outcome: string }).outcome, 'duplicate', 'the order survived');
          const roster2 = feedPage('roster').parse((await again.get(`${PATHS.feed('roster')}?limit=1000`)).body);
          assert.equal(roster2.items.length, 300, 'the demo task was not seeded twice');
          assert.notEqual(second.line.enrolCode, first.line.enrolCode);
        } finally {
          second.child.kill('SIGTERM');
          assert.equal(await exited(second.child), 0);
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
