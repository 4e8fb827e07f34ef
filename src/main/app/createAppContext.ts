import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/openDatabase.js';
import { getSetting, setSetting } from '../db/queries/settings.js';
import { seedDemoOperators, seedDemoTask } from '../demo/seedDemo.js';
import { configureLogging } from '../log/logger.js';
import { PiiCipher } from '../security/piiCipher.js';
import { loadSpecProfiles } from '../spec/specProfiles.js';
import { CameraService } from '../camera/cameraService.js';
import { StationSync, type EngineTuning } from '../sync/stationSync.js';
import type { AppContext, EventSink } from '../services/AppContext.js';
import { createUpdaterSlot, type UpdaterSlot } from '../services/updatesService.js';
import { startVersionLog } from '../services/updatesVersionLog.js';
import { packageVersion } from './packageRoot.js';
import { ensurePrivateDir } from './privateDir.js';

export interface AppOptions {
  dataDir: string;
  /** Seed demo operators and the demo task when the station has none. */
  demo: boolean;
  /** Students in the demo task when it is seeded (default 300). */
  demoStudents?: number;
  now?: () => Date;
  logToStderr?: boolean;
  /** Sync engine timings (tests shorten them). */
  syncTuning?: EngineTuning;
}

/** Everything the main side needs, built once: database, PII key, station identity, event fan-out. */
export type StationContext = AppContext & {
  camera: CameraService;
  sync: StationSync;
  /** The installed app's updater, registered by the Electron shell; empty in the web shell. */
  updates: UpdaterSlot;
  subscribe(sink: EventSink): () => void;
  close(): Promise<void>;
};

export async function createAppContext(opts: AppOptions): Promise<StationContext> {
  ensurePrivateDir(opts.dataDir);
  configureLogging({ dir: join(opts.dataDir, 'logs'), echo: opts.logToStderr ?? false });
  const db = openDatabase(join(opts.dataDir, 'station.sqlite'));
  const pii = PiiCipher.fromKeyFile(join(opts.dataDir, 'keys', 'pii.key'));
  let stationId = getSetting(db, 'station.id');
  if (!stationId) {
    stationId = randomUUID();
    setSetting(db, 'station.id', stationId);
    setSetting(db, 'station.name', `采集站 ${hostname().slice(0, 16)}`);
  }
  const sinks = new Set<EventSink>();
  const emit: EventSink = (name, payload) => {
    for (const s of sinks) s(name, payload);
  };
  const ctx: AppContext = {
    db,
    pii,
    dataDir: opts.dataDir,
    stationId,
    stationName: getSetting(db, 'station.name') ?? '采集站',
    demo: opts.demo,
    version: packageVersion(),
    now: opts.now ?? (() => new Date()),
    emit,
    specs: loadSpecProfiles(opts.dataDir),
  };
  // This start and its version, for the day report (issue 16).
  const versionLog = startVersionLog(ctx);
  if (opts.demo) {
    await seedDemoOperators(ctx);
    seedDemoTask(ctx, opts.demoStudents);
  }
  const camera = new CameraService(ctx);
  await camera.start();
  const sync = new StationSync(ctx, opts.syncTuning);
  // Whatever changed an order queued its sync job in the same transaction: send it now.
  sinks.add((name) => {
    if (name === 'orders.changed') sync.kick();
  });
  sync.start();
  return {
    ...ctx,
    camera,
    sync,
    updates: createUpdaterSlot(),
    subscribe(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    async close() {
      camera.stop();
      await sync.stop();
      versionLog.stop();
      db.close();
    },
  };
}
