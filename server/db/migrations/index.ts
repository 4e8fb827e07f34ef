import type { Migration } from 'kysely';
import * as initial from './0001-initial.js';
import * as corrections from './0002-corrections.js';
import * as receipts from './0003-receipts.js';
import * as stationTrust from './0004-station-trust.js';
import * as taskCheckinRules from './0005-task-checkin-rules.js';
import * as admissionPhotos from './0006-admission-photos.js';
import * as taskRights from './0007-task-rights.js';

/** Numbered migrations, applied in key order by Kysely's Migrator (which also refuses a database
 * whose applied migrations this build does not know, i.e. one written by a newer server). */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-corrections': corrections,
  '0003-receipts': receipts,
  '0004-station-trust': stationTrust,
  '0005-task-checkin-rules': taskCheckinRules,
  '0006-admission-photos': admissionPhotos,
  '0007-task-rights': taskRights,
};
