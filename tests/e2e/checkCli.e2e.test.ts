import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { PORTRAIT_DIR } from '../../bench/finish/portraitFixtures.js';
import type { CheckReport } from '../../src/main/cli/checkCommand.js';
import { CHECK_IDS, FINISH_CHECK_IDS } from '../../src/shared/spec/specProfile.js';
import { tempDir } from '../helpers/tempApp.js';

const tmp = tempDir();
after(() => tmp.cleanup());

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/campus-capture.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('check --json --out: every check per photo, finished photos written, a bad file is a line of the report', { timeout: 180_000 }, async () => {
  const notImage = join(tmp.dir, 'notes.jpg');
  writeFileSync(notImage, 'not a photo');
  const out = join(tmp.dir, 'out');
  const photo = join(PORTRAIT_DIR, 'portrait-b.jpg');
  const r = cli('check', photo, notImage, '--json', '--out', out, '--spec', 'print-2cun');
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { spec: string; results: CheckReport[] };
  assert.equal(report.spec, 'print-2cun');
  const [good, bad] = report.results;
  assert.deepEqual(good!.verdict!.checks.map((c) => c.id), [...CHECK_IDS, ...FINISH_CHECK_IDS]);
  for (const c of good!.verdict!.checks) assert.ok(c.zh && c.en && (c.value === null || Number.isFinite(c.value)), c.id);
  const meta = await sharp(good!.finished!).metadata();
  assert.deepEqual([meta.width, meta.height, meta.density], [413, 579, 300]);
  assert.equal(bad!.verdict, null);
  assert.ok(bad!.error && ['BAD_INPUT', 'FILE_TOO_LARGE'].includes(bad!.error.code) && bad!.error.zh && bad!.error.en);
});

test('check: usage errors exit 2 with a message', () => {
  assert.equal(cli('check').code, 2);
  const spec = cli('check', 'x.jpg', '--spec', 'nope');
  assert.equal(spec.code, 2);
  assert.match(spec.stderr, /xuexin/);
});
