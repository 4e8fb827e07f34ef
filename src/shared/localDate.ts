/** Calendar dates in the station's local time zone: a photographer's "today" is local, while
 * stored instants are UTC ISO strings. */
function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function localDateOf(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The instants bounding a local calendar day (YYYY-MM-DD), or the day of `now`. */
export function localDayBounds(date: string | undefined, now: Date): { start: string; end: string } {
  const base = date ? new Date(`${date}T00:00:00`) : new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const end = new Date(base.getFullYear(), base.getMonth(), base.getDate() + 1);
  return { start: base.toISOString(), end: end.toISOString() };
}
