/**
 * Splits `gphoto2 --capture-movie --stdout` output (JPEG frames back to back, no boundaries) into
 * frames by walking each JPEG's structure: marker segments are skipped by their declared length and
 * only the entropy-coded data after SOS is scanned, where an 0xFF is always stuffed (FF 00), a
 * restart marker (FF D0–D7) or the next marker. So a thumbnail inside an APP1 (EXIF) segment, with
 * its own FF D8 … FF D9, is skipped whole instead of ending the frame at its EOI, which is what a
 * scan for FF D9 would do. Garbage between frames, and a frame cut short (the next frame's SOI
 * turns up where a marker or scan data was expected), are dropped and counted; parsing resumes at
 * the next SOI. Pure: no I/O, fed chunk by chunk.
 */

export interface JpegFrame {
  jpeg: Buffer;
  width: number;
  height: number;
}

export interface SplitterStats {
  frames: number;
  /** Bytes that belonged to no complete frame: garbage, or broken frames. */
  droppedBytes: number;
  /** Frames started but never completed (cut short, corrupt, or too large). */
  brokenFrames: number;
}

export interface SplitterOptions {
  /** A "frame" larger than this is corrupt (a live-view JPEG is < 1 MB). */
  maxFrameBytes?: number;
}

const DEFAULT_MAX_FRAME = 16 * 1024 * 1024;

/** Markers without a length field: TEM and RST0–RST7 (SOI and EOI are handled on their own). */
function standalone(m: number): boolean {
  return m === 0x01 || (m >= 0xd0 && m <= 0xd7);
}

/** SOFn markers carry the frame's size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
function isSof(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

export class JpegFrameSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Index of the current frame's SOI in buf, or -1 while looking for one. */
  private start = -1;
  /** Next byte to examine. */
  private cursor = 0;
  private mode: 'markers' | 'entropy' = 'markers';
  private width = 0;
  private height = 0;
  private readonly maxFrame: number;
  readonly stats: SplitterStats = { frames: 0, droppedBytes: 0, brokenFrames: 0 };

  constructor(opts: SplitterOptions = {}) {
    this.maxFrame = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME;
  }

  /** Bytes held for a frame still arriving. */
  get pending(): number {
    return this.buf.length;
  }

  push(chunk: Uint8Array): JpegFrame[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const frames: JpegFrame[] = [];
    for (;;) {
      const r = this.step();
      if (r === 'more') break;
      if (r !== 'continue') frames.push(r);
    }
    return frames;
  }

  /** Bytes left over at the end of the stream belong to no frame. */
  end(): void {
    if (this.buf.length > 0) {
      if (this.start >= 0) this.stats.brokenFrames++;
      this.stats.droppedBytes += this.buf.length;
    }
    this.buf = Buffer.alloc(0);
    this.start = -1;
    this.cursor = 0;
  }

  /** Drops buf[0, n): compaction keeps the buffer to the frame being parsed. */
  private drop(n: number, counted: boolean): void {
    if (n <= 0) return;
    if (counted) this.stats.droppedBytes += n;
    this.buf = this.buf.subarray(n);
    this.cursor -= n;
    if (this.start >= 0) this.start -= n;
  }

  /** The current frame is broken: drop it up to `from` (where the search for the next SOI resumes). */
  private broken(from: number): 'continue' {
    this.stats.brokenFrames++;
    this.start = -1;
    this.cursor = Math.max(0, from);
    this.drop(this.cursor, true);
    return 'continue';
  }

  private step(): JpegFrame | 'more' | 'continue' {
    const b = this.buf;
    if (this.start < 0) {
      // SOI followed by the next marker's 0xFF: FF D8 FF.
      let i = b.indexOf(0xff, this.cursor);
      while (i >= 0 && i + 2 < b.length && !(b[i + 1] === 0xd8 && b[i + 2] === 0xff)) i = b.indexOf(0xff, i + 1);
      if (i < 0) {
        this.drop(b.length, true);
        return 'more';
      }
      if (i + 2 >= b.length) {
        this.drop(i, true); // keep the possible start of an SOI
        return 'more';
      }
      this.drop(i, true);
      this.start = 0;
      this.cursor = 2;
      this.mode = 'markers';
      this.width = 0;
      this.height = 0;
      return 'continue';
    }
    if (this.cursor - this.start > this.maxFrame) return this.broken(this.start + 1);
    if (this.mode === 'entropy') {
      let i = this.cursor;
      for (;;) {
        i = b.indexOf(0xff, i);
        if (i < 0 || i + 1 >= b.length) {
          this.cursor = i < 0 ? b.length : i;
          return b.length - this.start > this.maxFrame ? this.broken(this.start + 1) : 'more';
        }
        const n = b[i + 1]!;
        if (n === 0x00 || (n >= 0xd0 && n <= 0xd7)) i += 2;
        else if (n === 0xff) i += 1;
        else break;
      }
      this.cursor = i;
      this.mode = 'markers';
      return 'continue';
    }
    // Markers: FF (fill FFs) xx [length].
    let c = this.cursor;
    if (c >= b.length) return 'more';
    if (b[c] !== 0xff) return this.broken(this.start + 1);
    while (c + 1 < b.length && b[c + 1] === 0xff) c++;
    if (c + 1 >= b.length) return 'more';
    const m = b[c + 1]!;
    if (m === 0xd8) return this.broken(c); // a new SOI where this frame should go on: it was cut short
    if (m === 0xd9) {
      const end = c + 2;
      const jpeg = Buffer.from(b.subarray(this.start, end));
      const ok = this.width > 0 && this.height > 0;
      this.start = -1;
      this.cursor = end;
      this.drop(end, !ok);
      if (!ok) {
        this.stats.brokenFrames++;
        return 'continue';
      }
      this.stats.frames++;
      return { jpeg, width: this.width, height: this.height };
    }
    if (standalone(m)) {
      this.cursor = c + 2;
      return 'continue';
    }
    if (c + 3 >= b.length) return 'more';
    const length = b.readUInt16BE(c + 2);
    if (length < 2) return this.broken(this.start + 1);
    const segEnd = c + 2 + length;
    if (segEnd - this.start > this.maxFrame) return this.broken(this.start + 1);
    if (isSof(m)) {
      if (length < 7) return this.broken(this.start + 1);
      if (c + 9 > b.length) return 'more';
      this.height = b.readUInt16BE(c + 5);
      this.width = b.readUInt16BE(c + 7);
    }
    if (segEnd > b.length) return 'more';
    this.cursor = segEnd;
    if (m === 0xda) this.mode = 'entropy';
    return 'continue';
  }
}
