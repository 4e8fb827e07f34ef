import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBase64url, encodeBase64url } from '../../src/shared/base64url.js';
import { classifyCode } from '../../src/shared/checkin/codeKind.js';
import {
  newSigningKey,
  parseReservationToken,
  publicKeyFromSecret,
  signReservationToken,
  TOKEN_MAX_LENGTH,
  verifyTokenSignature,
  type ReservationTokenPayload,
} from '../../src/shared/checkin/reservationToken.js';

const payload: ReservationTokenPayload = { rid: 'r-1', sid: 's-1', task: 'T2026', slot: '2026-11-25-0900', exp: 1_900_000_000 };

function verify(token: string, publicKey: Uint8Array): 'malformed' | boolean {
  const parsed = parseReservationToken(token);
  return parsed.ok ? verifyTokenSignature(parsed, publicKey) : 'malformed';
}

test('a signed token parses back to its payload and verifies with the matching public key only', () => {
  const key = newSigningKey();
  const token = signReservationToken(payload, key);
  assert.match(token, /^CC1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
  const parsed = parseReservationToken(token);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.payload, payload);
  assert.equal(verifyTokenSignature(parsed, publicKeyFromSecret(key)), true);
  assert.equal(verifyTokenSignature(parsed, publicKeyFromSecret(newSigningKey())), false, 'another task key');
  assert.equal(classifyCode(token), 'reservation');
});

test('a changed payload fails the signature even when it is well-formed (a forged token)', () => {
  const key = newSigningKey();
  const token = signReservationToken(payload, key);
  const [, , sig] = token.split('.');
  const forgedBody = encodeBase64url(new TextEncoder().encode(JSON.stringify({ ...payload, sid: 's-2' })));
  assert.equal(verify(`CC1.${forgedBody}.${sig}`, publicKeyFromSecret(key)), false);
  // Re-signed by someone else's key: well-formed, still refused.
  assert.equal(verify(signReservationToken({ ...payload, sid: 's-2' }, newSigningKey()), publicKeyFromSecret(key)), false);
});

test('malformed tokens are told apart from forged ones and never throw', () => {
  const key = newSigningKey();
  const good = signReservationToken(payload, key);
  const [, body, sig] = good.split('.') as [string, string, string];
  const enc = (v: unknown) => encodeBase64url(new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v)));
  const cases = [
    'CC1.',
    'CC1..',
    `CC1.${body}`,
    `CC1.${body}.${sig}.x`,
    `CC1.${body}=.${sig}`,
    `CC1.${body}.${sig}==`,
    `CC1.${body}.${sig.slice(0, 40)}`,
    `CC1.${body.replace(/./, '+')}.${sig}`,
    `CC1.${enc('not json')}.${sig}`,
    `CC1.${enc({ ...payload, extra: 1 })}.${sig}`,
    `CC1.${enc({ ...payload, exp: 'tomorrow' })}.${sig}`,
    `CC1.${enc({ ...payload, task: '../x' })}.${sig}`,
    `CC1.${encodeBase64url(new Uint8Array([0xff, 0xfe, 0x22]))}.${sig}`,
    `CC1.${'A'.repeat(TOKEN_MAX_LENGTH)}.${sig}`,
    `cc1.${body}.${sig}`,
  ];
  for (const c of cases) assert.equal(verify(c, publicKeyFromSecret(key)), 'malformed', c.slice(0, 60));
  assert.equal(verify(good, new Uint8Array(5)), false, 'a broken public key is a failed check, not a crash');
});

test('base64url is strict: one spelling per byte string', () => {
  for (let n = 0; n < 40; n++) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n) & 0xff);
    assert.deepEqual(decodeBase64url(encodeBase64url(bytes)), bytes);
  }
  assert.equal(decodeBase64url('AB'), null, 'non-canonical trailing bits');
  assert.deepEqual(decodeBase64url('AA'), new Uint8Array([0]));
  assert.equal(decodeBase64url('A'), null);
  assert.equal(decodeBase64url('AA=='), null);
  assert.equal(decodeBase64url('A+/A'), null);
});

test('code kinds: 学信网 candidates are long printable tokens, everything else is unknown', () => {
  assert.equal(classifyCode('aGVsbG8gd29ybGQhIGhlbGxvIHdvcmxkIQ=='), 'xuexin');
  assert.equal(classifyCode('hello'), 'unknown');
  assert.equal(classifyCode('https://example.com/some/long/path'), 'unknown');
  assert.equal(classifyCode('有中文的内容有中文的内容有中文的内容'), 'unknown');
  assert.equal(classifyCode('with spaces inside a long text'), 'unknown');
});
