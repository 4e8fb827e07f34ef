import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

/**
 * @doyensec/electronegativity over src/: every finding of MEDIUM severity or above must be
 * accepted, with its reason, in .electronegativity.json, and every accepted entry must still match
 * a finding (a fixed finding takes its excuse with it). Run without network when the machine
 * allows (its optional look-up of Electron's release notes then fails quietly, as offline).
 */
const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const SERIOUS = new Set(['MEDIUM', 'HIGH', 'CRITICAL']);

interface Accepted {
  check: string;
  file: string;
  why: string;
}

test('electronegativity finds nothing of medium severity or above that .electronegativity.json does not justify', () => {
  const electronVersion = (require('electron/package.json') as { version: string }).version;
  // Its programmatic runner, not the CLI: the CLI's CSV writer writes the header and the rows with
  // two unordered async writes, which now and then truncates the report.
  const runner = require.resolve('@doyensec/electronegativity/dist/runner.js');
  const script = `require(${JSON.stringify(runner)})({ input: ${JSON.stringify(join(root, 'src'))}, isRelative: true, isVerbose: false, isSarif: false, electronVersionOverride: ${JSON.stringify(electronVersion)}, parserPlugins: [] })
    .then((r) => console.log('ISSUES ' + JSON.stringify({ errors: r.errors.length, issues: r.issues.map((i) => ({ check: i.id, severity: i.severity.name, file: i.file, line: i.location.line })) })))`;
  const isolated = spawnSync('unshare', ['-rn', 'true']).status === 0;
  const r = isolated ? spawnSync('unshare', ['-rn', process.execPath, '-e', script], { encoding: 'utf8' }) : spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, `electronegativity failed:\n${r.stdout}\n${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('ISSUES '));
  assert.ok(line, `no report from electronegativity:\n${r.stdout}\n${r.stderr}`);
  const report = JSON.parse(line.slice('ISSUES '.length)) as { errors: number; issues: { check: string; severity: string; file: string; line: number }[] };
  assert.equal(report.errors, 0, 'electronegativity could not parse some files of src/');
  assert.ok(report.issues.length > 0, 'no findings at all: did it scan src/?');
  const config = JSON.parse(readFileSync(join(root, '.electronegativity.json'), 'utf8')) as { accepted: Accepted[] };
  for (const a of config.accepted) assert.ok(a.why.length > 40, `${a.check} in ${a.file}: the reason is missing`);
  const serious = report.issues.filter((f) => SERIOUS.has(f.severity));
  const unexplained = serious.filter((f) => !config.accepted.some((a) => a.check === f.check && a.file === f.file));
  assert.deepEqual(unexplained, [], 'findings of medium severity or above with no reason in .electronegativity.json');
  const stale = config.accepted.filter((a) => !serious.some((f) => f.check === a.check && f.file === a.file));
  assert.deepEqual(stale, [], 'accepted findings that electronegativity no longer reports: remove them');
});
