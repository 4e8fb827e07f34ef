import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { openPrivateFile } from '../security/privateFiles.js';
import { CHUNK, fileChunks, writeAll } from './fileDigest.js';

/**
 * A streaming ZIP writer for the day export, written here rather than taken from a package:
 * - every entry is STORED: the photos are JPEG and the workbook is already a zip, so deflating
 *   would spend the 2 cores for ~nothing, and a stored entry's CRC and size are known before its
 *   header is written (we computed them while copying), so no data descriptors are needed;
 * - ZIP64 records appear only when needed (more than 65,535 entries, or past 4 GiB — a day with
 *   originals reaches that), so small exports stay plain ZIP 2.0 that any unzip reads;
 * - names are UTF-8 with general-purpose flag bit 11 (APPNOTE 6.3), which Windows 10+, macOS,
 *   7-Zip and Info-ZIP honour.
 * The only zip libraries in node_modules (archiver, jszip) are exceljs's own dependencies, not
 * ours to rely on; this file is ~150 lines and is checked against Info-ZIP's `unzip -t` in tests.
 */

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const ZIP64_END_SIG = 0x06064b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const FLAG_UTF8 = 0x0800;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
/** Made by Unix (3), spec 4.5: external attributes then carry the mode. */
const MADE_BY = (3 << 8) | 45;
// Owner-only, as on the drive: whoever unzips the day export gets files only they can read.
const FILE_MODE = 0o100600;

interface CentralEntry {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
  time: number;
  date: number;
}

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

export class ZipWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];
  private readonly hash: Hash = createHash('sha256');
  private readonly stamp: { time: number; date: number };

  private constructor(
    private readonly fh: FileHandle,
    modified: Date,
  ) {
    this.stamp = dosDateTime(modified);
  }

  /** A new file (never over an existing one). */
  static async create(path: string, modified: Date): Promise<ZipWriter> {
    return new ZipWriter(await openPrivateFile(path), modified);
  }

  /** Headers and small entries are gathered and written in pieces of ~1 MiB: a day's zip has
   * thousands of entries, and one write per header would dominate the time. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private async put(data: Uint8Array): Promise<void> {
    this.hash.update(data);
    this.offset += data.byteLength;
    if (data.byteLength >= 64 * 1024) {
      await this.flush();
      await writeAll(this.fh, data);
      return;
    }
    this.pending.push(Buffer.from(data));
    this.pendingBytes += data.byteLength;
    if (this.pendingBytes >= CHUNK) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const all = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await writeAll(this.fh, all);
  }

  private async header(name: string, size: number, crc: number): Promise<void> {
    const nameBuf = Buffer.from(name.normalize('NFC'), 'utf8');
    if (nameBuf.length > MAX16) throw new Error(`zip entry name too long: ${name}`);
    const big = size >= MAX32;
    const extra = big ? Buffer.alloc(20) : Buffer.alloc(0);
    if (big) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(size), 12);
    }
    const h = Buffer.alloc(30);
    h.writeUInt32LE(LOCAL_SIG, 0);
    h.writeUInt16LE(big ? 45 : 20, 4);
    h.writeUInt16LE(FLAG_UTF8, 6);
    h.writeUInt16LE(0, 8); // stored
    h.writeUInt16LE(this.stamp.time, 10);
    h.writeUInt16LE(this.stamp.date, 12);
    h.writeUInt32LE(crc >>> 0, 14);
    h.writeUInt32LE(big ? MAX32 : size, 18);
    h.writeUInt32LE(big ? MAX32 : size, 22);
    h.writeUInt16LE(nameBuf.length, 26);
    h.writeUInt16LE(extra.length, 28);
    this.entries.push({ name: nameBuf, crc: crc >>> 0, size, offset: this.offset, ...this.stamp });
    await this.put(Buffer.concat([h, nameBuf, extra]));
  }

  /**
   * Adds a file whose size and CRC-32 are already known (from the copy). The bytes are read again
   * and must match: a source that changed in between fails the export rather than the zip.
   */
  async addFile(name: string, source: string, expected: { bytes: number; crc32: number }, onBytes: (n: number) => void, signal?: AbortSignal): Promise<void> {
    await this.header(name, expected.bytes, expected.crc32);
    const src = await open(source, 'r');
    try {
      let crc = 0;
      let bytes = 0;
      for await (const piece of fileChunks(src, signal)) {
        crc = crc32(piece, crc);
        bytes += piece.byteLength;
        if (bytes > expected.bytes) break;
        await this.put(piece);
        onBytes(piece.byteLength);
      }
      if (bytes !== expected.bytes || crc >>> 0 !== expected.crc32 >>> 0) {
        throw Object.assign(new Error(`${source} changed while it was exported`), { code: 'ECHANGED' });
      }
    } finally {
      await src.close();
    }
  }

  async addData(name: string, data: Uint8Array): Promise<void> {
    await this.header(name, data.byteLength, crc32(data));
    await this.put(data);
  }

  /** Central directory and end records, then fsync. Returns the zip's size and SHA-256. */
  async finish(): Promise<{ bytes: number; sha256: string }> {
    const cdStart = this.offset;
    for (const e of this.entries) {
      const bigSize = e.size >= MAX32;
      const bigOffset = e.offset >= MAX32;
      const extraFields: Buffer[] = [];
      if (bigSize) extraFields.push(u64(e.size), u64(e.size));
      if (bigOffset) extraFields.push(u64(e.offset));
      const body = Buffer.concat(extraFields);
      const extra = body.length ? Buffer.concat([u16(0x0001), u16(body.length), body]) : Buffer.alloc(0);
      const h = Buffer.alloc(46);
      h.writeUInt32LE(CENTRAL_SIG, 0);
      h.writeUInt16LE(MADE_BY, 4);
      h.writeUInt16LE(bigSize || bigOffset ? 45 : 20, 6);
      h.writeUInt16LE(FLAG_UTF8, 8);
      h.writeUInt16LE(0, 10);
      h.writeUInt16LE(e.time, 12);
      h.writeUInt16LE(e.date, 14);
      h.writeUInt32LE(e.crc, 16);
      h.writeUInt32LE(bigSize ? MAX32 : e.size, 20);
      h.writeUInt32LE(bigSize ? MAX32 : e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      h.writeUInt16LE(extra.length, 30);
      h.writeUInt16LE(0, 32); // comment
      h.writeUInt16LE(0, 34); // disk
      h.writeUInt16LE(0, 36); // internal attributes
      h.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
      h.writeUInt32LE(bigOffset ? MAX32 : e.offset, 42);
      await this.put(Buffer.concat([h, e.name, extra]));
    }
    const cdSize = this.offset - cdStart;
    const count = this.entries.length;
    const zip64 = count >= MAX16 || cdSize >= MAX32 || cdStart >= MAX32;
    if (zip64) {
      const z64Offset = this.offset;
      const rec = Buffer.alloc(56);
      rec.writeUInt32LE(ZIP64_END_SIG, 0);
      rec.writeBigUInt64LE(44n, 4);
      rec.writeUInt16LE(MADE_BY, 12);
      rec.writeUInt16LE(45, 14);
      rec.writeUInt32LE(0, 16);
      rec.writeUInt32LE(0, 20);
      rec.writeBigUInt64LE(BigInt(count), 24);
      rec.writeBigUInt64LE(BigInt(count), 32);
      rec.writeBigUInt64LE(BigInt(cdSize), 40);
      rec.writeBigUInt64LE(BigInt(cdStart), 48);
      const loc = Buffer.alloc(20);
      loc.writeUInt32LE(ZIP64_LOCATOR_SIG, 0);
      loc.writeUInt32LE(0, 4);
      loc.writeBigUInt64LE(BigInt(z64Offset), 8);
      loc.writeUInt32LE(1, 16);
      await this.put(Buffer.concat([rec, loc]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_SIG, 0);
    end.writeUInt16LE(Math.min(count, MAX16), 8);
    end.writeUInt16LE(Math.min(count, MAX16), 10);
    end.writeUInt32LE(Math.min(cdSize, MAX32), 12);
    end.writeUInt32LE(Math.min(cdStart, MAX32), 16);
    await this.put(end);
    await this.flush();
    await this.fh.sync();
    await this.fh.close();
    return { bytes: this.offset, sha256: this.hash.digest('hex') };
  }

  /** Closes the file after a failure (the caller deletes it). */
  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n, 0);
  return b;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n), 0);
  return b;
}

/** Bytes a stored entry adds besides its data (local header + central header, both with the name). */
export function zipEntryOverhead(name: string): number {
  return 30 + 46 + 2 * Buffer.byteLength(name, 'utf8') + 40;
}
