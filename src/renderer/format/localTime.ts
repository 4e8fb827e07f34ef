import { localDateOf } from '../../shared/localDate';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function parse(iso: string | null): Date | null {
  if (iso === null) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Stored instants are UTC ISO strings; the photographer thinks in the station's local clock. */
export function formatClock(iso: string | null): string | null {
  const date = parse(iso);
  return date ? `${pad(date.getHours())}:${pad(date.getMinutes())}` : null;
}

export function formatLocalDate(iso: string | null): string | null {
  const date = parse(iso);
  return date ? localDateOf(date) : null;
}

export function isLocalToday(iso: string | null, now: Date = new Date()): boolean {
  const date = parse(iso);
  return date !== null && localDateOf(date) === localDateOf(now);
}
