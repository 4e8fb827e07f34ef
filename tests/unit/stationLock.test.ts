import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { acquireStationLock } from '../../src/main/app/stationLock.js';
import { AppError } from '../../src/shared/errors.js';
import { tempDir } from '../helpers/tempApp.js';

const isInUse = (e: unknown) => e instanceof AppError && e.code === 'STATION_IN_USE' && e.zh.includes('另一个采集站');

test('one kiosk per data folder: a second holder is refused until the first lets go', () => {
  const tmp = tempDir('cc-lock-');
  try {
    const release = acquireStationLock(tmp.dir);
    assert.throws(() => acquireStationLock(tmp.dir), isInUse);
    release();
    acquireStationLock(tmp.dir)();
  } finally {
    tmp.cleanup();
  }
});

test('a kiosk killed with SIGKILL leaves no stale lock behind', async () => {
  const tmp = tempDir('cc-lock-');
  try {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', `import('./src/main/app/stationLock.ts').then((m) => { m.acquireStationLock(${JSON.stringify(tmp.dir)}); console.log('locked'); setInterval(() => {}, 1000); })`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve()));
    assert.throws(() => acquireStationLock(tmp.dir), isInUse);
    child.kill('SIGKILL');
    await once(child, 'exit');
    acquireStationLock(tmp.dir)();
  } finally {
    tmp.cleanup();
  }
});
