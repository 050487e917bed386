import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { CatalogConnection, CatalogDb, CatalogTables } from './connection.js';
import type { Lane } from './lane.js';

/** A table whose rows belong to an account and are found by id. */
type OwnedTable = SQLiteTable & { readonly id: SQLiteColumn; readonly account_id: SQLiteColumn };
/** An owned table listed in the order its rows were made. */
type DatedTable = SQLiteTable & { readonly id: SQLiteColumn; readonly created_at: SQLiteColumn };

/**
 * One part of the catalog (tests, models, FMUs): its database, its tables and the lane every statement runs in,
 * wired once for all of them.
 */
export abstract class CatalogPart {
  protected readonly db: CatalogDb;
  protected readonly t: CatalogTables;

  constructor(
    connection: CatalogConnection,
    protected readonly lane: Lane,
  ) {
    this.db = connection.db;
    this.t = connection.tables;
  }

  /** Inserts one row of `table` in the lane. */
  protected insertRow<T extends SQLiteTable>(table: T, row: T['$inferInsert']): Promise<void> {
    return this.lane.run(async () => {
      await this.db.insert(table as SQLiteTable).values(row as never);
    });
  }
}

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

/** The rows of `table` matching `where`, oldest first (ties by id, so the order is total). */
export async function listOldestFirst<T extends DatedTable>(
  db: CatalogDb,
  table: T,
  where: SQL | undefined,
): Promise<T['$inferSelect'][]> {
  const rows = await db
    .select()
    .from(table as SQLiteTable)
    .where(where)
    .orderBy(asc(table.created_at), asc(table.id));
  return rows as T['$inferSelect'][];
}

/** The account's rows of `table`, oldest first. */
export function listOwned<T extends OwnedTable & DatedTable>(
  db: CatalogDb,
  table: T,
  accountId: string,
  ...also: SQL[]
): Promise<T['$inferSelect'][]> {
  return listOldestFirst(db, table, and(eq(table.account_id, accountId), ...also));
}

/** How many rows of `table` the account has. */
export async function countOwned(db: CatalogDb, table: OwnedTable, accountId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(table as SQLiteTable)
    .where(eq(table.account_id, accountId));
  // PostgreSQL answers count() as a bigint string.
  return Number(row?.n ?? 0);
}

/**
 * The rows of one table that belong to accounts and carry nothing else to look them up by: insert, find, list,
 * count and delete, each scoped to the account.
 */
export class OwnedRows<T extends OwnedTable & DatedTable> {
  constructor(
    protected readonly db: CatalogDb,
    protected readonly lane: Lane,
    protected readonly table: T,
  ) {}

  insert(row: T['$inferInsert']): Promise<void> {
    return this.lane.run(async () => {
      await this.db.insert(this.table as SQLiteTable).values(row as never);
    });
  }

  owned(accountId: string, id: string): Promise<T['$inferSelect'] | null> {
    return this.lane.run(() => selectOwned(this.db, this.table, accountId, id));
  }

  /** The account's rows, oldest first. */
  list(accountId: string): Promise<T['$inferSelect'][]> {
    return this.lane.run(() => listOwned(this.db, this.table, accountId));
  }

  countOf(accountId: string): Promise<number> {
    return this.lane.run(() => countOwned(this.db, this.table, accountId));
  }

  /** Deletes the account's row; false when it has none of that id. */
  delete(accountId: string, id: string): Promise<boolean> {
    return this.lane.run(() => deleteOwned(this.db, this.table, accountId, id));
  }
}
