import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** What a hot folder reports: a finished file, or whether the folder is there at all. */
export type HotFolderEvent = { kind: 'file'; path: string; bytes: Buffer; mtimeMs: number } | { kind: 'status'; present: boolean };

/** Larger files are no camera JPEG (a 61 MP raw-converted JPEG is ~40 MB); they are reported, not read. */
const MAX_FILE_BYTES = 100 * 1024 * 1024;

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff']);

interface Seen {
  size: number;
  mtimeMs: number;
  /** Polls this size has been seen unchanged. */
  stable: number;
  taken: boolean;
}

/** A JPEG is complete once its End Of Image marker is written; some tools pad after it (zeros or
 * 0xFF), so the marker is looked for in the tail, with only padding after it. */
function looksComplete(path: string, tail: Buffer, size: number): boolean {
  const ext = extname(path).toLowerCase();
  if (ext !== '.jpg' && ext !== '.jpeg') return size > 0;
  let end = tail.length;
  while (end > 0 && (tail[end - 1] === 0x00 || tail[end - 1] === 0xff)) end--;
  // `end` now stops after the D9 of FF D9 (whose FF the loop left alone only if D9 followed it).
  return end >= 2 && tail[end - 1] === 0xd9 && tail[end - 2] === 0xff;
}

async function readTail(path: string, size: number, length = 4096): Promise<Buffer | null> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const n = Math.min(length, size);
    const buf = Buffer.alloc(n);
    await handle.read(buf, 0, n, size - n);
    return buf;
  } finally {
    await handle.close();
  }
}

/**
 * Watches the folder a vendor tether tool (EOS Utility, Camera Control Pro, Capture One) writes
 * into. Polling rather than fs.watch: it works the same on network shares and FAT cards, and a
 * folder that vanishes (drive unplugged) and comes back is noticed. A file is taken once, when its
 * size has stopped changing for two polls and (for JPEG) its last marker has been written. Files
 * already there when watching starts belong to earlier sessions and are left alone.
 */
export class HotFolderWatcher {
  private seen = new Map<string, Seen>();
  private timer: NodeJS.Timeout | undefined;
  private present: boolean | undefined;
  private polling = false;

  constructor(
    private readonly folder: string,
    private readonly onEvent: (e: HotFolderEvent) => void,
    private readonly intervalMs = 400,
  ) {}

  async start(): Promise<void> {
    await this.poll(true);
    this.timer = setInterval(() => void this.poll(false), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private setPresent(present: boolean): void {
    if (this.present === present) return;
    this.present = present;
    this.onEvent({ kind: 'status', present });
  }

  private async poll(initial: boolean): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      let names: string[];
      try {
        names = await readdir(this.folder);
      } catch {
        this.setPresent(false);
        return;
      }
      this.setPresent(true);
      for (const name of names) {
        if (name.startsWith('.') || !IMAGE_EXTENSIONS.has(extname(name).toLowerCase())) continue;
        const path = join(this.folder, name);
        let info;
        try {
          info = await stat(path);
        } catch {
          continue; // gone between listing and looking: a tool's temporary file
        }
        if (!info.isFile()) continue;
        const prev = this.seen.get(name);
        if (!prev || prev.size !== info.size || prev.mtimeMs !== info.mtimeMs) {
          // A file rewritten in place after it was taken is a new shot.
          this.seen.set(name, { size: info.size, mtimeMs: info.mtimeMs, stable: 0, taken: initial });
          continue;
        }
        if (prev.taken) continue;
        prev.stable++;
        if (prev.stable < 2) continue;
        // Only the tail is read while waiting: a 24 MB file is not re-read on every poll.
        const tail = info.size > MAX_FILE_BYTES ? null : await readTail(path, info.size);
        if (info.size <= MAX_FILE_BYTES && (!tail || !looksComplete(path, tail, info.size))) continue;
        prev.taken = true;
        const bytes = info.size > MAX_FILE_BYTES ? Buffer.alloc(0) : await readFile(path).catch(() => null);
        if (!bytes || (bytes.length !== info.size && info.size <= MAX_FILE_BYTES)) {
          prev.taken = false; // changed under us: look again next poll
          continue;
        }
        this.onEvent({ kind: 'file', path, bytes, mtimeMs: info.mtimeMs });
      }
    } finally {
      this.polling = false;
    }
  }
}
