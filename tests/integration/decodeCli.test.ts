import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { qrPng } from '../../src/main/qr/qrWriter.js';
import type { DecodeReport } from '../../src/main/cli/decodeCommand.js';
import { tempApp } from '../helpers/tempApp.js';

/** The package's bin, as a site manager or another tool runs it. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/campus-capture.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let app: Awaited<ReturnType<typeof tempApp>>;
before(async () => {
  app = await tempApp({ demo: true });
});
after(() => app.close());

test('decode --json --task: per image the text, the kind and what the station would do; bad files are lines, not failures', async () => {
  const token = app.ctx.db.prepare(`SELECT token FROM reservations WHERE state = 'active' LIMIT 1`).pluck().get() as string;
  const good = join(app.dir, 'token.png');
  writeFileSync(good, await qrPng(token));
  const notImage = join(app.dir, 'notes.png');
  writeFileSync(notImage, 'this is not an image');
  const missing = join(app.dir, 'missing.png');

  const r = cli('decode', '--json', '--task', DEMO_TASK_CODE, '--data', app.dir, good, notImage, missing);
  assert.equal(r.code, 0, r.stderr);
  const { results } = JSON.parse(r.stdout) as { results: DecodeReport[] };
  assert.equal(results.length, 3);
  assert.deepEqual({ ...results[0], verification: results[0]!.verification?.kind }, { file: good, found: true, text: token, kind: 'reservation', verification: 'student', error: null });
  assert.equal(results[1]!.error?.code, 'BAD_INPUT');
  assert.ok(results[1]!.error!.zh && results[1]!.error!.en);
  assert.equal(results[2]!.error?.code, 'NOT_FOUND');

  // Without --task: what it is, no verdict.
  const plain = JSON.parse(cli('decode', '--json', good).stdout) as { results: DecodeReport[] };
  assert.equal(plain.results[0]!.kind, 'reservation');
  assert.equal(plain.results[0]!.verification, null);
});

test('decode: only usage errors exit non-zero, each with a message', () => {
  const none = cli('decode');
  assert.equal(none.code, 2);
  assert.match(none.stderr, /至少一个图片/);
  assert.equal(cli('decode', '--bogus', 'x.png').code, 2);
  const noTask = cli('decode', '--task', 'NOPE', '--data', app.dir, 'x.png');
  assert.notEqual(noTask.code, 0);
  assert.match(noTask.stderr, /NOPE/);
});

test('the demo QR codes written at start decode to what their names promise', async () => {
  const { writeDemoCodes } = await import('../../src/main/demo/demoCodes.js');
  const { readdirSync } = await import('node:fs');
  const dir = await writeDemoCodes(app.ctx);
  assert.ok(dir);
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 7);
  const r = cli('decode', '--json', '--task', DEMO_TASK_CODE, '--data', app.dir, ...files.map((f) => join(dir, f)));
  const outcome = (v: DecodeReport['verification']) => (v?.kind === 'refused' ? v.reason : v?.kind);
  const got = (JSON.parse(r.stdout) as { results: DecodeReport[] }).results.map((x) => outcome(x.verification));
  assert.deepEqual(got, ['student', 'student', 'cancelled', 'student', 'student', 'unmatched_xuexin', 'bad_signature']);
});
