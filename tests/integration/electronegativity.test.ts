import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';

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
  const cli = require.resolve('@doyensec/electronegativity/dist/index.js');
  const work = mkdtempSync(join(tmpdir(), 'cc-eneg-'));
  try {
    const out = join(work, 'findings.csv');
    const args = [cli, '-i', join(root, 'src'), '-e', electronVersion, '-r', '-o', out];
    const isolated = spawnSync('unshare', ['-rn', 'true']).status === 0;
    const r = isolated ? spawnSync('unshare', ['-rn', process.execPath, ...args], { encoding: 'utf8' }) : spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, `electronegativity failed:\n${r.stdout}\n${r.stderr}`);
    const rows = parse(readFileSync(out, 'utf8'), { columns: true, trim: true, skip_empty_lines: true }) as Record<string, string>[];
    assert.ok(rows.length > 0, 'no findings at all: did it scan src/?');
    const findings = rows.map((row) => ({ check: row['issue']!, severity: row['severity']!, file: row['filename']!, where: row['location']!, sample: row['sample']! }));
    const config = JSON.parse(readFileSync(join(root, '.electronegativity.json'), 'utf8')) as { accepted: Accepted[] };
    for (const a of config.accepted) assert.ok(a.why.length > 40, `${a.check} in ${a.file}: the reason is missing`);
    const serious = findings.filter((f) => SERIOUS.has(f.severity));
    const unexplained = serious.filter((f) => !config.accepted.some((a) => a.check === f.check && a.file === f.file));
    assert.deepEqual(unexplained, [], 'findings of medium severity or above with no reason in .electronegativity.json');
    const stale = config.accepted.filter((a) => !serious.some((f) => f.check === a.check && f.file === a.file));
    assert.deepEqual(stale, [], 'accepted findings that electronegativity no longer reports: remove them');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
