import assert from 'node:assert/strict';
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CheckReport } from '../../src/main/cli/checkCommand.js';
import type { DecodeReport } from '../../src/main/cli/decodeCommand.js';
import type { MatchReport } from '../../src/main/cli/matchCommand.js';
import { qrPng } from '../../src/main/qr/qrWriter.js';

const isRoot = process.getuid?.() === 0;

/** The package's bin as a school's script runs it. As root, it runs as `nobody`, so that a file
 * without read permission is really unreadable (root reads anything). A FIFO that was opened would
 * block it until the timeout, which fails the test. */
function cli(...args: string[]) {
  const opts: SpawnSyncOptions = { encoding: 'utf8', timeout: 60_000, ...(isRoot ? { uid: 65534, gid: 65534 } : {}) };
  const r = spawnSync(process.execPath, ['bin/campus-capture.js', ...args], opts);
  return { code: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

let dir: string;
const f: Record<string, string> = {};
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cc-cli-files-'));
  chmodSync(dir, 0o755);
  f.good = join(dir, 'good.png');
  writeFileSync(f.good, await qrPng('CC-CLI-FILE-ERRORS'));
  f.notImage = join(dir, 'notes.jpg');
  writeFileSync(f.notImage, 'not an image at all');
  // 3 GB that takes no disk: refused by its size, never read (reading it would take the run's time).
  f.huge = join(dir, 'huge.jpg');
  execFileSync('truncate', ['-s', '3G', f.huge]);
  f.loop = join(dir, 'loop-a.jpg');
  symlinkSync(join(dir, 'loop-b.jpg'), f.loop);
  symlinkSync(f.loop, join(dir, 'loop-b.jpg'));
  f.folder = join(dir, 'folder.jpg');
  mkdirSync(f.folder);
  f.fifo = join(dir, 'pipe.jpg');
  execFileSync('mkfifo', [f.fifo]);
  f.device = '/dev/zero';
  f.missing = join(dir, 'missing.jpg');
  f.locked = join(dir, 'locked.png');
  writeFileSync(f.locked, await qrPng('locked'));
  chmodSync(f.locked, 0o000);
  for (const p of [f.good, f.notImage]) chmodSync(p, 0o644);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const EXPECTED: [string, string, RegExp][] = [
  ['huge', 'FILE_TOO_LARGE', /3072 MB, over the 25 MB limit; not read/],
  ['loop', 'BAD_INPUT', /symbolic link loop/],
  ['folder', 'BAD_INPUT', /A folder, not a file/],
  ['fifo', 'BAD_INPUT', /Not a regular file \(a pipe\)/],
  ['device', 'BAD_INPUT', /Not a regular file \(a device\)/],
  ['missing', 'NOT_FOUND', /No such file/],
  ['locked', 'FORBIDDEN', /Permission denied/],
];

describe('one bad file never aborts a CLI batch', () => {
  test('decode: every filesystem error is one line of the report, the other files are decoded, exit 0', () => {
    const names = ['huge', 'good', 'loop', 'folder', 'fifo', 'device', 'missing', 'locked', 'notImage'];
    const r = cli('decode', '--json', ...names.map((n) => f[n]!));
    assert.equal(r.code, 0, `${r.signal ?? ''} ${r.stderr}`);
    const { results } = JSON.parse(r.stdout) as { results: DecodeReport[] };
    assert.deepEqual(
      results.map((x) => x.file),
      names.map((n) => f[n]),
    );
    const by = new Map(names.map((n, i) => [n, results[i]!]));
    assert.deepEqual({ found: by.get('good')!.found, text: by.get('good')!.text, error: by.get('good')!.error }, { found: true, text: 'CC-CLI-FILE-ERRORS', error: null });
    for (const [name, code, en] of EXPECTED) {
      const e = by.get(name)!.error;
      assert.ok(e, `${name} has an error line`);
      assert.equal(e.code, code, name);
      assert.match(e.en, en, name);
      assert.ok(e.zh.length > 0, name);
    }
    assert.equal(by.get('notImage')!.error?.code, 'BAD_INPUT');

    // The same run as text: one line per bad file, in both languages.
    const text = cli('decode', f.huge!, f.loop!, f.good!);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.match(lines[0]!, /huge\.jpg: 文件 3072 MB，超过 25 MB 上限，未读取 \/ The file is 3072 MB/);
    assert.match(lines[1]!, /loop-a\.jpg: 符号链接循环.* \/ A symbolic link loop/);
    assert.match(lines[2]!, /good\.png: /);
    assert.doesNotMatch(text.stdout + text.stderr, /ELOOP|Error:|at /);
  });

  test('check: the same files are report lines; no check engine is started for files that cannot be read', () => {
    const names = ['huge', 'loop', 'folder', 'fifo', 'device', 'missing', 'locked', 'notImage'];
    const r = cli('check', '--json', ...names.map((n) => f[n]!));
    assert.equal(r.code, 0, `${r.signal ?? ''} ${r.stderr}`);
    const { results } = JSON.parse(r.stdout) as { results: CheckReport[] };
    assert.equal(results.length, names.length);
    const by = new Map(names.map((n, i) => [n, results[i]!]));
    for (const [name, code, en] of EXPECTED) {
      if (name === 'huge') {
        // Stills may be larger than QR images (a 61 MP JPEG): the limit is the station's.
        assert.match(by.get(name)!.error!.en, /3072 MB, over the 100 MB limit; not read/);
        continue;
      }
      assert.equal(by.get(name)!.error?.code, code, name);
      assert.match(by.get(name)!.error!.en, en, name);
    }
    assert.equal(by.get('notImage')!.error?.code, 'BAD_INPUT');
    assert.ok(results.every((x) => x.verdict === null));
  });

  test('match: either photo unreadable is reported on its side, the decision still printed, exit 0', () => {
    const r = cli('match', '--json', f.fifo!, f.huge!);
    assert.equal(r.code, 0, `${r.signal ?? ''} ${r.stderr}`);
    const report = JSON.parse(r.stdout) as MatchReport;
    assert.match(report.admission.error!.en, /a pipe/);
    assert.match(report.capture.error!.en, /over the 100 MB limit/);
    assert.equal(report.score, null);
    assert.ok(report.decision);
    const loop = cli('match', f.loop!, f.missing!);
    assert.equal(loop.code, 0, loop.stderr);
    assert.match(loop.stdout, /符号链接循环/);
    assert.match(loop.stdout, /文件不存在 \/ No such file/);
  });
});

describe('--help', () => {
  for (const command of ['decode', 'check', 'match', 'export', 'start', 'server']) {
    test(`${command} --help and -h print that command's usage and exit 0`, () => {
      for (const flag of ['--help', '-h']) {
        const r = cli(command, flag);
        assert.equal(r.code, 0, `${command} ${flag}: ${r.stderr}`);
        // The server's own command line writes its usage to stderr (as it writes every human line).
        const out = r.stdout + r.stderr;
        assert.match(out, new RegExp(`usage: campus-capture ${command}`), `${command} ${flag}`);
        assert.doesNotMatch(out, /Unknown option/);
      }
    });
  }

  test('campus-capture --help lists every command; an unknown option is still a usage error naming the command', () => {
    const r = cli('--help');
    assert.equal(r.code, 0);
    for (const command of ['start', 'server', 'check', 'decode', 'match', 'export']) assert.match(r.stdout, new RegExp(`^  ${command}\\b`, 'm'), command);
    const bad = cli('decode', '--bogus', 'x.png');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown option '--bogus'/);
    assert.match(bad.stderr, /usage: campus-capture decode/);
  });
});

describe('start --demo-students', () => {
  test('a count out of 1–20000, or one beside the embedded server (its demo has 300), is a usage error in both languages', () => {
    for (const n of ['0', '20001', '12.5', 'many']) {
      const r = cli('start', '--no-open', '--no-electron', '--no-server', '--port', '0', '--demo-students', n);
      assert.equal(r.code, 2, n);
      assert.match(r.stderr, /演示学生人数无效.*invalid number of demo students/, n);
    }
    const withServer = cli('start', '--no-open', '--no-electron', '--port', '0', '--demo-students', '2500');
    assert.equal(withServer.code, 2);
    assert.match(withServer.stderr, /仅与 --no-server 同用.*needs --no-server/);
  });
});
