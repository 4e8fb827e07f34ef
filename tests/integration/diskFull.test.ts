import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createAppContext } from '../../src/main/app/createAppContext.js';
import { upsertTask } from '../../src/main/db/queries/tasks.js';
import { demoRosterCsv, generateDemoStudents } from '../../src/shared/demo/demoRoster.js';
import { createHandlers } from '../../src/main/rpc/handlers.js';
import { createRouter } from '../../src/main/rpc/router.js';

const isRoot = process.getuid?.() === 0;

/** Fills the file system until it refuses, like a photographer's laptop at the end of a long day. */
function fillDisk(dir: string): string {
  const file = join(dir, 'filler.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return file;
}

test('a full disk during a roster import is a clear DISK_FULL error; nothing is half-written and the import works once there is room', { skip: !isRoot && 'mounting a small tmpfs needs root (CI runs as root)' }, async () => {
  const mnt = mkdtempSync(join(tmpdir(), 'cc-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]);
  try {
    const dataDir = join(mnt, 'station');
    mkdirSync(dataDir);
    const ctx = await createAppContext({ dataDir, demo: false });
    const now = new Date().toISOString();
    upsertTask(ctx.db, { code: 'FULL1', name: 't', school_name: '示范大学', school_code: '99999', site: 's', session_dates: '[]', slots: '[]', spec_id: 'xuexin', price_cents: 0, public_key: null }, now);
    const dispatch = createRouter(createHandlers(ctx, 'websocket'));
    const session = { operator: { id: 'm', name: 'm', role: 'manager' as const }, transport: 'websocket' as const };
    const csv = Buffer.from(demoRosterCsv(generateDemoStudents(2000, 5), '示范大学', '99999')).toString('base64');
    const filler = fillDisk(mnt);

    const full = await dispatch('roster.import', { taskCode: 'FULL1', fileName: 'r.csv', contentBase64: csv }, session);
    assert.ok(!full.ok, 'the import cannot succeed on a full disk');
    assert.equal(full.error.code, 'DISK_FULL', JSON.stringify(full.error));
    assert.match(full.error.zh, /磁盘空间不足/);
    assert.equal((ctx.db.prepare('SELECT count(*) n FROM students').get() as { n: number }).n, 0, 'no partial roster');
    assert.equal((ctx.db.prepare("SELECT count(*) n FROM audit_log WHERE action = 'roster.import'").get() as { n: number }).n, 0);

    rmSync(filler);
    const ok = await dispatch('roster.import', { taskCode: 'FULL1', fileName: 'r.csv', contentBase64: csv }, session);
    assert.ok(ok.ok, JSON.stringify(ok));
    assert.equal((ctx.db.prepare('SELECT count(*) n FROM students').get() as { n: number }).n, 2000);
    await ctx.close();
  } finally {
    execFileSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  }
});
