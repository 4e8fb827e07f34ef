import { createLogger } from '../log/logger.js';

const log = createLogger('global');

/** A kiosk logs and carries on; one bad promise must not end a photo session. */
export function installGlobalErrorHandlers(): void {
  process.on('uncaughtException', (err) => log.error('uncaught exception', { error: err.stack ?? err.message }));
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) }));
}
