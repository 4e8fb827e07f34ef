import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyBurstDetector, type BurstEvent } from '../../src/renderer/input/keyBurstDetector.js';

/** Feeds keys at the given gaps (ms) and returns what the Enter at the end produced. */
function feed(detector: KeyBurstDetector, keys: string[], gapMs: number | number[], start = 1000): BurstEvent {
  let t = start;
  let last: BurstEvent = { kind: 'none' };
  keys.forEach((key, i) => {
    t += Array.isArray(gapMs) ? gapMs[i]! : gapMs;
    last = detector.onKey(key, t);
  });
  return last;
}

const chars = (s: string) => [...s];

test('a scanner burst ending in Enter is a scan, with the exact text', () => {
  const token = 'CC1.eyJyaWQiOiJyLTEifQ.c2lnbmF0dXJl';
  assert.deepEqual(feed(new KeyBurstDetector(), [...chars(token), 'Enter'], 4), { kind: 'burst', text: token, typedBefore: '' });
});

test('a person typing, even quickly, is never a scan', () => {
  assert.deepEqual(feed(new KeyBurstDetector(), [...chars('zhangsan12'), 'Enter'], 110), { kind: 'none' });
  // A fast typist's rolls: some pairs are quick, the run as a whole is not.
  assert.deepEqual(feed(new KeyBurstDetector(), [...chars('20260001'), 'Enter'], [90, 25, 140, 30, 100, 20, 120, 35, 150]), { kind: 'none' });
});

test('one delayed key inside a scan does not split it', () => {
  const token = 'CC1.eyJyaWQiOiJyLTEifQ.c2lnbmF0dXJl';
  const gaps = [...token].map((_, i) => (i === 12 ? 120 : 6));
  assert.deepEqual(feed(new KeyBurstDetector(), [...chars(token), 'Enter'], [...gaps, 6]), { kind: 'burst', text: token, typedBefore: '' });
});

test('short bursts and a slow Enter are not scans', () => {
  assert.deepEqual(feed(new KeyBurstDetector(), [...chars('1234567'), 'Enter'], 5), { kind: 'none' });
  assert.deepEqual(feed(new KeyBurstDetector(), [...chars('12345678'), 'Enter'], [5, 5, 5, 5, 5, 5, 5, 5, 400]), { kind: 'none' });
});

test('typing before a scan does not leak into it; Shift between characters does not break it', () => {
  const d = new KeyBurstDetector();
  feed(d, chars('wang'), 150);
  const keys = ['Shift', 'A', 'b', 'Shift', 'C', ...chars('0123456789'), 'Enter'];
  assert.deepEqual(feed(d, keys, 3, 5000), { kind: 'burst', text: 'AbC0123456789', typedBefore: '' });
});

test('keys a person typed just before the scanner started are not part of the scan, and are reported', () => {
  const d = new KeyBurstDetector();
  // "w" and "a" typed by hand 120 ms apart, the scanner starting 150 ms after the "a".
  const keys = ['w', 'a', ...chars('CC1.abcdefgh'), 'Enter'];
  const gaps = [1000, 120, 150, ...Array<number>(11).fill(4), 5];
  assert.deepEqual(feed(d, keys, gaps), { kind: 'burst', text: 'CC1.abcdefgh', typedBefore: 'wa' });
});

test('a scan swallowed by a Chinese input method is reported as such, not as text', () => {
  const keys = [...Array<string>(20).fill('Process'), 'Enter'];
  assert.deepEqual(feed(new KeyBurstDetector(), keys, 4), { kind: 'ime' });
});

test('the first key after a pause reports "started" so the field text can be kept', () => {
  const d = new KeyBurstDetector();
  assert.equal(d.onKey('a', 100).kind, 'started');
  assert.equal(d.onKey('b', 104).kind, 'none');
  assert.equal(d.onKey('c', 400).kind, 'started');
});
