import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/testdata next to the checkout (read-only); CC_TESTDATA overrides, as for every test. */
export const TESTDATA_DIR = process.env['CC_TESTDATA'] ?? fileURLToPath(new URL('../../../shared/testdata', import.meta.url));
export const IDENTITIES_DIR = join(TESTDATA_DIR, 'faces', 'identities');
export const PORTRAITS_DIR = join(TESTDATA_DIR, 'faces', 'portraits');

export interface IdentityPhoto {
  person: string;
  file: string;
  /** person/N.png, for messages. */
  label: string;
}

/** 8 people × 5 face crops (150×150 grey): 80 same-person pairs, 700 different-person pairs. */
export function identityPhotos(): IdentityPhoto[] {
  const out: IdentityPhoto[] = [];
  for (const person of readdirSync(IDENTITIES_DIR).sort()) {
    for (const name of readdirSync(join(IDENTITIES_DIR, person)).sort()) {
      if (/\.(png|jpe?g)$/i.test(name)) out.push({ person, file: join(IDENTITIES_DIR, person, name), label: `${person}/${name}` });
    }
  }
  return out;
}

export interface Pair<T> {
  a: T;
  b: T;
  same: boolean;
}

/** Every unordered pair. */
export function allPairs<T extends { person: string }>(items: readonly T[]): Pair<T>[] {
  const pairs: Pair<T>[] = [];
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) pairs.push({ a: items[i]!, b: items[j]!, same: items[i]!.person === items[j]!.person });
  return pairs;
}

/** FAR / FRR at a score threshold (accept when score ≥ t), and the equal error rate over all thresholds. */
export function rocFigures(same: readonly number[], diff: readonly number[], threshold: number) {
  const far = diff.filter((s) => s >= threshold).length / diff.length;
  const frr = same.filter((s) => s < threshold).length / same.length;
  const candidates = [...new Set([...same, ...diff])].sort((x, y) => x - y);
  let eer = 1;
  let eerAt = 0;
  let bestGap = Infinity;
  for (const t of candidates) {
    const fa = diff.filter((s) => s >= t).length / diff.length;
    const fr = same.filter((s) => s < t).length / same.length;
    if (Math.abs(fa - fr) < bestGap || (Math.abs(fa - fr) === bestGap && Math.max(fa, fr) < eer)) {
      bestGap = Math.abs(fa - fr);
      eer = (fa + fr) / 2;
      eerAt = t;
    }
  }
  // Area under the ROC: the chance a random same pair scores above a random different pair.
  let wins = 0;
  for (const s of same) for (const d of diff) wins += s > d ? 1 : s === d ? 0.5 : 0;
  return { far, frr, eer, eerAt, auc: wins / (same.length * diff.length) };
}
