import type { Operator } from '../../shared/domain/entities.js';
import type { EventName, EventPayload } from '../../shared/rpc/contract.js';
import type { Db } from '../db/openDatabase.js';
import type { PiiCipher } from '../security/piiCipher.js';
import type { SpecProfile } from '../../shared/spec/specProfile.js';

export type EventSink = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

/** What every main-side service needs, built once at start-up (see createAppContext). */
export interface AppContext {
  db: Db;
  pii: PiiCipher;
  dataDir: string;
  stationId: string;
  stationName: string;
  demo: boolean;
  version: string;
  now: () => Date;
  emit: EventSink;
  /** Photo spec profiles by id (built-in plus the site's own in <data>/specs). */
  specs: ReadonlyMap<string, SpecProfile>;
}

/** One per connected renderer (a WebSocket, or an Electron webContents). */
export interface Session {
  operator: Operator | null;
  transport: 'electron' | 'websocket';
  /** A student's screen (studentView.attach): it receives studentView events with nobody logged in. */
  studentDisplay?: boolean;
}
