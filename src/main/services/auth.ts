import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { MAX_IDLE_LOCK_MINUTES } from '../../shared/report/managerTypes.js';
import { writeAudit } from '../db/queries/audit.js';
import { listActiveManagers, listActiveOperators } from '../db/queries/operators.js';
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
/** While the station is locked, a site manager may unlock it with their PIN and a reason. Their
 * PIN is a guess like any other, so wrong ones count too: each extends the lock, and after three the
 * override is refused until the lock runs out. */
export const MAX_OVERRIDE_FAILURES = 3;
const OVERRIDE_FAILURES_KEY = 'auth.overrideFailures';
/** The renderer returns to the PIN screen after this many minutes without input (0: never). */
export const IDLE_LOCK_KEY = 'auth.idleLockMinutes';
export const DEFAULT_IDLE_LOCK_MINUTES = 10;

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
      setSetting(ctx.db, OVERRIDE_FAILURES_KEY, '0');
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
      setSetting(ctx.db, OVERRIDE_FAILURES_KEY, '0');
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

export interface LockState {
  locked: boolean;
  until: string | null;
  /** Wrong PINs counted towards the next lock. */
  failures: number;
  /** A site manager may still try to unlock (wrong override PINs have not used up the tries). */
  overrideAllowed: boolean;
}

export function lockState(ctx: AppContext): LockState {
  const until = getSetting(ctx.db, LOCKED_UNTIL_KEY);
  const locked = !!until && new Date(until) > ctx.now();
  return {
    locked,
    until: locked ? until! : null,
    failures: Number(getSetting(ctx.db, FAILURES_KEY) ?? '0'),
    overrideAllowed: locked && Number(getSetting(ctx.db, OVERRIDE_FAILURES_KEY) ?? '0') < MAX_OVERRIDE_FAILURES,
  };
}

function clearLock(ctx: AppContext): void {
  setSetting(ctx.db, FAILURES_KEY, '0');
  setSetting(ctx.db, OVERRIDE_FAILURES_KEY, '0');
  setSetting(ctx.db, LOCKED_UNTIL_KEY, new Date(0).toISOString());
}

/**
 * A site manager unlocks a locked station at the PIN screen: their PIN (only managers' PINs are
 * tried) and a reason. Success clears the lock, logs the manager in and is audited with the reason;
 * a wrong PIN extends the lock and is audited too.
 */
export async function overrideLock(ctx: AppContext, session: Session, pin: string, reason: string): Promise<Operator> {
  const state = lockState(ctx);
  if (!state.locked) throw new AppError('CONFLICT', { zh: '工作站未锁定，请直接登录', en: 'The station is not locked: log in as usual' });
  if (!state.overrideAllowed) {
    throw new AppError('LOCKED', {
      zh: `负责人解锁已连续输错 ${MAX_OVERRIDE_FAILURES} 次，请等待锁定结束`,
      en: `${MAX_OVERRIDE_FAILURES} wrong site manager PINs: wait until the lock runs out`,
    });
  }
  for (const op of listActiveManagers(ctx.db)) {
    if (await verifyPin(pin, op.pin_hash)) {
      const now = ctx.now().toISOString();
      ctx.db.transaction(() => {
        clearLock(ctx);
        writeAudit(ctx.db, { at: now, operatorId: op.id, action: 'auth.lock_override', detail: { lockedUntil: state.until, transport: session.transport }, reason });
        writeAudit(ctx.db, { at: now, operatorId: op.id, action: 'auth.login', detail: { transport: session.transport, override: true } });
      })();
      session.operator = { id: op.id, name: op.name, role: op.role };
      log.warn('station lock overridden by a site manager', { operatorId: op.id });
      return session.operator;
    }
  }
  const now = ctx.now();
  const tries = Number(getSetting(ctx.db, OVERRIDE_FAILURES_KEY) ?? '0') + 1;
  const until = new Date(Math.max(new Date(state.until!).getTime(), now.getTime() + PIN_LOCK_MS));
  ctx.db.transaction(() => {
    setSetting(ctx.db, OVERRIDE_FAILURES_KEY, String(tries));
    setSetting(ctx.db, LOCKED_UNTIL_KEY, until.toISOString());
    writeAudit(ctx.db, { at: now.toISOString(), operatorId: null, action: 'auth.lock_override_failed', detail: { tries, until: until.toISOString() }, reason });
  })();
  log.warn('wrong site manager PIN for a lock override', { tries });
  const left = MAX_OVERRIDE_FAILURES - tries;
  throw new AppError('WRONG_PIN', {
    zh: left > 0 ? `负责人 PIN 码错误，锁定已延长；还可尝试 ${left} 次` : `负责人 PIN 码错误，锁定已延长，须等待锁定结束`,
    en: left > 0 ? `Wrong site manager PIN; the lock was extended; ${left} attempt${left === 1 ? '' : 's'} left` : 'Wrong site manager PIN; the lock was extended: wait until it runs out',
  });
}

/** A logged-in site manager (at another screen or on the manager screen) lifts the lock. */
export function unlockStation(ctx: AppContext, operator: Operator, reason: string): LockState {
  const state = lockState(ctx);
  ctx.db.transaction(() => {
    clearLock(ctx);
    writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: operator.id, action: 'auth.unlock', detail: { wasLocked: state.locked, until: state.until, failures: state.failures }, reason });
  })();
  return lockState(ctx);
}

export function idleLockMinutes(ctx: Pick<AppContext, 'db'>): number {
  const v = Number(getSetting(ctx.db, IDLE_LOCK_KEY) ?? DEFAULT_IDLE_LOCK_MINUTES);
  return Number.isInteger(v) && v >= 0 && v <= MAX_IDLE_LOCK_MINUTES ? v : DEFAULT_IDLE_LOCK_MINUTES;
}

export function setIdleLockMinutes(ctx: AppContext, operator: Operator, minutes: number, reason: string | null): number {
  const before = idleLockMinutes(ctx);
  ctx.db.transaction(() => {
    setSetting(ctx.db, IDLE_LOCK_KEY, String(minutes));
    writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: operator.id, action: 'settings.idle_lock', detail: { from: before, to: minutes }, ...(reason ? { reason } : {}) });
  })();
  return idleLockMinutes(ctx);
}
