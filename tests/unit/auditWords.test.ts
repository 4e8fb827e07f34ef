import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { actionWords, AUDIT_ACTIONS, detailWords } from '../../src/renderer/components/manager/auditWords.js';

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

test('every action the station writes to the audit log has words for people', () => {
  const written = new Set<string>();
  for (const file of sources('src/main')) {
    for (const m of readFileSync(file, 'utf8').matchAll(/action: '([a-z_]+\.[A-Za-z_.]+)'/g)) written.add(m[1]!);
  }
  assert.ok(written.has('export.run') && written.has('check.override'), [...written].join(', '));
  const missing = [...written].filter((a) => !(a in AUDIT_ACTIONS));
  assert.deepEqual(missing, [], `audit actions without words: ${missing.join(', ')}`);
});

test('actions and details read as sentences, without ids', () => {
  assert.equal(actionWords('export.run', 'zh-CN'), '导出当日批次');
  assert.equal(actionWords('report.pdf', 'en'), 'Saved the day report PDF');
  assert.equal(actionWords('check.override', 'zh-CN'), '放行未通过项');
  assert.equal(detailWords('check.override', { captureId: 'c0ffee00-0000-4000-8000-000000000000', checkId: 'mouth.closed' }, 'zh-CN'), '检查项：嘴巴闭合');
  assert.equal(detailWords('settings.idle_lock', { from: 5, to: 10 }, 'zh-CN'), '5 → 10 分钟');
  assert.equal(detailWords('report.pdf', { from: '2026-12-07', to: '2026-12-07', path: '/x/日报.pdf', bytes: 2048 }, 'en'), '2026-12-07 to 2026-12-07; saved to /x/日报.pdf; 2 KB');
});
