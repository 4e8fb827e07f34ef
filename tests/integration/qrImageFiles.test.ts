import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import sharp from 'sharp';
import { renderSavedCode, renderScreenshot } from '../../bench/qr/cleanSet.js';
import { qrModules } from '../../src/main/qr/qrWriter.js';
import { decodeImageBytes, decodeImageFile } from '../../src/main/qr/decodeImageFile.js';
import { zxingReaderWasmPath } from '../../src/main/qr/zxingNode.js';
import { AppError } from '../../src/shared/errors.js';
import { pngClaiming } from '../helpers/pngClaiming.js';

const TOKEN = 'CC1.eyJyaWQiOiJyLTAwMDEyMyIsInNpZCI6InMtMDA0NTYiLCJ0YXNrIjoiVDIwMjYiLCJzbG90IjoiMjAyNi0wNi0wMVQwOTowMCIsImV4cCI6MTc4MDAwMDAwMH0.' + 'q'.repeat(86);
const XUEXIN = 'Zm9vYmFyYmF6cXV4'.repeat(6);

async function png(frame: { rgb: Buffer; width: number; height: number }): Promise<Buffer> {
  return sharp(frame.rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } }).png().toBuffer();
}

/** Rejects with an AppError of this code carrying a Chinese and an English message. */
async function assertAppError(promise: Promise<unknown>, code: 'BAD_INPUT' | 'FILE_TOO_LARGE', en?: RegExp): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    assert.equal(err.code, code, `${err.code}: ${err.en}`);
    assert.match(err.zh, /[\u4e00-\u9fff]/, 'a Chinese message');
    assert.match(err.en, /[a-z]{3}/i, 'an English message');
    assert.notEqual(err.zh, err.en);
    if (en) assert.match(err.en, en);
    return err;
  }
  assert.fail(`expected ${code}, but it resolved`);
}

describe('decodeImageBytes: saved codes, screenshots and bad files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-qr-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the decoder WASM comes from node_modules: with fetch disabled the first decode still works', async () => {
    // First test in this process, so this decode is the one that instantiates zxing.
    const calls: string[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0]) => {
      calls.push(String(input));
      throw new Error('no network in this test');
    }) as typeof fetch;
    try {
      const result = await decodeImageBytes(await png(await renderSavedCode(TOKEN, 4)));
      assert.equal(result.found && result.text, TOKEN);
    } finally {
      globalThis.fetch = original;
    }
    assert.deepEqual(calls, []);
    assert.match(zxingReaderWasmPath(), /node_modules[\\/]zxing-wasm[\\/]dist[\\/]reader[\\/]zxing_reader\.wasm$/);
  });

  test('a saved 采集码 PNG (the code on white, captions around it) is read', async () => {
    const result = await decodeImageBytes(await png(await renderSavedCode(XUEXIN, 6)));
    assert.deepEqual(result.found && result.text, XUEXIN);
  });

  test('a phone screenshot, 1080×2340 with the code small among the page furniture, is read — as PNG and as JPEG', async () => {
    const shot = await renderScreenshot(TOKEN, { modulePx: 3, seed: 3 });
    assert.deepEqual([shot.width, shot.height], [1080, 2340]);
    const asPng = await decodeImageBytes(await png(shot));
    assert.equal(asPng.found && asPng.text, TOKEN);
    const asJpeg = await decodeImageBytes(await sharp(shot.rgb, { raw: { width: 1080, height: 2340, channels: 3 } }).jpeg({ quality: 75 }).toBuffer());
    assert.equal(asJpeg.found && asJpeg.text, TOKEN);
  });

  test('a code saved with a transparent background (black modules on nothing) is read as black on white', async () => {
    const { data, size } = await qrModules(TOKEN, 'M');
    const px = 5;
    const side = (size + 8) * px;
    const rgba = Buffer.alloc(side * side * 4); // all transparent black
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const mx = Math.floor(x / px) - 4;
        const my = Math.floor(y / px) - 4;
        if (mx >= 0 && my >= 0 && mx < size && my < size && data[my * size + mx] === 0) rgba[(y * side + x) * 4 + 3] = 255;
      }
    }
    const file = await sharp(rgba, { raw: { width: side, height: side, channels: 4 } }).png().toBuffer();
    const result = await decodeImageBytes(file);
    assert.equal(result.found && result.text, TOKEN);
  });

  test('a photo without any code says no_code', async () => {
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#7a8b9c', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .jpeg()
      .toBuffer();
    assert.deepEqual(await decodeImageBytes(photo), { found: false, reason: 'no_code' });
  });

  test('not an image: text, HTML, an SVG and an empty file each get BAD_INPUT in both languages', async () => {
    await assertAppError(decodeImageBytes(Buffer.from('学号,姓名\n2022010001,张三\n', 'utf8')), 'BAD_INPUT', /not a PNG, JPEG/);
    await assertAppError(decodeImageBytes(Buffer.from('<!doctype html><html><body>QR</body></html>')), 'BAD_INPUT');
    await assertAppError(decodeImageBytes(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="99" height="99"><rect width="9" height="9"/></svg>')), 'BAD_INPUT');
    await assertAppError(decodeImageBytes(Buffer.alloc(0)), 'BAD_INPUT', /empty/);
  });

  test('truncated PNG and JPEG files get BAD_INPUT ("damaged or incomplete"), not a crash or a guess', async () => {
    const saved = await png(await renderSavedCode(TOKEN, 6));
    await assertAppError(decodeImageBytes(saved.subarray(0, Math.floor(saved.length * 0.7))), 'BAD_INPUT', /damaged or incomplete/);
    const jpeg = await sharp(saved).jpeg({ quality: 90 }).toBuffer();
    await assertAppError(decodeImageBytes(jpeg.subarray(0, Math.floor(jpeg.length * 0.6))), 'BAD_INPUT', /damaged or incomplete/);
  });

  test('a 20000×20000 image is refused from its header with FILE_TOO_LARGE naming the size; memory stays flat', async () => {
    const before = process.memoryUsage().rss;
    const err = await assertAppError(decodeImageBytes(pngClaiming(20000, 20000)), 'FILE_TOO_LARGE', /20000×20000/);
    assert.match(err.zh, /20000×20000/);
    // Decoding it would need 1.6 GB of RGBA; refusing it must not allocate anything like that.
    assert.ok(process.memoryUsage().rss - before < 100 * 1024 * 1024);
  });

  test('a large but allowed photo (7000×7000, 49 MP) is scaled down while decoding: bounded memory, no crash', async () => {
    const big = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#d0d0d0' } }).jpeg({ quality: 60 }).toBuffer();
    const before = process.memoryUsage().rss;
    assert.deepEqual(await decodeImageBytes(big), { found: false, reason: 'no_code' });
    const grew = process.memoryUsage().rss - before;
    assert.ok(grew < 600 * 1024 * 1024, `rss grew ${Math.round(grew / 1e6)} MB`);
  });

  test('byte limits: a buffer over the cap is refused, and decodeImageFile refuses a huge file without reading it', async () => {
    await assertAppError(decodeImageBytes(Buffer.alloc(2 * 1024 * 1024, 1), { maxBytes: 1024 * 1024 }), 'FILE_TOO_LARGE', /too large/);
    const huge = join(dir, 'huge.png');
    writeFileSync(huge, pngClaiming(100, 100));
    truncateSync(huge, 30 * 1024 * 1024); // sparse: 30 MB on paper, nothing read
    const before = process.memoryUsage().rss;
    await assertAppError(decodeImageFile(huge), 'FILE_TOO_LARGE', /30\.0 MB/);
    assert.ok(process.memoryUsage().rss - before < 20 * 1024 * 1024);
  });

  test('decodeImageFile reads a file from disk', async () => {
    const file = join(dir, 'code.png');
    writeFileSync(file, await png(await renderSavedCode(TOKEN, 4)));
    const result = await decodeImageFile(file);
    assert.equal(result.found && result.text, TOKEN);
  });
});
