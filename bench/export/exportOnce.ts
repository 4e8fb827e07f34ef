import { join } from 'node:path';
import { openDatabase } from '../../src/main/db/openDatabase.js';
import { getSetting } from '../../src/main/db/queries/settings.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { runExport } from '../../src/main/export/runExport.js';
import { configureLogging } from '../../src/main/log/logger.js';
import { PiiCipher } from '../../src/main/security/piiCipher.js';
import { localDateOf } from '../../src/shared/localDate.js';

/** One export in a fresh process, so its peak RSS is the export's own: prints one JSON line. */
const [dataDir, outDir, originals] = process.argv.slice(2) as [string, string, string];
configureLogging({ dir: join(dataDir, 'logs') });
const db = openDatabase(join(dataDir, 'station.sqlite'));
const ctx = {
  db,
  pii: PiiCipher.fromKeyFile(join(dataDir, 'keys', 'pii.key')),
  dataDir,
  stationId: getSetting(db, 'station.id')!,
  stationName: getSetting(db, 'station.name') ?? '采集站',
  now: () => new Date(),
};
const today = localDateOf(new Date());
const rssBefore = process.memoryUsage().rss;
const phases: Record<string, number> = {};
const t0 = performance.now();
let last = t0;
let lastPhase = 'plan';
const result = await runExport(
  ctx,
  { taskCode: DEMO_TASK_CODE, from: today, to: today, template: '{学校编码}_{学号}', folders: 'department', originals: originals === 'yes', zip: true, outDir },
  {
    exportId: 'bench',
    operatorId: null,
    via: 'cli',
    onProgress: (p) => {
      if (p.phase === lastPhase) return;
      const now = performance.now();
      phases[lastPhase] = (phases[lastPhase] ?? 0) + (now - last) / 1000;
      last = now;
      lastPhase = p.phase;
    },
  },
);
const seconds = (performance.now() - t0) / 1000;
db.close();
process.stdout.write(
  JSON.stringify({
    seconds,
    phases,
    rssBeforeMB: rssBefore / 1e6,
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / 1e6,
    photos: result.photos,
    originals: result.originals,
    files: result.files,
    bytes: result.bytes,
  }) + '\n',
);
