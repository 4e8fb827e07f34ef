import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/tempApp.js';

function check(files: Record<string, string>): { status: number | null; out: string } {
  const tmp = tempDir('cc-boundary-');
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(tmp.dir, path, '..'), { recursive: true });
      writeFileSync(join(tmp.dir, path), text);
    }
    const r = spawnSync(process.execPath, ['scripts/check-boundaries.mjs', tmp.dir], { encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    tmp.cleanup();
  }
}

test('the repository itself respects the process boundaries', () => {
  const r = spawnSync(process.execPath, ['scripts/check-boundaries.mjs'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('the boundary rule catches each kind of violation', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['renderer → main', { 'src/renderer/a.ts': "import { x } from '../main/db/openDatabase.js';" }, /src\/renderer\/a\.ts.*reaches outside/],
    ['shared → node', { 'src/shared/a.ts': "import { readFileSync } from 'node:fs';" }, /Node built-in/],
    ['shared → bare fs', { 'src/shared/a.ts': "import fs from 'fs';" }, /Node built-in/],
    ['renderer → electron', { 'src/renderer/a.ts': "import { ipcRenderer } from 'electron';" }, /Electron/],
    ['sync → main', { 'src/sync/a.ts': "export { x } from '../main/x.js';" }, /reaches outside/],
    ['server → main (dynamic)', { 'server/a.ts': "const m = await import('../src/main/x.js');" }, /reaches outside/],
    ['preload → renderer', { 'src/preload/a.ts': "import '../renderer/b.js';" }, /reaches outside/],
  ];
  for (const [name, files, expected] of cases) {
    const r = check(files);
    assert.equal(r.status, 1, name);
    assert.match(r.out, expected, name);
  }
  const ok = check({ 'src/renderer/a.ts': "import { z } from 'zod';\nimport { c } from '../shared/x.js';", 'src/main/b.ts': "import { s } from '../sync/engine.js';" });
  assert.equal(ok.status, 0, ok.out);
});
