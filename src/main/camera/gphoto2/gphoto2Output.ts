/**
 * What the `gphoto2` command prints, read into data: camera lists, summaries, card listings, saved
 * files, storage, and its error messages sorted into the faults the station acts on. Pure; the
 * formats are gphoto2 2.5.x's (Debian bookworm: gphoto2 2.5.28 on libgphoto2 2.5.30), checked
 * against the real command in tests/unit/gphoto2Output.test.ts.
 */

export interface DetectedCamera {
  model: string;
  port: string;
}

/** `gphoto2 --auto-detect`: a header, a rule of dashes, then "Model   Port" rows. */
export function parseAutoDetect(stdout: string): DetectedCamera[] {
  const lines = stdout.split('\n');
  const rule = lines.findIndex((l) => /^-{10,}/.test(l.trim()));
  if (rule < 0) return [];
  const cameras: DetectedCamera[] = [];
  for (const line of lines.slice(rule + 1)) {
    const m = /^(.+?)\s{2,}(\S+)\s*$/.exec(line);
    if (m) cameras.push({ model: m[1]!.trim(), port: m[2]! });
  }
  return cameras;
}

export interface CameraSummary {
  manufacturer: string | null;
  model: string | null;
  serial: string | null;
}

export function parseSummary(stdout: string): CameraSummary {
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.+?)\\s*$`, 'm').exec(stdout)?.[1] ?? null;
  return { manufacturer: field('Manufacturer'), model: field('Model'), serial: field('Serial Number') };
}

export interface CardFile {
  folder: string;
  /** 1-based number within its folder, as `--get-file` takes it. */
  index: number;
  name: string;
  /** Seconds since the epoch, when the listing shows it. */
  mtime: number | null;
}

/** `gphoto2 --list-files`: "There are N files in folder 'F'." then "#i  NAME  rd  1572 KB image/jpeg 1795649866" rows. */
export function parseListFiles(stdout: string): CardFile[] {
  const files: CardFile[] = [];
  let folder: string | null = null;
  for (const line of stdout.split('\n')) {
    const f = /^There (?:is|are) (?:no|\d+) files? in folder '(.*)'\.\s*$/.exec(line);
    if (f) {
      folder = f[1]!;
      continue;
    }
    const r = /^#(\d+)\s+(\S+)(.*)$/.exec(line);
    if (r && folder !== null) {
      const mtime = /\s(\d{9,11})\s*$/.exec(r[3]!)?.[1];
      files.push({ folder, index: Number(r[1]), name: r[2]!, mtime: mtime ? Number(mtime) : null });
    }
  }
  return files;
}

/** "Saving file as PATH" lines, in order (capture, wait-event and get-file alike). */
export function parseSavedFiles(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^Saving file as (.+?)\s*$/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** The first storage's free images / free KB from `--storage-info`, when the camera reports them. */
export function parseStorageInfo(stdout: string): { freeImages: number | null; freeKb: number | null } {
  const images = /^freeimages=(\d+)/m.exec(stdout)?.[1];
  const kb = /^free=(\d+) KB/m.exec(stdout)?.[1];
  return { freeImages: images === undefined ? null : Number(images), freeKb: kb === undefined ? null : Number(kb) };
}

export type FaultCode =
  | 'disconnected'
  | 'claimed'
  | 'store-full'
  | 'liveview-unsupported'
  | 'liveview-refused'
  | 'liveview-failed'
  | 'busy'
  | 'timeout'
  | 'other';

export interface ClassifiedFailure {
  code: FaultCode;
  /** The camera's own words where it gives a reason (live view refused: "Card protected", …). */
  detail: string | null;
}

/**
 * Sorts what gphoto2 printed when a run failed. The order matters: a live view that could not be
 * re-enabled says "PTP Device Busy" too, and is a live-view failure rather than a busy camera.
 */
export function classifyFailure(output: string): ClassifiedFailure {
  const has = (re: RegExp) => re.test(output);
  if (
    has(/Could not find the requested device|PTP No Device|\(-52:|\(-7: 'I\/O problem'\)|Could not detect any camera|No camera found|Could not find USB device/i)
  ) {
    return { code: 'disconnected', detail: null };
  }
  if (has(/Could not claim the USB device|Could not claim interface|\(-53:/)) return { code: 'claimed', detail: null };
  if (has(/ran full|Store Full|StoreFull|\(-3: 'Out of memory'\)|\(-115:/)) return { code: 'store-full', detail: null };
  if (has(/does not support LiveView|does not support (generic )?capture preview|\(-6: 'Unsupported operation'\)/i)) {
    return { code: 'liveview-unsupported', detail: null };
  }
  const refused = /Liveview cannot start: (.+)/.exec(output);
  if (refused) return { code: 'liveview-refused', detail: refused[1]!.trim() };
  if (has(/enable liveview failed|Movie capture error|get liveview image|viewfinder/i)) return { code: 'liveview-failed', detail: null };
  if (has(/PTP Device Busy|\(-110:|I\/O in progress|Camera is busy/i)) return { code: 'busy', detail: null };
  if (has(/\(-10: 'Timeout|Timeout reading from or writing to the port/)) return { code: 'timeout', detail: null };
  return { code: 'other', detail: /\*\*\* Error[^\n]*\n([^\n]+)/.exec(output)?.[1]?.trim() ?? null };
}
