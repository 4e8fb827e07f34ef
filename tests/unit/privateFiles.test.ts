import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeLaunchFile } from '../../src/main/app/launchFile.js';
import { ensurePrivateDir } from '../../src/main/app/privateDir.js';
import { tempDir } from '../helpers/tempApp.js';

test('the data folder is private even if it existed with open permissions; the launch file too', () => {
  const tmp = tempDir('cc-priv-');
  try {
    chmodSync(tmp.dir, 0o755);
    ensurePrivateDir(tmp.dir);
    assert.equal(statSync(tmp.dir).mode & 0o777, 0o700);
    const url = 'http://127.0.0.1:4780/#secret=' + 'ab'.repeat(32);
    const file = writeLaunchFile(tmp.dir, url);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(readFileSync(file, 'utf8').includes(`url=${url}`));
    assert.equal(file, join(tmp.dir, 'open-kiosk.html'));
  } finally {
    tmp.cleanup();
  }
});
