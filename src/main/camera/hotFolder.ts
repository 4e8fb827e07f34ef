import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** What a hot folder reports: a finished file, or whether the folder is there at all. */
export type HotFolderEvent = { kind: 'file'; path: string; bytes: Buffer } | { kind: 'status'; present: boolean };

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff']);

interface Seen {
  size: number;
  mtimeMs: number;
  /** Polls this size has been seen unchanged. */
  stable: number;
  taken: boolean;
}

/** A JPEG is complete when it ends with the End Of Image marker; tether tools write it last. */
function looksComplete(path: string, bytes: Buffer): boolean {
  const ext = extname(path).toLowerCase();
  if (ext === '.jpg' || ext === '.jpeg') return bytes.length > 4 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
  return bytes.length > 0;
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
        const bytes = await readFile(path).catch(() => null);
        if (!bytes || bytes.length !== info.size || !looksComplete(path, bytes)) continue;
        prev.taken = true;
        this.onEvent({ kind: 'file', path, bytes });
      }
    } finally {
      this.polling = false;
    }
  }
}
