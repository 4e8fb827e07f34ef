import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { seededRandom } from '../../src/shared/demo/seededRandom.js';
import { ScanOutcome } from '../../src/shared/checkin/scanOutcome.js';
import { tempApp } from '../helpers/tempApp.js';

const PRINTABLE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/= !"#$%&\'()*,:;<>?@[]^`{|}~';

type Mutator = (rand: () => number, tokens: readonly string[]) => string;

const int = (rand: () => number, n: number) => Math.floor(rand() * n);
const randomString = (rand: () => number, alphabet: string, length: number) => Array.from({ length }, () => alphabet[int(rand, alphabet.length)]).join('');

/** Ten kinds of bad input, each a tenth of the 10,000: what a broken phone screen, a mis-set scanner
 * or someone hand-crafting codes could produce. */
const MUTATORS: Record<string, Mutator> = {
  randomPrintable: (r) => randomString(r, PRINTABLE, 1 + int(r, 300)),
  randomUnicode: (r) => Array.from({ length: 1 + int(r, 80) }, () => String.fromCharCode(int(r, 0x10000))).join(''),
  huge: (r) => (r() < 0.5 ? 'CC1.' : '') + randomString(r, PRINTABLE, 4000 + int(r, 4000)),
  truncated: (r, t) => {
    const token = t[int(r, t.length)]!;
    return token.slice(0, 1 + int(r, token.length - 1));
  },
  wrongBase64: (r, t) => {
    const token = t[int(r, t.length)]!;
    const at = 4 + int(r, token.length - 4);
    return token.slice(0, at) + '+/=!%~'[int(r, 6)] + token.slice(at + 1);
  },
  flippedBit: (r, t) => {
    const token = t[int(r, t.length)]!;
    const at = int(r, token.length);
    return token.slice(0, at) + String.fromCharCode(token.charCodeAt(at) ^ (1 << int(r, 7))) + token.slice(at + 1);
  },
  flippedPayloadByte: (r, t) => {
    const [, body, sig] = t[int(r, t.length)]!.split('.') as [string, string, string];
    const bytes = Buffer.from(body, 'base64url');
    bytes[int(r, bytes.length)]! ^= 1 << int(r, 8);
    return `CC1.${bytes.toString('base64url')}.${sig}`;
  },
  swappedSignature: (r, t) => {
    const a = t[int(r, t.length)]!.split('.');
    const b = t[int(r, t.length)]!.split('.');
    return `CC1.${a[1]}.${b[2]}`;
  },
  extraSegments: (r, t) => {
    const token = t[int(r, t.length)]!;
    return r() < 0.5 ? `${token}.${token.split('.')[2]}` : token.replace('.', '..');
  },
  binaryControl: (r) => 'CC1.' + Array.from({ length: 1 + int(r, 200) }, () => String.fromCharCode(int(r, 32))).join(''),
};

let app: Awaited<ReturnType<typeof tempApp>>;
before(async () => {
  app = await tempApp({ demo: true });
});
after(() => app.close());

test('10,000 random and mutated payloads through decode-and-verify: no crash, no hang, each classified with a message, none admitted', { timeout: 300_000 }, async () => {
  const session = await app.loggedIn();
  const tokens = app.ctx.db.prepare(`SELECT token FROM reservations WHERE state = 'active' LIMIT 50`).pluck().all() as string[];
  const rand = seededRandom(3);
  const kinds = Object.entries(MUTATORS);
  const tally = new Map<string, number>();
  for (let i = 0; i < 10_000; i++) {
    const [name, mutate] = kinds[i % kinds.length]!;
    const text = mutate(rand, tokens);
    const r = await app.raw('checkin.scan', { taskCode: DEMO_TASK_CODE, text, source: 'scanner' }, session);
    if (!r.ok) {
      // Only the contract's own bounds (empty or > 4096 characters) may refuse the call itself.
      assert.equal(r.error.code, 'BAD_INPUT', `${name}: ${JSON.stringify(text.slice(0, 80))} → ${r.error.code}`);
      assert.ok(text.length === 0 || text.length > 4096, `${name}: refused a bounded text`);
      assert.ok(r.error.zh && r.error.en);
      tally.set('BAD_INPUT', (tally.get('BAD_INPUT') ?? 0) + 1);
      continue;
    }
    const { outcome } = r.value as { outcome: unknown };
    const parsed = ScanOutcome.parse(outcome);
    if (parsed.kind === 'student') {
      // Only a mutation that changed nothing the station reads (trailing whitespace) may pass.
      assert.ok(tokens.includes(text.trim()), `${name} admitted a changed token: ${text.slice(0, 80)}`);
    } else {
      assert.ok(parsed.zh.length > 0 && parsed.en.length > 0);
    }
    const key = parsed.kind === 'refused' ? parsed.reason : parsed.kind;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  // The mix must actually reach the interesting branches, or the test proves little.
  for (const reason of ['malformed', 'bad_signature', 'unrecognized', 'unmatched_xuexin', 'BAD_INPUT']) assert.ok((tally.get(reason) ?? 0) > 100, `${reason}: ${tally.get(reason)}`);
});
