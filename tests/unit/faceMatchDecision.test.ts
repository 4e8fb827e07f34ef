import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decideFaceMatch,
  FACE_MATCH_DECISIONS,
  FACE_MATCH_FAIL_BELOW,
  FACE_MATCH_PASS_AT,
  FACE_MATCH_THRESHOLD,
  needsIdentityConfirmation,
  scoreFromDistance,
} from '../../src/shared/faceMatch/decision.js';
import { FACE_ISSUE_MESSAGES } from '../../src/shared/faceMatch/messages.js';
import { FACE_ISSUES } from '../../src/shared/faceMatch/decision.js';

test('the band sits around the threshold', () => {
  assert.ok(FACE_MATCH_FAIL_BELOW < FACE_MATCH_THRESHOLD && FACE_MATCH_THRESHOLD < FACE_MATCH_PASS_AT);
  assert.equal(FACE_MATCH_PASS_AT, 0.45);
  assert.equal(FACE_MATCH_FAIL_BELOW, 0.35);
});

test('decision bands: pass at and above passAt, person between, no match below failBelow', () => {
  assert.equal(decideFaceMatch(0.9, []), '比对通过');
  assert.equal(decideFaceMatch(0.45, []), '比对通过');
  assert.equal(decideFaceMatch(0.4499, []), '比对通过', 'rounded to 3 decimals as shown: 0.450');
  assert.equal(decideFaceMatch(0.449, []), '需人工确认');
  assert.equal(decideFaceMatch(0.4, []), '需人工确认');
  assert.equal(decideFaceMatch(0.35, []), '需人工确认');
  assert.equal(decideFaceMatch(0.349, []), '比对不通过');
  assert.equal(decideFaceMatch(-0.2, []), '比对不通过');
});

test('no score (no face, unreadable) is never a pass, nor a silent fail', () => {
  assert.equal(decideFaceMatch(null, []), '需人工确认');
  assert.equal(decideFaceMatch(Number.NaN, []), '需人工确认');
});

test('an issue on either photo keeps a high score from passing; a clear mismatch stays a mismatch', () => {
  for (const code of FACE_ISSUES) {
    assert.equal(decideFaceMatch(0.95, [{ side: 'admission', code }]), '需人工确认', code);
    assert.equal(decideFaceMatch(0.95, [{ side: 'capture', code }]), '需人工确认', code);
    assert.equal(decideFaceMatch(0.1, [{ side: 'admission', code }]), '比对不通过', code);
  }
});

test('identity confirmation is needed for 比对不通过 and 需人工确认 only', () => {
  assert.deepEqual(
    FACE_MATCH_DECISIONS.filter((d) => needsIdentityConfirmation(d)),
    ['比对不通过', '需人工确认'],
  );
});

test('score is 1 − distance, 3 decimals', () => {
  assert.equal(scoreFromDistance(0.6), 0.4);
  assert.equal(scoreFromDistance(0.43219), 0.568);
  assert.equal(scoreFromDistance(1.2), -0.2);
});

test('every issue has words in both languages', () => {
  for (const code of FACE_ISSUES) assert.ok(FACE_ISSUE_MESSAGES[code].zh && FACE_ISSUE_MESSAGES[code].en, code);
});
