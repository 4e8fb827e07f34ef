import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { runExport } from '../../src/main/export/runExport.js';
import { DAY_TEXT, seedKnownDay, type SeededDay } from './reportFixtures.js';

let day: SeededDay;
before(async () => {
  day = await seedKnownDay();
});
after(() => day?.app.close());

/** Every path under `dir` (itself included) with its permission bits. */
function modes(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  const walk = (p: string) => {
    const s = lstatSync(p);
    out.push({ path: p, dir: s.isDirectory(), mode: s.mode & 0o777 });
    if (s.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(dir);
  return out;
}

/** The Unix mode each central directory entry carries (what unzip gives the extracted file). Walked
 * from the end record: the stored manifest.xlsx is itself a zip, so a scan for signatures would
 * find its entries too. */
function zipEntryModes(zip: Buffer): { name: string; mode: number }[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd > 0, 'end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  const out: { name: string; mode: number }[] = [];
  for (let i = 0, p = zip.readUInt32LE(eocd + 16); i < count; i++) {
    assert.equal(zip.readUInt32LE(p), 0x02014b50);
    const nameLen = zip.readUInt16LE(p + 28);
    out.push({ name: zip.toString('utf8', p + 46, p + 46 + nameLen), mode: (zip.readUInt32LE(p + 38) >>> 16) & 0o777 });
    p += 46 + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return out;
}

// 000: what a service manager may leave (open() would keep 0644 as asked); 0277: so strict that
// mkdir(0700) alone would give a folder its owner cannot write into. Either way the export is 700/600.
for (const umask of [0o000, 0o277]) {
  test(`exports hold full ID numbers: folders 700, files 600 (the zip, its entries, manifests, SHA256SUMS, photos, originals) under umask ${umask.toString(8).padStart(3, '0')}`, async () => {
    const out = mkdtempSync(join(day.app.dir, 'usb-'));
    const old = process.umask(umask);
    let result;
    try {
      result = await runExport(
        day.app.ctx,
        { taskCode: DEMO_TASK_CODE, from: DAY_TEXT, to: DAY_TEXT, template: '{身份证号}', folders: 'class', originals: true, zip: true, outDir: out },
        { exportId: `perm-${umask}`, operatorId: null, via: 'cli' },
      );
    } finally {
      process.umask(old);
    }
    const entries = modes(result.folder);
    assert.ok(entries.some((e) => e.path.endsWith('manifest.xlsx')) && entries.some((e) => e.path.endsWith('SHA256SUMS')) && entries.some((e) => e.path.includes('/originals/')));
    for (const e of entries) assert.equal(e.mode, e.dir ? 0o700 : 0o600, `${e.path}: ${e.mode.toString(8)}`);
    assert.ok(result.zip);
    for (const file of [result.zip, `${result.zip}.sha256`]) assert.equal(lstatSync(file).mode & 0o777, 0o600, file);
    const inZip = zipEntryModes(readFileSync(result.zip));
    assert.equal(inZip.length, entries.filter((e) => !e.dir).length);
    for (const e of inZip) assert.equal(e.mode, 0o600, e.name);
  });
}
