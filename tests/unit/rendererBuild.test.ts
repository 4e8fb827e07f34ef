import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { META_CSP } from '../../src/shared/contentSecurityPolicy.js';

// npm test builds the renderer first; these read what Electron and the web shell will serve.
const dist = join(process.cwd(), 'dist', 'renderer');

test('the built page carries the shared CSP in its meta tag (all Electron gets on file://)', () => {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  assert.ok(html.includes(`content="${META_CSP}"`), 'meta CSP equals the shared policy');
  assert.equal(html.includes('%CC_CSP%'), false);
});

test('the bundle references no remote host: no CDN, no fonts, no telemetry', () => {
  const files = readdirSync(join(dist, 'assets')).filter((f) => /\.(js|css|html)$/.test(f));
  assert.ok(files.length > 0);
  for (const f of [...files.map((x) => join(dist, 'assets', x)), join(dist, 'index.html')]) {
    const text = readFileSync(f, 'utf8');
    // Links in licence comments and React's error-decoder URL are text, not requests; look for loads.
    const loads = text.match(/(?:src|href)\s*=\s*["']https?:\/\/[^"']+|url\(\s*["']?https?:\/\/[^)]+|import\(\s*["']https?:\/\//g) ?? [];
    assert.deepEqual(loads, [], f);
  }
});
