import type { Tx } from './tx.js';

export async function getMeta(tx: Tx, key: string): Promise<string | undefined> {
  const row = await tx.db.selectFrom('server_meta').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function setMetaIfAbsent(tx: Tx, key: string, value: string): Promise<void> {
  await tx.db.insertInto('server_meta').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
}
