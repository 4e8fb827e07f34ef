import { access, constants, mkdir, readFile, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportDestination } from '../../shared/export/exportTypes.js';

/** File systems a USB drive or SD card usually carries. */
const REMOVABLE_FS = new Set(['vfat', 'exfat', 'ntfs', 'ntfs3', 'fuseblk', 'msdos', 'hfsplus', 'udf']);
const MOUNT_ROOTS = ['/media/', '/run/media/', '/mnt/'];

async function describe(path: string, kind: ExportDestination['kind'], label: string): Promise<ExportDestination> {
  let freeBytes: number | null = null;
  let writable = false;
  try {
    const s = await statfs(path);
    freeBytes = Number(s.bavail) * Number(s.bsize);
    await access(path, constants.W_OK);
    writable = true;
  } catch {
    // unreadable or read-only: listed, not offered
  }
  return { path, kind, label, freeBytes, writable };
}

/** /proc/mounts escapes spaces and the like as \040 octal. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * Where the export screen offers to write: the station's own exports folder, and every drive
 * mounted under /media, /run/media or /mnt (a USB stick as desktop Linux mounts it). The site
 * manager may also type any folder. Other systems (Windows drive letters) are not listed yet.
 */
export async function listExportDestinations(dataDir: string): Promise<ExportDestination[]> {
  const own = join(dataDir, 'exports');
  await mkdir(own, { recursive: true, mode: 0o700 }).catch(() => undefined);
  const out: ExportDestination[] = [await describe(own, 'station', '本机导出文件夹 / this station')];
  let mounts = '';
  try {
    mounts = await readFile('/proc/mounts', 'utf8');
  } catch {
    return out;
  }
  const seen = new Set<string>();
  for (const line of mounts.split('\n')) {
    const [device, rawPoint, fsType] = line.split(' ');
    if (!device || !rawPoint || !fsType) continue;
    const point = unescapeMount(rawPoint);
    if (!MOUNT_ROOTS.some((r) => point.startsWith(r)) || seen.has(point)) continue;
    seen.add(point);
    const name = point.split('/').filter(Boolean).pop() ?? point;
    out.push(await describe(point, REMOVABLE_FS.has(fsType) ? 'removable' : 'mount', `${name} (${fsType})`));
  }
  return out;
}
