/**
 * HTTP Range requests (RFC 9110 §14) over a file of known size. electron-updater's differential
 * download asks for many ranges at once (up to 1000 per request, answered as
 * multipart/byteranges) or one at a time; a resumed full download asks for `bytes=N-`.
 */
export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

/** More ranges than electron-updater ever sends in one request is not a download but a probe. */
export const MAX_RANGES = 1000;

/**
 * 'full' when the header is absent, malformed or not worth honouring (the whole file is then sent
 * with 200, as the RFC allows); 'unsatisfiable' when no range overlaps the file (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange[] | 'full' | 'unsatisfiable' {
  if (header === undefined) return 'full';
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return 'full';
  const specs = m[1]!.split(',');
  if (specs.length > MAX_RANGES) return 'full';
  const ranges: ByteRange[] = [];
  for (const raw of specs) {
    const spec = raw.trim();
    const r = /^(\d*)-(\d*)$/.exec(spec);
    if (!r || (r[1] === '' && r[2] === '')) return 'full';
    if (r[1] === '') {
      // The last N bytes.
      const n = Number(r[2]);
      if (n === 0) continue;
      ranges.push({ start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    const start = Number(r[1]);
    let end = r[2] === '' ? Number.MAX_SAFE_INTEGER : Number(r[2]);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return 'full';
    if (start >= size) continue;
    end = Math.min(end, size - 1);
    ranges.push({ start, end });
  }
  if (ranges.length === 0) return 'unsatisfiable';
  // Overlapping ranges that add up to more than the file twice over only amplify the answer.
  const total = ranges.reduce((n, r) => n + r.end - r.start + 1, 0);
  if (total > 2 * size + 1024) return 'full';
  return ranges;
}
