import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireStationLock } from '../../src/main/app/stationLock.js';
import { AppError } from '../../src/shared/errors.js';
import { tempDir } from '../helpers/tempApp.js';

test('one kiosk per data folder; a crashed kiosk’s stale lock is taken over', () => {
  const tmp = tempDir('cc-lock-');
  try {
    // A live holder (this test's parent process stands in for another kiosk).
    writeFileSync(join(tmp.dir, 'kiosk.lock'), String(process.ppid));
    assert.throws(() => acquireStationLock(tmp.dir), (e: unknown) => e instanceof AppError && e.code === 'STATION_IN_USE' && e.zh.includes(String(process.ppid)));
    // A dead holder: a process that has already exited.
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(tmp.dir, 'kiosk.lock'), dead);
    const release = acquireStationLock(tmp.dir);
    assert.equal(existsSync(join(tmp.dir, 'kiosk.lock')), true);
    release();
    assert.equal(existsSync(join(tmp.dir, 'kiosk.lock')), false);
  } finally {
    tmp.cleanup();
  }
});
