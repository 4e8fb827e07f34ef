import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { configureLogging, createLogger, redact } from '../../src/main/log/logger.js';
import { tempDir } from '../helpers/tempApp.js';

test('logs rotate by size, keep a bounded number of files, and never hold an ID number', () => {
  const tmp = tempDir('cc-log-');
  try {
    configureLogging({ dir: tmp.dir, maxBytes: 2000, keep: 3, level: 'info', echo: false });
    const log = createLogger('test');
    for (let i = 0; i < 200; i++) log.info(`line ${i} for 440106200301011234`, { name: '张三', i });
    log.debug('debug is below the level');
    const files = ['app.log', 'app.1.log', 'app.2.log', 'app.3.log', 'app.4.log'].filter((f) => existsSync(join(tmp.dir, f)));
    assert.deepEqual(files, ['app.log', 'app.1.log', 'app.2.log', 'app.3.log']);
    const all = files.map((f) => readFileSync(join(tmp.dir, f), 'utf8')).join('');
    assert.equal(all.includes('440106200301011234'), false);
    assert.equal(all.includes('张三'), false);
    assert.equal(all.includes('debug is below'), false);
    assert.match(readFileSync(join(tmp.dir, 'app.log'), 'utf8'), /INFO \[test\] line 199 for \[id\]/);
  } finally {
    configureLogging({ dir: tmp.dir, echo: false });
    tmp.cleanup();
  }
});

test('redaction catches ID numbers ending in X', () => {
  assert.equal(redact('id 11010519491231002X ok'), 'id [id] ok');
});
