import type { FeedItem, FeedName, FeedPage } from '../../src/shared/sync/protocol.js';
import { changesOfTasks, currentSeq, readChangedKeys, recordChanges, type FeedScope } from '../db/feedLog.js';
import { ordersByIds } from '../db/orders.js';
import { reservationsByIds } from '../db/reservations.js';
import { studentsByIds } from '../db/students.js';
import { tasksByCodes } from '../db/tasks.js';
import type { Tx } from '../db/tx.js';
import type { ServerContext } from '../ServerContext.js';
import { reservationItem, reviewItem, revocationItem, rosterItem, taskItem } from './feedItems.js';

type AnyItem = FeedItem<FeedName>;

async function loadItems(ctx: ServerContext, feed: FeedName, keys: string[]): Promise<Map<string, AnyItem>> {
  const out = new Map<string, AnyItem>();
  switch (feed) {
    case 'tasks':
      for (const t of await tasksByCodes(ctx.tx, keys)) out.set(t.code, taskItem(t));
      break;
    case 'roster':
      for (const s of await studentsByIds(ctx.tx, keys)) out.set(s.id, rosterItem(s, ctx.keys));
      break;
    case 'reservations':
      for (const r of await reservationsByIds(ctx.tx, keys)) out.set(r.id, reservationItem(r));
      break;
    case 'reviews':
      for (const o of await ordersByIds(ctx.tx, keys)) {
        const item = reviewItem(o);
        if (item) out.set(o.id, item);
      }
      break;
    case 'revocations':
      for (const r of await reservationsByIds(ctx.tx, keys)) {
        const item = revocationItem(r);
        if (item) out.set(r.id, item);
      }
      break;
  }
  return out;
}

/**
 * One page of a feed as this station may see it (its tasks; of the reviews, its own orders and the
 * ones shared with it): the items whose latest change is after `cursor`, oldest change first, each
 * in its current state. The next cursor is the seq of the last item returned, or, when nothing more
 * is in scope, the counter as read before the query (every change up to it had committed: the
 * counter is each writer's last write), so other tasks' changes are not scanned again. A cursor
 * from the future (the server was restored from an older backup) starts over from 0.
 */
export async function readFeed<F extends FeedName>(ctx: ServerContext, feed: F, cursor: string, limit: number, scope: FeedScope): Promise<FeedPage<F>> {
  const upto = await currentSeq(ctx.tx);
  let after = Number(cursor);
  if (!Number.isSafeInteger(after) || after > upto) after = 0;
  const changed = await readChangedKeys(ctx.tx, feed, after, upto, limit + 1, scope);
  const page = changed.slice(0, limit);
  const items = await loadItems(
    ctx,
    feed,
    page.map((c) => c.key),
  );
  return {
    items: page.flatMap((c) => {
      const item = items.get(c.key);
      return item ? [item as FeedItem<F>] : [];
    }),
    cursor: changed.length > limit ? String(page[page.length - 1]!.seq) : String(upto),
    more: changed.length > limit,
  };
}

/** Sends every item of these tasks again (new seqs), in the caller's transaction. */
export async function touchTaskItems(t: Tx, tasks: readonly string[]): Promise<void> {
  await recordChanges(t, await changesOfTasks(t, tasks));
}
