import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { writeAudit } from '../db/queries/audit.js';
import { listActiveOperators } from '../db/queries/operators.js';
import { getSetting, setSetting } from '../db/queries/settings.js';
import { createLogger } from '../log/logger.js';
import { verifyPin } from '../security/pinHash.js';
import type { AppContext, Session } from './AppContext.js';

const log = createLogger('auth');

/** Five wrong PINs in a row lock the station for five minutes: a 4-digit PIN space would
 * otherwise fall to anyone at the keyboard (or on the loopback socket) in minutes. Kept in the
 * store so a restart does not reset the count. */
export const MAX_PIN_FAILURES = 5;
export const PIN_LOCK_MS = 5 * 60 * 1000;
const FAILURES_KEY = 'auth.pinFailures';
const LOCKED_UNTIL_KEY = 'auth.lockedUntil';

function lockedError(until: Date, now: Date): AppError {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return new AppError('LOCKED', {
    zh: `PIN 码连续输错 ${MAX_PIN_FAILURES} 次，工作站已锁定，请 ${minutes} 分钟后再试`,
    en: `${MAX_PIN_FAILURES} wrong PINs in a row: the station is locked; try again in ${minutes} min`,
  });
}

/** PINs are per operator, so the PIN alone says who is logging in. */
export async function login(ctx: AppContext, session: Session, pin: string): Promise<Operator> {
  const lockedUntil = getSetting(ctx.db, LOCKED_UNTIL_KEY);
  if (lockedUntil && new Date(lockedUntil) > ctx.now()) throw lockedError(new Date(lockedUntil), ctx.now());

  for (const op of listActiveOperators(ctx.db)) {
    if (await verifyPin(pin, op.pin_hash)) {
      setSetting(ctx.db, FAILURES_KEY, '0');
      session.operator = { id: op.id, name: op.name, role: op.role };
      writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: op.id, action: 'auth.login', detail: { transport: session.transport } });
      log.info('operator logged in', { operatorId: op.id, role: op.role });
      return session.operator;
    }
  }

  // No await from here on: the count is read and written in one synchronous step.
  const now = ctx.now();
  const failures = Number(getSetting(ctx.db, FAILURES_KEY) ?? '0') + 1;
  if (failures >= MAX_PIN_FAILURES) {
    const until = new Date(now.getTime() + PIN_LOCK_MS);
    ctx.db.transaction(() => {
      setSetting(ctx.db, FAILURES_KEY, '0');
      setSetting(ctx.db, LOCKED_UNTIL_KEY, until.toISOString());
      writeAudit(ctx.db, { at: now.toISOString(), operatorId: null, action: 'auth.locked', detail: { failures, until: until.toISOString() } });
    })();
    log.warn('station locked after wrong PINs', { failures });
    throw lockedError(until, now);
  }
  setSetting(ctx.db, FAILURES_KEY, String(failures));
  log.warn('wrong PIN', { failures });
  const left = MAX_PIN_FAILURES - failures;
  throw new AppError('WRONG_PIN', { zh: `PIN 码错误，还可尝试 ${left} 次`, en: `Wrong PIN; ${left} attempt${left === 1 ? '' : 's'} left` });
}

export function logout(ctx: AppContext, session: Session): void {
  if (session.operator) {
    writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: session.operator.id, action: 'auth.logout' });
  }
  session.operator = null;
}
