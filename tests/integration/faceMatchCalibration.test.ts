import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { allPairs, identityPhotos, PORTRAITS_DIR, rocFigures } from '../../bench/match/identities.js';
import * as variants from '../../bench/match/variants.js';
import { analyseFace, embeddingDistance, type FaceAnalysis } from '../../src/main/faceMatch/analyseFace.js';
import { compareAnalyses } from '../../src/main/faceMatch/compare.js';
import { FACE_MATCH_THRESHOLD, scoreFromDistance } from '../../src/shared/faceMatch/decision.js';
import { tempDir } from '../helpers/tempApp.js';

/**
 * The comparison on the shared identities set (8 people × 5 grey face crops): every same-person pair
 * scores at or above the threshold and every different-person pair below it (bench/match prints the
 * numbers; README "录取照片比对" states them). Then the bad inputs, each with its own status.
 */
describe('face match: calibration on the identities set', () => {
  const analysed: Array<{ person: string; label: string; r: FaceAnalysis }> = [];
  before(async () => {
    for (const p of identityPhotos()) analysed.push({ person: p.person, label: p.label, r: await analyseFace(readFileSync(p.file), 'admission') });
  });

  test('all 40 faces are found, one each, with an embedding of 128 finite numbers', () => {
    assert.equal(analysed.length, 40);
    for (const a of analysed) {
      assert.equal(a.r.faces, 1, a.label);
      assert.equal(a.r.embedding?.length, 128, a.label);
      assert.ok(a.r.embedding!.every(Number.isFinite), a.label);
      // The test faces are grey: said, so such a photo never passes by itself.
      assert.ok(a.r.issues.includes('greyscale'), a.label);
    }
  });

  test('80 same-person pairs score at or above the threshold, 700 different-person pairs below it', () => {
    const pairs = allPairs(analysed).map((p) => ({ ...p, score: scoreFromDistance(embeddingDistance(p.a.r.embedding!, p.b.r.embedding!)) }));
    const same = pairs.filter((p) => p.same);
    const diff = pairs.filter((p) => !p.same);
    assert.equal(same.length, 80);
    assert.equal(diff.length, 700);
    const falseRejects = same.filter((p) => p.score < FACE_MATCH_THRESHOLD).map((p) => `${p.a.label}–${p.b.label} ${p.score}`);
    const falseAccepts = diff.filter((p) => p.score >= FACE_MATCH_THRESHOLD).map((p) => `${p.a.label}–${p.b.label} ${p.score}`);
    assert.deepEqual(falseRejects, []);
    assert.deepEqual(falseAccepts, []);
    const roc = rocFigures(
      same.map((p) => p.score),
      diff.map((p) => p.score),
      FACE_MATCH_THRESHOLD,
    );
    assert.equal(roc.eer, 0);
  });

  test('a photo compared with itself scores 1 and passes when it has no issue', async () => {
    const c = await analyseFace(readFileSync(join(PORTRAITS_DIR, 'portrait-c.jpg')), 'admission');
    assert.deepEqual(c.issues, []);
    const view = compareAnalyses(c, c);
    assert.equal(view.score, 1);
    assert.equal(view.decision, '比对通过');
  });
});

describe('face match: bad input gets its own status, never a silent pass', () => {
  const portrait = (k: 'a' | 'b' | 'c') => readFileSync(join(PORTRAITS_DIR, `portrait-${k}.jpg`));
  let good: FaceAnalysis;
  before(async () => {
    good = await analyseFace(portrait('b'), 'capture');
  });
  const check = async (bytes: Buffer, expected: string, role: 'admission' | 'capture' = 'admission') => {
    const r = await analyseFace(bytes, role);
    assert.ok(r.issues.includes(expected as never), `expected ${expected}, got [${r.issues.join(', ')}]`);
    const view = compareAnalyses(r, good);
    assert.notEqual(view.decision, '比对通过');
    return { r, view };
  };

  test('the real portraits have no issue (no false alarms on colour, light, margins or texture)', async () => {
    for (const k of ['a', 'b', 'c'] as const) assert.deepEqual((await analyseFace(portrait(k), 'admission')).issues, [], k);
  });
  test('no face', async () => {
    const { r, view } = await check(await variants.noFace(), 'no_face');
    assert.equal(r.embedding, null);
    assert.equal(view.score, null);
    assert.equal(view.decision, '需人工确认');
  });
  test('two faces', async () => {
    const { r } = await check(await variants.twoPeople(portrait('a'), portrait('b')), 'multiple_faces');
    assert.equal(r.faces, 2);
  });
  test('a tiny face', async () => {
    await check(await variants.tiny(portrait('c')), 'face_too_small');
  });
  test('a black-and-white admission photo: the same person is still recognised, but a person must confirm', async () => {
    const { view } = await check(await variants.greyscale(portrait('b')), 'greyscale');
    assert.ok(view.score! >= FACE_MATCH_THRESHOLD, `score ${view.score}`);
    assert.equal(view.decision, '需人工确认');
  });
  test('a very dark admission photo', async () => {
    await check(await variants.veryDark(portrait('b')), 'too_dark');
  });
  test('a scanned print: a halftone screen, and a print lying on a white page', async () => {
    await check(await variants.halftoneScan(portrait('b')), 'printed_scan');
    await check(await variants.halftoneScan(portrait('a'), { period: 4, width: 1200 }), 'printed_scan');
    await check(await variants.printOnPage(portrait('b')), 'printed_scan');
  });
  test('a file that is not a picture', async () => {
    await assert.rejects(analyseFace(Buffer.from('not a photo at all'), 'admission'), (err: { code?: string }) => err.code !== undefined);
  });
});

describe('campus-capture match: the CLI prints the same comparison, as stable JSON', () => {
  const tmp = tempDir('cc-match-');
  after(() => tmp.cleanup());
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/main/cli/main.ts', 'match', ...args], { encoding: 'utf8', timeout: 120_000 });

  test('same person: score, threshold, decision and each photo, in the documented fields', () => {
    const [a1, a2] = identityPhotos().filter((p) => p.person === 'howard');
    const r = run(a1!.file, a2!.file, '--json');
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout) as Record<string, unknown> & { admission: Record<string, unknown>; capture: Record<string, unknown> };
    assert.deepEqual(Object.keys(json), ['admission', 'capture', 'score', 'distance', 'threshold', 'passAt', 'failBelow', 'decision', 'decisionEn', 'issues', 'model']);
    assert.deepEqual(Object.keys(json.admission), ['file', 'faces', 'issues', 'interEyePx', 'error']);
    assert.equal(json.threshold, FACE_MATCH_THRESHOLD);
    assert.ok((json.score as number) >= FACE_MATCH_THRESHOLD);
    assert.equal(json.score, Math.round((1 - (json.distance as number)) * 1000) / 1000);
    assert.equal(json.decision, '需人工确认', 'grey test faces never pass by themselves');
    assert.deepEqual(json.issues, [
      { side: 'admission', code: 'greyscale' },
      { side: 'capture', code: 'greyscale' },
    ]);
  });

  test('two different people: 比对不通过; an unreadable file is a line in the report, not a crash; usage errors exit 2', () => {
    const diff = run(join(PORTRAITS_DIR, 'portrait-a.jpg'), join(PORTRAITS_DIR, 'portrait-c.jpg'), '--json');
    assert.equal(diff.status, 0, diff.stderr);
    const d = JSON.parse(diff.stdout) as { decision: string; score: number; issues: unknown[] };
    assert.equal(d.decision, '比对不通过');
    assert.ok(d.score < 0.35);
    assert.deepEqual(d.issues, []);
    const junk = join(tmp.dir, 'junk.jpg');
    writeFileSync(junk, 'nope');
    const bad = run(junk, join(PORTRAITS_DIR, 'portrait-a.jpg'), '--json');
    assert.equal(bad.status, 0, bad.stderr);
    const b = JSON.parse(bad.stdout) as { decision: string; score: null; admission: { error: { code: string } | null; issues: string[] } };
    assert.equal(b.decision, '需人工确认');
    assert.equal(b.score, null);
    assert.ok(b.admission.error?.code);
    assert.deepEqual(b.admission.issues, ['unreadable']);
    const text = run(join(PORTRAITS_DIR, 'portrait-a.jpg'), join(PORTRAITS_DIR, 'portrait-c.jpg'));
    assert.match(text.stdout, /比对不通过 \/ no match/);
    assert.match(text.stdout, /阈值 threshold 0\.40/);
    assert.equal(run(join(PORTRAITS_DIR, 'portrait-a.jpg')).status, 2);
  });
});
