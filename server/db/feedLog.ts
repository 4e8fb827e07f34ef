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

/** What one station may read of the feeds: its tasks, and of the reviews its own orders and the
 * ones other stations' work made its business (a rejection to retake, two stations on one student). */
export interface FeedScope {
  stationId: string;
  tasks: readonly string[];
}

/**
 * Keys changed in (after, upto] that this station may read, oldest first, at most `limit` (plus one
 * to tell whether more wait). The scope is applied in the query, so a station never downloads, and
 * the server never loads, another task's rows.
 */
export async function readChangedKeys(tx: Tx, feed: FeedName, after: number, upto: number, limit: number, scope: FeedScope): Promise<{ key: string; seq: number }[]> {
  if (scope.tasks.length === 0) return [];
  const tasks = [...scope.tasks];
  const base = tx.db.selectFrom('changes as c').select(['c.item_key', 'c.seq']).where('c.feed', '=', feed).where('c.seq', '>', after).where('c.seq', '<=', upto);
  let q;
  switch (feed) {
    case 'tasks':
      q = base.where('c.item_key', 'in', tasks);
      break;
    case 'roster':
      q = base.innerJoin('students as s', 's.id', 'c.item_key').where('s.task_code', 'in', tasks);
      break;
    case 'reservations':
    case 'revocations':
      q = base.innerJoin('reservations as r', 'r.id', 'c.item_key').where('r.task_code', 'in', tasks);
      break;
    case 'reviews':
      q = base
        .innerJoin('orders as o', 'o.id', 'c.item_key')
        .where('o.task_code', 'in', tasks)
        .where((eb) => eb.or([eb('o.station_id', '=', scope.stationId), eb('o.shared', '=', 1)]));
      break;
  }
  const rows = await q.orderBy('c.seq').limit(limit).execute();
  return rows.map((r) => ({ key: r.item_key, seq: Number(r.seq) }));
}

export async function currentSeq(tx: Tx): Promise<number> {
  const row = await tx.db.selectFrom('feed_counter').select('seq').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(row.seq);
}

/** Every item of these tasks in every feed (to send them again to a station that gained a task). */
export async function changesOfTasks(tx: Tx, tasks: readonly string[]): Promise<FeedChange[]> {
  if (tasks.length === 0) return [];
  const t = [...tasks];
  const students = await tx.db.selectFrom('students').select('id').where('task_code', 'in', t).execute();
  const reservations = await tx.db.selectFrom('reservations').select('id').where('task_code', 'in', t).execute();
  const orders = await tx.db.selectFrom('orders').select('id').where('task_code', 'in', t).execute();
  return [
    ...t.map((key) => ({ feed: 'tasks' as const, key })),
    ...students.map((s) => ({ feed: 'roster' as const, key: s.id })),
    ...reservations.flatMap((r) => [
      { feed: 'reservations' as const, key: r.id },
      { feed: 'revocations' as const, key: r.id },
    ]),
    ...orders.map((o) => ({ feed: 'reviews' as const, key: o.id })),
  ];
}
