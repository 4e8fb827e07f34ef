import { sql } from 'kysely';
import type { FeedName } from '../../src/shared/sync/protocol.js';
import type { Tx } from './tx.js';

export interface FeedChange {
  feed: FeedName;
  key: string;
}

/**
 * Records that these feed items changed, inside the caller's transaction and as its LAST write.
 * The sequence comes from one counter row bumped here: on PostgreSQL the row lock is held until
 * commit, so writers get their numbers in commit order and a reader that has seen seq N can never
 * later meet a smaller number committing (no cursor skips a slow writer). Taking this lock last
 * keeps the lock order the same in every transaction (data rows first, counter last): no deadlock.
 */
export async function recordChanges(tx: Tx, changes: readonly FeedChange[]): Promise<void> {
  const unique = new Map<string, FeedChange>();
  for (const c of changes) unique.set(`${c.feed}\u0000${c.key}`, c);
  if (unique.size === 0) return;
  const row = await tx.db
    .updateTable('feed_counter')
    .set({ seq: sql<number>`seq + ${unique.size}` })
    .where('id', '=', 1)
    .returning('seq')
    .executeTakeFirstOrThrow();
  let seq = Number(row.seq) - unique.size;
  const rows = [...unique.values()].map((c) => ({ feed: c.feed, item_key: c.key, seq: ++seq }));
  for (let i = 0; i < rows.length; i += 200) {
    await tx.db
      .insertInto('changes')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.columns(['feed', 'item_key']).doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq') })))
      .execute();
  }
}

/** Keys changed after `after`, oldest first, at most `limit` (plus one to tell whether more wait). */
export async function readChangedKeys(tx: Tx, feed: FeedName, after: number, limit: number): Promise<{ key: string; seq: number }[]> {
  const rows = await tx.db
    .selectFrom('changes')
    .select(['item_key', 'seq'])
    .where('feed', '=', feed)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ key: r.item_key, seq: Number(r.seq) }));
}

export async function currentSeq(tx: Tx): Promise<number> {
  const row = await tx.db.selectFrom('feed_counter').select('seq').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(row.seq);
}
