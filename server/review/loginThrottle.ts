/**
 * Failed review logins per client address: after FAILURES_BEFORE_LOCK wrong tokens the address is
 * locked out for a while (doubling with each lockout, capped), so guessing the admin token online
 * is hopeless. In memory, per server process: a restart forgives, which is fine for a lockout
 * measured in minutes. The table is bounded so a flood of addresses cannot grow it without end.
 */
export const FAILURES_BEFORE_LOCK = 5;
const FIRST_LOCK_MS = 60_000;
const MAX_LOCK_MS = 15 * 60_000;
/** Failures older than this are forgotten (and with them the doubling). */
const FORGET_AFTER_MS = 60 * 60_000;
const MAX_ADDRESSES = 10_000;

interface Entry {
  failures: number;
  lockouts: number;
  lockedUntil: number;
  lastFailure: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  /** Seconds the address must still wait, or 0. */
  retryAfter(address: string, now: number): number {
    const e = this.entries.get(address);
    if (!e) return 0;
    if (now - e.lastFailure > FORGET_AFTER_MS) {
      this.entries.delete(address);
      return 0;
    }
    return e.lockedUntil > now ? Math.ceil((e.lockedUntil - now) / 1000) : 0;
  }

  /** Records a wrong token; returns the seconds of lockout it started (0 if none yet). */
  fail(address: string, now: number): number {
    let e = this.entries.get(address);
    if (!e || now - e.lastFailure > FORGET_AFTER_MS) {
      e = { failures: 0, lockouts: 0, lockedUntil: 0, lastFailure: now };
      this.entries.delete(address);
      if (this.entries.size >= MAX_ADDRESSES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(address, e);
    }
    e.failures++;
    e.lastFailure = now;
    if (e.failures < FAILURES_BEFORE_LOCK) return 0;
    const ms = Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** e.lockouts);
    e.lockouts++;
    e.failures = 0;
    e.lockedUntil = now + ms;
    return Math.ceil(ms / 1000);
  }

  succeed(address: string): void {
    this.entries.delete(address);
  }
}
