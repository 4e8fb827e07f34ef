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
  /** A slower gap at the very start of a run comes from a person's key just before the scan. */
  maxLeadingGapMs: number;
}

export const DEFAULT_BURST: BurstOptions = { maxPauseMs: 200, maxMedianGapMs: 35, minLength: 8, maxLeadingGapMs: 60 };

/** 'started': this key may be the first of a scan, so the caller notes the focused field's text now.
 * 'ime': a scan arrived while a Chinese input method was on, which swallows the characters. */
export type BurstEvent = { kind: 'none' } | { kind: 'started' } | { kind: 'burst'; text: string; typedBefore: string } | { kind: 'ime' };

/** What KeyboardEvent.key says for a key an input method is composing. */
const IME_KEY = 'Process';

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
      // Keys a person typed just before the scanner started belong to the person: a scan begins at
      // its first fast gap.
      let lead = 0;
      while (lead < this.gaps.length && this.gaps[lead]! > this.opts.maxLeadingGapMs) lead++;
      const chars = this.chars.slice(lead);
      const gaps = [...this.gaps.slice(lead), gap];
      const typedBefore = this.chars.slice(0, lead).join('');
      this.reset();
      const fast = gap <= this.opts.maxPauseMs && median(gaps) <= this.opts.maxMedianGapMs;
      const swallowed = chars.filter((c) => c === IME_KEY).length;
      if (fast && swallowed >= this.opts.minLength) return { kind: 'ime' };
      const text = chars.join('');
      return fast && chars.length >= this.opts.minLength && swallowed === 0 ? { kind: 'burst', text, typedBefore } : { kind: 'none' };
    }
    // Shift, Control… arrive between characters of a scanned upper-case code: not a pause, not a char.
    if (key.length !== 1 && key !== IME_KEY) return { kind: 'none' };
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
