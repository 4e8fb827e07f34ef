import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listAudit } from '../../src/main/db/queries/audit.js';
import { MAX_PIN_FAILURES, PIN_LOCK_MS } from '../../src/main/services/auth.js';
import { tempApp } from '../helpers/tempApp.js';

test('five wrong PINs lock the station for everyone, across restarts, until the lock expires', async () => {
  let now = new Date('2026-11-25T09:00:00Z');
  const app = await tempApp({ demo: true, now: () => now });
  try {
    const s = app.newSession();
    for (let i = 1; i < MAX_PIN_FAILURES; i++) {
      const r = await app.raw('auth.login', { pin: '0000' }, s);
      assert.ok(!r.ok && r.error.code === 'WRONG_PIN' && r.error.zh.includes(`还可尝试 ${MAX_PIN_FAILURES - i} 次`), JSON.stringify(r));
    }
    const last = await app.raw('auth.login', { pin: '0000' }, s);
    assert.ok(!last.ok && last.error.code === 'LOCKED' && last.error.zh.includes('5 分钟'), JSON.stringify(last));
    // Even the right PIN, from another connection, is refused while locked.
    const right = await app.raw('auth.login', { pin: '9999' }, app.newSession());
    assert.ok(!right.ok && right.error.code === 'LOCKED');
    assert.ok(listAudit(app.ctx.db).some((a) => a.action === 'auth.locked'));
    now = new Date(now.getTime() + PIN_LOCK_MS + 1000);
    assert.ok((await app.raw('auth.login', { pin: '9999' }, app.newSession())).ok);
    // A success resets the count: four more wrong PINs do not lock.
    for (let i = 1; i < MAX_PIN_FAILURES; i++) await app.raw('auth.login', { pin: '0000' }, s);
    assert.ok((await app.raw('auth.login', { pin: '1234' }, s)).ok);
  } finally {
    await app.close();
  }
});
