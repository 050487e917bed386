import { and, asc, count, eq } from 'drizzle-orm';
import type { CatalogConnection, CatalogDb, CatalogTables } from './connection.js';
import type { Lane } from './lane.js';
import type { fmus } from './schema/sqlite.js';

export type FmuRow = Readonly<typeof fmus.$inferSelect>;

/**
 * FMUs uploaded per account, on the catalog's database and in its lane. Every read takes the account: another
 * account's FMU is indistinguishable from a missing one.
 */
export class FmuCatalog {
  private readonly db: CatalogDb;
  private readonly t: CatalogTables;

  constructor(
    connection: CatalogConnection,
    private readonly lane: Lane,
  ) {
    this.db = connection.db;
    this.t = connection.tables;
  }

  insert(row: FmuRow): Promise<void> {
    return this.lane.run(async () => {
      await this.db.insert(this.t.fmus).values(row);
    });
  }

  owned(accountId: string, id: string): Promise<FmuRow | null> {
    const fmus = this.t.fmus;
    return this.lane.run(async () => {
      const [row] = await this.db
        .select()
        .from(fmus)
        .where(and(eq(fmus.id, id), eq(fmus.account_id, accountId)))
        .limit(1);
      return row ?? null;
    });
  }

  /** The account's FMUs, oldest first. */
  list(accountId: string): Promise<FmuRow[]> {
    const fmus = this.t.fmus;
    return this.lane.run(() =>
      this.db.select().from(fmus).where(eq(fmus.account_id, accountId)).orderBy(asc(fmus.created_at), asc(fmus.id)),
    );
  }

  countOf(accountId: string): Promise<number> {
    const fmus = this.t.fmus;
    return this.lane.run(async () => {
      const [row] = await this.db.select({ n: count() }).from(fmus).where(eq(fmus.account_id, accountId));
      return Number(row?.n ?? 0);
    });
  }

  /** Deletes the account's FMU; false when it has none of that id. */
  delete(accountId: string, id: string): Promise<boolean> {
    const fmus = this.t.fmus;
    return this.lane.run(async () => {
      const gone = await this.db
        .delete(fmus)
        .where(and(eq(fmus.id, id), eq(fmus.account_id, accountId)))
        .returning({ id: fmus.id });
      return gone.length > 0;
    });
  }
}
