import { m0001Initial } from './0001-initial.js';
import { m0002CheckinIdentification } from './0002-checkin-identification.js';
import { m0003CaptureResults } from './0003-capture-results.js';
import { m0004Sync } from './0004-sync.js';
import { m0005FaceMatch } from './0005-face-match.js';
import { m0006Printing } from './0006-printing.js';
import { m0007ManagerIndexes } from './0007-manager-indexes.js';
import { m0008TaskCheckinRules } from './0008-task-checkin-rules.js';
import { m0009OrderLifecycle } from './0009-order-lifecycle.js';
import { m0010AppRuns } from './0010-app-runs.js';
import { m0011TaskRights } from './0011-task-rights.js';
import type { Migration } from './types.js';

/** In order; a new step is appended here with the next number. Never edit a shipped step. */
export const MIGRATIONS: readonly Migration[] = [m0001Initial, m0002CheckinIdentification, m0003CaptureResults, m0004Sync, m0005FaceMatch, m0006Printing, m0007ManagerIndexes, m0008TaskCheckinRules, m0009OrderLifecycle, m0010AppRuns, m0011TaskRights];
