import assert from 'node:assert/strict';
import { test } from 'node:test';
// @ts-expect-error — a plain .mjs build script without type declarations
import { verifyModels, formatReport } from '../../scripts/build-models/verify.mjs';

/** The part of verify.mjs's report this test reads; a request leaving 127.0.0.1 is one of its failures. */
interface ModelReport {
  ok: boolean;
  failures: string[];
}

test('the committed models load in Debian Chromium with tasks-vision 0.10.35 and find the three portraits; nothing leaves 127.0.0.1', { timeout: 120_000 }, async () => {
  const report = (await verifyModels({ chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' })) as ModelReport;
  assert.ok(report.ok, (formatReport as (r: unknown) => string)(report));
  assert.deepEqual(report.failures, []);
});
