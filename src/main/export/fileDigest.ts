import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { openPrivateFile } from '../security/privateFiles.js';

/** Read and write in 1 MiB pieces: a 24 MP original never sits whole in memory. */
export const CHUNK = 1 << 20;

export interface Digest {
  bytes: number;
  sha256: string;
  crc32: number;
}

/** Throws the signal's reason when the export was cancelled; checked between pieces. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/**
 * Copies `source` to a new owner-only file `dest` (never over an existing one: exports hold full ID
 * numbers, the manager copies them on), computing its SHA-256 and CRC-32
 * on the way, and fsyncs it: when this returns, the bytes are on the device as far as the OS can say.
 */
export async function copyWithDigest(source: string, dest: string, onBytes: (n: number) => void, signal?: AbortSignal): Promise<Digest> {
  const src = await open(source, 'r');
  let out: FileHandle | null = null;
  try {
    out = await openPrivateFile(dest);
    const hash = createHash('sha256');
    let crc = 0;
    let bytes = 0;
    for await (const piece of fileChunks(src, signal)) {
      hash.update(piece);
      crc = crc32(piece, crc);
      await writeAll(out, piece);
      bytes += piece.byteLength;
      onBytes(piece.byteLength);
    }
    await out.sync();
    return { bytes, sha256: hash.digest('hex'), crc32: crc };
  } finally {
    await src.close();
    await out?.close();
  }
}

/** Writes a small file whole (manifests, checksums) and fsyncs it, owner-only like every export file. */
export async function writeNewFile(dest: string, data: Uint8Array): Promise<Digest> {
  const out = await openPrivateFile(dest);
  try {
    await writeAll(out, data);
    await out.sync();
  } finally {
    await out.close();
  }
  return { bytes: data.byteLength, sha256: createHash('sha256').update(data).digest('hex'), crc32: crc32(data) };
}

/**
 * A file read front to back in CHUNK pieces, checking for a cancel before each. The piece is a view
 * of one reused buffer: use it (hash, write) before asking for the next.
 */
export async function* fileChunks(fh: FileHandle, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    throwIfAborted(signal);
    const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
    if (bytesRead === 0) return;
    yield buf.subarray(0, bytesRead);
  }
}

/** FileHandle.write may write less than asked (a nearly full disk): loop until all is written. */
export async function writeAll(fh: FileHandle, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.byteLength) {
    const { bytesWritten } = await fh.write(data, off, data.byteLength - off);
    if (bytesWritten <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
    off += bytesWritten;
  }
}

/** Reads a file back (from the destination) and digests it. */
export async function digestFile(path: string, onBytes: (n: number) => void = () => undefined, signal?: AbortSignal): Promise<Digest> {
  const fh = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    let crc = 0;
    let bytes = 0;
    for await (const piece of fileChunks(fh, signal)) {
      hash.update(piece);
      crc = crc32(piece, crc);
      bytes += piece.byteLength;
      onBytes(piece.byteLength);
    }
    return { bytes, sha256: hash.digest('hex'), crc32: crc };
  } finally {
    await fh.close();
  }
}
