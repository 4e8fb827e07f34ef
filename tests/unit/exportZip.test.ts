import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { listZipEntries, readZipEntry, verifyZip } from '../../src/main/export/zipReader.js';
import { ZipWriter } from '../../src/main/export/zipWriter.js';
import { tempDir } from '../helpers/tempApp.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Info-ZIP's own test of the archive: an independent reader. */
function unzipTest(zip: string): string {
  const r = spawnSync('unzip', ['-t', zip], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return r.stdout;
}

test('a stored zip with UTF-8 names reads back entry by entry, and Info-ZIP agrees', async () => {
  const tmp = tempDir();
  try {
    const photo = randomBytes(300_000);
    const src = join(tmp.dir, 'p.jpg');
    writeFileSync(src, photo);
    const csv = Buffer.from('\uFEFF姓名\r\n张三\r\n');
    const zipPath = join(tmp.dir, 'out.zip');
    const zip = await ZipWriter.create(zipPath, new Date(2026, 5, 1, 9, 30, 12));
    await zip.addData('DEMO/manifest.csv', csv);
    await zip.addFile('DEMO/photos/计算机学院/张三_2022010001.jpg', src, { bytes: photo.length, crc32: crc32(photo) }, () => undefined);
    const written = await zip.finish();
    assert.equal(written.sha256, sha(readFileSync(zipPath)));

    const check = await verifyZip(
      zipPath,
      new Map([
        ['DEMO/manifest.csv', { bytes: csv.length, sha256: sha(csv) }],
        ['DEMO/photos/计算机学院/张三_2022010001.jpg', { bytes: photo.length, sha256: sha(photo) }],
      ]),
    );
    assert.equal(check.sha256, written.sha256);
    assert.equal(check.entries, 2);
    assert.deepEqual(await readZipEntry(zipPath, 'DEMO/manifest.csv'), csv);
    assert.deepEqual(
      (await listZipEntries(zipPath)).map((e) => e.name),
      ['DEMO/manifest.csv', 'DEMO/photos/计算机学院/张三_2022010001.jpg'],
    );
    const listing = unzipTest(zipPath);
    assert.match(listing, /张三_2022010001\.jpg\s+OK/);
    const extracted = spawnSync('unzip', ['-p', zipPath, 'DEMO/photos/计算机学院/张三_2022010001.jpg'], { maxBuffer: 1 << 22 }).stdout;
    assert.equal(sha(extracted), sha(photo));
  } finally {
    tmp.cleanup();
  }
});

test('a changed byte, a missing entry or an extra one fails verification', async () => {
  const tmp = tempDir();
  try {
    const data = randomBytes(5000);
    const zipPath = join(tmp.dir, 'x.zip');
    const zip = await ZipWriter.create(zipPath, new Date());
    await zip.addData('a.bin', data);
    await zip.addData('b.bin', data);
    await zip.finish();
    const both = new Map([
      ['a.bin', { bytes: data.length, sha256: sha(data) }],
      ['b.bin', { bytes: data.length, sha256: sha(data) }],
    ]);
    await verifyZip(zipPath, both);
    await assert.rejects(verifyZip(zipPath, new Map([...both].slice(0, 1))), /entries/);
    await assert.rejects(verifyZip(zipPath, new Map([...both, ['c.bin', { bytes: 1, sha256: sha(Buffer.from('c')) }]])), /entries/);
    const bytes = readFileSync(zipPath);
    bytes[40 + 2000] = bytes[40 + 2000]! ^ 0xff; // inside a.bin's data
    writeFileSync(zipPath, bytes);
    await assert.rejects(verifyZip(zipPath, both), /CRC-32|SHA-256/);
  } finally {
    tmp.cleanup();
  }
});

test('a source that changes between the copy and the zip fails the zip', async () => {
  const tmp = tempDir();
  try {
    const src = join(tmp.dir, 's.jpg');
    const original = randomBytes(1000);
    writeFileSync(src, original);
    const zip = await ZipWriter.create(join(tmp.dir, 'y.zip'), new Date());
    writeFileSync(src, randomBytes(1000));
    await assert.rejects(zip.addFile('s.jpg', src, { bytes: original.length, crc32: crc32(original) }, () => undefined), (e: unknown) => (e as { code?: string }).code === 'ECHANGED');
    await zip.abort();
  } finally {
    tmp.cleanup();
  }
});

test('more than 65,535 entries: ZIP64 end records, still read by both readers', async () => {
  const tmp = tempDir();
  try {
    const zipPath = join(tmp.dir, 'many.zip');
    const zip = await ZipWriter.create(zipPath, new Date());
    const n = 66_000;
    const expected = new Map<string, { bytes: number; sha256: string }>();
    const one = Buffer.from('x');
    for (let i = 0; i < n; i++) {
      const name = `d/${i}.txt`;
      await zip.addData(name, one);
      expected.set(name, { bytes: 1, sha256: sha(one) });
    }
    await zip.finish();
    const check = await verifyZip(zipPath, expected);
    assert.equal(check.entries, n);
    const bytes = readFileSync(zipPath);
    assert.ok(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06])), 'a ZIP64 end of central directory record');
    const r = spawnSync('unzip', ['-l', zipPath], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /66000 files/);
  } finally {
    tmp.cleanup();
  }
});
