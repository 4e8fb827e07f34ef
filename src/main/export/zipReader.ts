import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { CHUNK, throwIfAborted } from './fileDigest.js';

/**
 * Reads back a zip made by ZipWriter (stored entries, optional ZIP64) to verify it after writing:
 * the central directory is parsed, and every byte of the file is read once in order, entry data
 * digested on the way. Also opens single entries (the tests read manifest.csv out of the zip).
 */

export interface ZipEntryInfo {
  name: string;
  method: number;
  crc: number;
  size: number;
  compressedSize: number;
  offset: number;
}

export class ZipFormatError extends Error {
  readonly code = 'EZIPFORMAT';
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) throw new ZipFormatError('unexpected end of zip');
    got += bytesRead;
  }
  return buf;
}

export async function readCentralDirectory(fh: FileHandle): Promise<{ entries: ZipEntryInfo[]; cdOffset: number; fileSize: number }> {
  return parseCentralDirectory((position, length) => readAt(fh, position, length), (await fh.stat()).size);
}

/** A zip held in memory (a roster workbook): every read is checked against the buffer's bounds, as
 * the directory of a file someone sent us may point anywhere. */
export function bufferReader(buf: Buffer): (position: number, length: number) => Promise<Buffer> {
  return async (position, length) => {
    if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length) || position < 0 || length < 0 || position + length > buf.length) throw new ZipFormatError('zip directory points outside the file');
    return buf.subarray(position, position + length);
  };
}

/** The central directory (and ZIP64 end records) through `read`, which throws at the file's end. */
export async function parseCentralDirectory(read: (position: number, length: number) => Promise<Buffer>, fileSize: number): Promise<{ entries: ZipEntryInfo[]; cdOffset: number; fileSize: number }> {
  const tailLen = Math.min(fileSize, 22 + 0xffff);
  const tail = await read(fileSize - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('no end of central directory');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  const eocdPos = fileSize - tailLen + eocd;
  if (eocdPos >= 20) {
    const loc = await read(eocdPos - 20, 20);
    if (loc.readUInt32LE(0) === 0x07064b50) {
      const rec = await read(Number(loc.readBigUInt64LE(8)), 56);
      if (rec.readUInt32LE(0) !== 0x06064b50) throw new ZipFormatError('bad zip64 end record');
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
  }
  const cd = await read(cdOffset, cdSize);
  const entries: ZipEntryInfo[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (cd.readUInt32LE(p) !== 0x02014b50) throw new ZipFormatError(`bad central header #${i}`);
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let offset = cd.readUInt32LE(p + 42);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) {
          size = Number(cd.readBigUInt64LE(q));
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(cd.readBigUInt64LE(q));
          q += 8;
        }
        if (offset === 0xffffffff) offset = Number(cd.readBigUInt64LE(q));
      }
      e += 4 + len;
    }
    entries.push({ name, method, crc, size, compressedSize, offset });
    p = extraEnd + commentLen;
  }
  return { entries, cdOffset, fileSize };
}

async function dataStart(fh: FileHandle, entry: ZipEntryInfo): Promise<number> {
  const h = await readAt(fh, entry.offset, 30);
  if (h.readUInt32LE(0) !== 0x04034b50) throw new ZipFormatError(`bad local header for ${entry.name}`);
  return entry.offset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
}

export interface ZipVerification {
  sha256: string;
  bytes: number;
  entries: number;
}

/** Reads a file once, front to back, in 1 MiB pieces; the whole-file hash sees every byte once. */
class SequentialReader {
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private start = 0;
  private end = 0;
  pos = 0;
  readonly whole = createHash('sha256');

  constructor(
    private readonly fh: FileHandle,
    private readonly onBytes: (n: number) => void,
    private readonly signal: AbortSignal | undefined,
  ) {}

  private async refill(): Promise<void> {
    throwIfAborted(this.signal);
    const kept = this.end - this.start;
    this.buf.copy(this.buf, 0, this.start, this.end);
    this.start = 0;
    this.end = kept;
    const { bytesRead } = await this.fh.read(this.buf, kept, CHUNK - kept, null);
    if (bytesRead === 0) throw new ZipFormatError('zip shorter than its directory says');
    this.whole.update(this.buf.subarray(kept, kept + bytesRead));
    this.end += bytesRead;
    this.onBytes(bytesRead);
  }

  /** The next n (small) bytes. */
  async take(n: number): Promise<Buffer> {
    while (this.end - this.start < n) await this.refill();
    const out = Buffer.from(this.buf.subarray(this.start, this.start + n));
    this.start += n;
    this.pos += n;
    return out;
  }

  /** The next n bytes, handed over in pieces. */
  async consume(n: number, fn: (piece: Buffer) => void): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.end === this.start) await this.refill();
      const k = Math.min(left, this.end - this.start);
      fn(this.buf.subarray(this.start, this.start + k));
      this.start += k;
      this.pos += k;
      left -= k;
    }
  }
}

/**
 * Every entry present exactly as expected (name, size, CRC-32 of the bytes read, SHA-256), nothing
 * else in the zip, and the whole file's SHA-256, reading the file once in order.
 * Throws ZipFormatError naming the first difference.
 */
export async function verifyZip(
  path: string,
  expected: ReadonlyMap<string, { bytes: number; sha256: string }>,
  onBytes: (n: number) => void = () => undefined,
  signal?: AbortSignal,
): Promise<ZipVerification> {
  const fh = await open(path, 'r');
  try {
    const { entries, fileSize } = await readCentralDirectory(fh);
    if (entries.length !== expected.size) throw new ZipFormatError(`zip holds ${entries.length} entries, expected ${expected.size}`);
    const reader = new SequentialReader(fh, onBytes, signal);
    const sorted = [...entries].sort((a, b) => a.offset - b.offset);
    for (const entry of sorted) {
      const want = expected.get(entry.name);
      if (!want) throw new ZipFormatError(`unexpected entry ${entry.name}`);
      if (entry.method !== 0 || entry.size !== want.bytes || entry.compressedSize !== want.bytes) throw new ZipFormatError(`${entry.name}: size ${entry.size}, expected ${want.bytes}`);
      if (entry.offset !== reader.pos) throw new ZipFormatError(`${entry.name}: not where the previous entry ended`);
      const h = await reader.take(30);
      if (h.readUInt32LE(0) !== 0x04034b50) throw new ZipFormatError(`bad local header for ${entry.name}`);
      const name = await reader.take(h.readUInt16LE(26));
      if (name.toString('utf8') !== entry.name) throw new ZipFormatError(`${entry.name}: local and central names differ`);
      await reader.take(h.readUInt16LE(28));
      const hash = createHash('sha256');
      let crc = 0;
      await reader.consume(entry.size, (piece) => {
        hash.update(piece);
        crc = crc32(piece, crc);
      });
      if (crc >>> 0 !== entry.crc >>> 0) throw new ZipFormatError(`${entry.name}: CRC-32 does not match`);
      if (hash.digest('hex') !== want.sha256) throw new ZipFormatError(`${entry.name}: SHA-256 does not match`);
    }
    await reader.consume(fileSize - reader.pos, () => undefined);
    return { sha256: reader.whole.digest('hex'), bytes: fileSize, entries: entries.length };
  } finally {
    await fh.close();
  }
}

/** One stored entry's bytes (small entries: manifests). */
export async function readZipEntry(path: string, name: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const { entries } = await readCentralDirectory(fh);
    const entry = entries.find((e) => e.name === name);
    if (!entry) throw new ZipFormatError(`no entry ${name}`);
    if (entry.method !== 0) throw new ZipFormatError(`${name} is compressed`);
    return await readAt(fh, await dataStart(fh, entry), entry.size);
  } finally {
    await fh.close();
  }
}

export async function listZipEntries(path: string): Promise<ZipEntryInfo[]> {
  const fh = await open(path, 'r');
  try {
    return (await readCentralDirectory(fh)).entries;
  } finally {
    await fh.close();
  }
}
