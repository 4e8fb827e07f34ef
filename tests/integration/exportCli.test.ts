import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ExportCommandJson } from '../../src/main/cli/exportCommand.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { DAY_TEXT, seedKnownDay, type SeededDay } from './reportFixtures.js';

/** The package's bin, as a site manager or a school's script runs it (beside the running station). */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/campus-capture.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let day: SeededDay;
before(async () => {
  day = await seedKnownDay();
});
after(() => day?.app.close());

test('export --json: the same export as the screen, its JSON stable, audited as made by the command line', () => {
  const out = join(day.app.dir, 'cli-out');
  mkdirSync(out);
  const r = cli('export', '--task', DEMO_TASK_CODE, '--date', DAY_TEXT, '--out', out, '--template', '{学号}', '--folders', 'class', '--data', day.app.dir, '--json', '--reason', '脚本导出');
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const json = JSON.parse(r.stdout) as ExportCommandJson;
  assert.ok(json.ok);
  if (!json.ok) return;
  // Fields other tools read (add, never rename).
  for (const key of ['exportId', 'taskCode', 'from', 'to', 'template', 'folders', 'folder', 'zip', 'zipSha256', 'students', 'photos', 'originals', 'noShows', 'notCaptured', 'retakesPending', 'files', 'bytes', 'verified', 'problems', 'startedAt', 'finishedAt']) {
    assert.ok(key in json, key);
  }
  assert.equal(json.photos, 4);
  assert.equal(json.template, '{学号}.jpg');
  assert.equal(json.verified, true);
  assert.ok(json.zip && readdirSync(out).includes(json.zip.split('/').pop()!));
  const csv = readFileSync(join(json.folder, 'manifest.csv'), 'utf8');
  assert.match(csv, /photos\/[^/,]+班\/\d+\.jpg/, 'per-class folders');
  const audit = day.app.ctx.db.prepare(`SELECT operator_id, detail, reason FROM audit_log WHERE action = 'export.run'`).all() as { operator_id: string | null; detail: string; reason: string }[];
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.operator_id, null);
  assert.equal(JSON.parse(audit[0]!.detail).via, 'cli');
  assert.equal(audit[0]!.reason, '脚本导出');
});

test('export: usage errors exit 2; an export that cannot run exits 1 with a typed error', () => {
  const missingOut = cli('export', '--task', DEMO_TASK_CODE, '--date', DAY_TEXT, '--data', day.app.dir);
  assert.equal(missingOut.code, 2);
  assert.match(missingOut.stderr, /--out/);
  const badTemplate = cli('export', '--task', DEMO_TASK_CODE, '--date', DAY_TEXT, '--out', day.app.dir, '--template', '{生日}', '--data', day.app.dir);
  assert.equal(badTemplate.code, 2);
  assert.match(badTemplate.stderr, /生日/);
  const both = cli('export', '--task', DEMO_TASK_CODE, '--date', DAY_TEXT, '--from', DAY_TEXT, '--out', day.app.dir, '--data', day.app.dir);
  assert.equal(both.code, 2);
  const backwards = cli('export', '--task', DEMO_TASK_CODE, '--from', '2026-06-11', '--to', DAY_TEXT, '--out', day.app.dir, '--data', day.app.dir);
  assert.equal(backwards.code, 2);

  const gone = cli('export', '--task', DEMO_TASK_CODE, '--date', DAY_TEXT, '--out', join(day.app.dir, 'no-such-drive'), '--data', day.app.dir, '--json');
  assert.equal(gone.code, 1);
  const json = JSON.parse(gone.stdout) as ExportCommandJson;
  assert.ok(!json.ok && json.error.code === 'NOT_FOUND' && json.error.zh && json.error.en);
  const noTask = cli('export', '--task', 'NOPE', '--date', DAY_TEXT, '--out', day.app.dir, '--data', day.app.dir);
  assert.equal(noTask.code, 1);
  assert.match(noTask.stderr, /NOPE/);
});
