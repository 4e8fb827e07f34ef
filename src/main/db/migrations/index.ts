import { m0001Initial } from './0001-initial.js';
import { m0002CheckinIdentification } from './0002-checkin-identification.js';
import { m0003CaptureResults } from './0003-capture-results.js';
import type { Migration } from './types.js';

/** In order; a new step is appended here with the next number. Never edit a shipped step. */
export const MIGRATIONS: readonly Migration[] = [m0001Initial, m0002CheckinIdentification, m0003CaptureResults];
