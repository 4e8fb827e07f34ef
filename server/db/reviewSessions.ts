import type { Selectable } from 'kysely';
import type { ReviewSessionsTable } from './schema.js';
import type { Tx } from './tx.js';

export type ReviewSessionRow = Selectable<ReviewSessionsTable>;

export async function insertReviewSession(tx: Tx, row: ReviewSessionRow): Promise<void> {
  await tx.db.insertInto('review_sessions').values(row).execute();
}

export async function getReviewSession(tx: Tx, idHash: string): Promise<ReviewSessionRow | undefined> {
  return tx.db.selectFrom('review_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

export async function touchReviewSession(tx: Tx, idHash: string, now: string): Promise<void> {
  await tx.db.updateTable('review_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
}

export async function revokeReviewSession(tx: Tx, idHash: string, now: string): Promise<void> {
  await tx.db.updateTable('review_sessions').set({ revoked_at: now }).where('id_hash', '=', idHash).where('revoked_at', 'is', null).execute();
}

/** Sessions past their end are of no use to anyone: dropped on each login so the table stays small. */
export async function deleteEndedReviewSessions(tx: Tx, now: string): Promise<void> {
  await tx.db.deleteFrom('review_sessions').where('expires_at', '<', now).execute();
}
