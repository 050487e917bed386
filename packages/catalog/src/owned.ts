import { and, eq, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { CatalogDb } from './connection.js';

/** A table whose rows belong to an account and are found by id. */
type OwnedTable = SQLiteTable & { readonly id: SQLiteColumn; readonly account_id: SQLiteColumn };

/**
 * The reads and writes of one account's row by id, spelled once for every table of such rows. Another account's id
 * matches nothing, exactly as a missing one: the caller cannot tell them apart. `also`: further conditions (a
 * binding is found through its model as well).
 */
function ownedRow(table: OwnedTable, accountId: string, id: string, also: readonly SQL[]): SQL | undefined {
  return and(eq(table.id, id), eq(table.account_id, accountId), ...also);
}

/** The account's row of that id, or null. */
export async function selectOwned<T extends OwnedTable>(
  db: CatalogDb,
  table: T,
  accountId: string,
  id: string,
  ...also: SQL[]
): Promise<T['$inferSelect'] | null> {
  const [row] = await db
    .select()
    .from(table as SQLiteTable)
    .where(ownedRow(table, accountId, id, also))
    .limit(1);
  return (row as T['$inferSelect'] | undefined) ?? null;
}

/** Sets `fields` of the account's row of that id; false when it has none. */
export async function updateOwned<T extends OwnedTable>(
  db: CatalogDb,
  table: T,
  accountId: string,
  id: string,
  fields: Partial<T['$inferInsert']>,
  ...also: SQL[]
): Promise<boolean> {
  const changed = await db
    .update(table as SQLiteTable)
    .set(fields as never)
    .where(ownedRow(table, accountId, id, also))
    .returning({ id: table.id });
  return changed.length > 0;
}

/** Deletes the account's row of that id; false when it has none. */
export async function deleteOwned(
  db: CatalogDb,
  table: OwnedTable,
  accountId: string,
  id: string,
  ...also: SQL[]
): Promise<boolean> {
  const gone = await db
    .delete(table as SQLiteTable)
    .where(ownedRow(table, accountId, id, also))
    .returning({ id: table.id });
  return gone.length > 0;
}
