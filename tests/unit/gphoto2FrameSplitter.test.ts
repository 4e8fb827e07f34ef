import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { JpegFrameSplitter, type JpegFrame } from '../../src/main/camera/gphoto2/jpegFrameSplitter.js';
import { seededRandom } from '../../src/shared/demo/seededRandom.js';

/** Noise compresses badly, so the scan data is full of stuffed FF 00 pairs, as camera frames are. */
async function noiseJpeg(width: number, height: number, seed: number): Promise<Buffer> {
  const rand = seededRandom(seed);
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(rand() * 256);
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

/** The frame with an APP1 (EXIF) segment holding a whole thumbnail JPEG, FF D8 … FF D9, right after SOI. */
function withThumbnail(frame: Buffer, thumb: Buffer): Buffer {
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from('MM\0*\0\0\0\x08', 'latin1'), thumb]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([frame.subarray(0, 2), header, payload, frame.subarray(2)]);
}

function feedInChunks(splitter: JpegFrameSplitter, stream: Buffer, seed: number, maxChunk = 5000): JpegFrame[] {
  const rand = seededRandom(seed);
  const out: JpegFrame[] = [];
  for (let at = 0; at < stream.length; ) {
    const n = 1 + Math.floor(rand() * maxChunk);
    out.push(...splitter.push(stream.subarray(at, at + n)));
    at += n;
  }
  return out;
}

/** What a splitter that ends a frame at the first FF D9 would return: the approach this one replaces. */
function naiveSplit(stream: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let start = stream.indexOf(Buffer.from([0xff, 0xd8]));
  while (start >= 0) {
    const end = stream.indexOf(Buffer.from([0xff, 0xd9]), start + 2);
    if (end < 0) break;
    frames.push(stream.subarray(start, end + 2));
    start = stream.indexOf(Buffer.from([0xff, 0xd8]), end + 2);
  }
  return frames;
}

test('back-to-back frames come out whole, byte for byte, however the pipe cuts them', async () => {
  const a = await noiseJpeg(320, 212, 1);
  const b = await noiseJpeg(640, 424, 2);
  const c = await noiseJpeg(320, 212, 3);
  assert.ok(a.includes(Buffer.from([0xff, 0x00])), 'the scan data has stuffed bytes');
  const stream = Buffer.concat([a, b, c, a]);
  for (const seed of [1, 2, 3]) {
    const splitter = new JpegFrameSplitter();
    const frames = feedInChunks(splitter, stream, seed);
    assert.equal(frames.length, 4);
    assert.ok(frames[0]!.jpeg.equals(a) && frames[1]!.jpeg.equals(b) && frames[2]!.jpeg.equals(c) && frames[3]!.jpeg.equals(a));
    assert.deepEqual([frames[1]!.width, frames[1]!.height], [640, 424]);
    assert.deepEqual(splitter.stats, { frames: 4, droppedBytes: 0, brokenFrames: 0 });
    assert.equal(splitter.pending, 0);
  }
  // One byte at a time: the slowest pipe there is.
  const slow = new JpegFrameSplitter();
  assert.equal(feedInChunks(slow, Buffer.concat([a, b]), 9, 1).length, 2);
});

test('a frame that embeds a thumbnail is one frame, not cut at the thumbnail\'s end marker', async () => {
  const thumb = await noiseJpeg(160, 120, 4);
  const frame = withThumbnail(await noiseJpeg(640, 424, 5), thumb);
  const next = await noiseJpeg(640, 424, 6);
  const stream = Buffer.concat([frame, next, frame]);
  // The frame decodes as the 640×424 picture (the APP1 is a valid segment to a decoder).
  assert.deepEqual(await sharp(frame).metadata().then((m) => [m.width, m.height]), [640, 424]);
  const frames = feedInChunks(new JpegFrameSplitter(), stream, 7);
  assert.equal(frames.length, 3);
  assert.ok(frames[0]!.jpeg.equals(frame));
  assert.ok(frames[1]!.jpeg.equals(next));
  assert.deepEqual([frames[0]!.width, frames[0]!.height], [640, 424]);
  // The FF D9 scan gets this wrong: its first "frame" ends inside the APP1, at the thumbnail's EOI.
  const naive = naiveSplit(stream);
  assert.notEqual(naive[0]!.length, frame.length);
});

test('garbage before and between frames is dropped and counted; the frames still come through', async () => {
  const a = await noiseJpeg(320, 212, 8);
  const b = await noiseJpeg(320, 212, 9);
  const rand = seededRandom(10);
  const garbage = Buffer.alloc(3000);
  for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(rand() * 256);
  // Lone markers that are not a frame start: FF D8 not followed by FF, and stray EOIs.
  const lure = Buffer.from([0xff, 0xd8, 0x00, 0x12, 0xff, 0xd9, 0xff, 0xff, 0xd9]);
  const splitter = new JpegFrameSplitter();
  const frames = feedInChunks(splitter, Buffer.concat([garbage, lure, a, lure, garbage, b]), 11);
  assert.equal(frames.length, 2);
  assert.ok(frames[0]!.jpeg.equals(a) && frames[1]!.jpeg.equals(b));
  assert.ok(splitter.stats.droppedBytes >= garbage.length * 2 + lure.length * 2 - 64, `dropped ${splitter.stats.droppedBytes}`);
});

test('a frame cut short is dropped and the next one is recovered', async () => {
  const a = await noiseJpeg(320, 212, 12);
  const b = await noiseJpeg(320, 212, 13);
  const cutInScan = a.subarray(0, Math.floor(a.length * 0.7));
  const headerOnly = a.subarray(0, 40);
  const splitter = new JpegFrameSplitter();
  const frames = feedInChunks(splitter, Buffer.concat([cutInScan, b, headerOnly, b]), 14);
  assert.equal(frames.length, 2);
  assert.ok(frames.every((f) => f.jpeg.equals(b)));
  assert.equal(splitter.stats.brokenFrames, 2);
});

test('a frame that never ends is given up at the size limit, and the stream goes on', async () => {
  const a = await noiseJpeg(320, 212, 15);
  const endless = a.subarray(0, a.length - 2); // no EOI: the scan data runs on into …
  const filler = Buffer.alloc(70_000, 0x11); // … bytes that are valid scan data
  const splitter = new JpegFrameSplitter({ maxFrameBytes: 64 * 1024 });
  const frames = feedInChunks(splitter, Buffer.concat([endless, filler, a]), 16);
  assert.equal(frames.length, 1);
  assert.ok(frames[0]!.jpeg.equals(a));
  assert.equal(splitter.stats.brokenFrames, 1);
  splitter.end();
  assert.equal(splitter.pending, 0);
});
