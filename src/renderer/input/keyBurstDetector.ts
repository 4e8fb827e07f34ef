/**
 * Tells a USB barcode scanner (a keyboard wedge) from a person: a scanner types a whole code with a
 * few milliseconds between keys and ends with Enter; nobody types eight keys in a row that fast.
 * The median gap decides, not the largest one, so one delayed key (a busy USB hub, a busy page)
 * does not split a scan in two.
 */
export interface BurstOptions {
  /** A pause longer than this separates two runs of keys. */
  maxPauseMs: number;
  /** Scanners send a key every 2–20 ms; even fast typists stay above ~60 ms between most keys. */
  maxMedianGapMs: number;
  /** Shorter runs are left alone: a fast typist's roll of a few keys is not a scan. */
  minLength: number;
}

export const DEFAULT_BURST: BurstOptions = { maxPauseMs: 200, maxMedianGapMs: 30, minLength: 8 };

/** 'started': this key may be the first of a scan, so the caller notes the focused field's text now. */
export type BurstEvent = { kind: 'none' } | { kind: 'started' } | { kind: 'burst'; text: string };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Infinity;
}

export class KeyBurstDetector {
  private chars: string[] = [];
  private gaps: number[] = [];
  private last = -Infinity;

  constructor(private readonly opts: BurstOptions = DEFAULT_BURST) {}

  /** Feeds one keydown. `key` is KeyboardEvent.key; `at` its timeStamp in ms. */
  onKey(key: string, at: number): BurstEvent {
    const gap = at - this.last;
    if (key === 'Enter') {
      const text = this.chars.join('');
      const isBurst = this.chars.length >= this.opts.minLength && gap <= this.opts.maxPauseMs && median([...this.gaps, gap]) <= this.opts.maxMedianGapMs;
      this.reset();
      return isBurst ? { kind: 'burst', text } : { kind: 'none' };
    }
    // Shift, Control… arrive between characters of a scanned upper-case code: not a pause, not a char.
    if (key.length !== 1) return { kind: 'none' };
    const started = gap > this.opts.maxPauseMs;
    if (started) {
      this.chars = [];
      this.gaps = [];
    } else {
      this.gaps.push(gap);
    }
    this.chars.push(key);
    this.last = at;
    return started ? { kind: 'started' } : { kind: 'none' };
  }

  reset(): void {
    this.chars = [];
    this.gaps = [];
    this.last = -Infinity;
  }
}
