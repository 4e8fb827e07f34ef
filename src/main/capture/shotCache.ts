/**
 * A value per shot, held between two steps of that shot (stored → analysed → finished) and taken
 * once: only the newest few are kept, so a shot whose next step never comes costs nothing for long.
 */
export class ShotCache<V> {
  private readonly items = new Map<string, V>();
  constructor(private readonly size: number) {}

  /** Holds `value` for the shot as the newest; returns what was let go (the shot's earlier value, the oldest beyond size) for the caller to clean up. */
  put(captureId: string, value: V): [string, V][] {
    const dropped: [string, V][] = [];
    const before = this.items.get(captureId);
    if (before !== undefined) dropped.push([captureId, before]);
    this.items.delete(captureId);
    this.items.set(captureId, value);
    for (const [oldest, v] of this.items) {
      if (this.items.size <= this.size) break;
      this.items.delete(oldest);
      dropped.push([oldest, v]);
    }
    return dropped;
  }

  /** The shot's value, no longer held. */
  take(captureId: string): V | undefined {
    const value = this.items.get(captureId);
    this.items.delete(captureId);
    return value;
  }
}
