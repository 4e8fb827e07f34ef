import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import sharp from 'sharp';
import { HotFolderWatcher, type HotFolderEvent } from '../../src/main/camera/hotFolder.js';
import { tempDir } from '../helpers/tempApp.js';

async function until(predicate: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(50);
  }
}

test('a hot folder hands over each finished file once, never a half-written one, and notices the folder going and coming', { timeout: 60_000 }, async () => {
  const tmp = tempDir();
  const folder = join(tmp.dir, 'tether');
  mkdirSync(folder);
  writeFileSync(join(folder, 'old.jpg'), await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000' } }).jpeg().toBuffer());
  const events: HotFolderEvent[] = [];
  const files = () => events.filter((e): e is Extract<HotFolderEvent, { kind: 'file' }> => e.kind === 'file');
  const watcher = new HotFolderWatcher(folder, (e) => events.push(e), 100);
  try {
    await watcher.start();
    assert.deepEqual(events, [{ kind: 'status', present: true }]);

    // A 24 MP JPEG written in pieces, the way a tether tool streams it over USB.
    const big = await sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#6a8' } }).jpeg({ quality: 95 }).toBuffer();
    const path = join(folder, 'IMG_0001.JPG');
    writeFileSync(path, big.subarray(0, 1000));
    for (let at = 1000; at < big.length - 2; at += Math.ceil(big.length / 5)) {
      await sleep(250);
      appendFileSync(path, big.subarray(at, Math.min(at + Math.ceil(big.length / 5), big.length - 2)));
      assert.equal(files().length, 0, 'nothing taken while the file grows');
    }
    await sleep(600);
    assert.equal(files().length, 0, 'a JPEG without its end marker is not complete');
    appendFileSync(path, big.subarray(big.length - 2));
    await until(() => files().length === 1);
    assert.equal(files()[0]!.bytes.length, big.length);
    assert.ok(files()[0]!.bytes.equals(big));
    await sleep(500);
    assert.equal(files().length, 1, 'taken once');

    // The drive is pulled and put back: said both times, and new shots flow again.
    renameSync(folder, folder + '-away');
    await until(() => events.some((e) => e.kind === 'status' && !e.present));
    renameSync(folder + '-away', folder);
    await until(() => events.filter((e) => e.kind === 'status' && e.present).length === 2);
    writeFileSync(join(folder, 'IMG_0002.jpg'), await sharp({ create: { width: 640, height: 480, channels: 3, background: '#fff' } }).jpeg().toBuffer());
    await until(() => files().length === 2);
    assert.match(files()[1]!.path, /IMG_0002\.jpg$/);
    assert.ok(!files().some((f) => f.path.endsWith('old.jpg')), 'files from before the session are left alone');
  } finally {
    watcher.stop();
    rmSync(folder, { recursive: true, force: true });
    tmp.cleanup();
  }
});
