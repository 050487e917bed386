import { and, count, eq, inArray } from 'drizzle-orm';
import type { CatalogConnection, CatalogTables } from './connection.js';
import type { Lane } from './lane.js';
import { OwnedRows } from './owned.js';
import type { experiments } from './schema/sqlite.js';

export type ExperimentRow = Readonly<typeof experiments.$inferSelect>;
export type ExperimentStatusValue = ExperimentRow['status'];
export type ExperimentUpdate = Partial<
  Pick<ExperimentRow, 'status' | 'done' | 'total' | 'cached' | 'error' | 'results_json' | 'started_at' | 'finished_at'>
>;

const ACTIVE: ExperimentStatusValue[] = ['queued', 'running'];

/**
 * Experiments per account, on the catalog's database and in its lane. Every read takes the account: another
 * account's experiment is indistinguishable from a missing one.
 */
export class ExperimentCatalog extends OwnedRows<CatalogTables['experiments']> {
  constructor(connection: CatalogConnection, lane: Lane) {
    super(connection.db, lane, connection.tables.experiments);
  }

  update(id: string, fields: ExperimentUpdate): Promise<void> {
    const experiments = this.table;
    return this.lane.run(async () => {
      await this.db.update(experiments).set(fields).where(eq(experiments.id, id));
    });
  }

  /** How many of the account's experiments are queued or running. */
  activeOf(accountId: string): Promise<number> {
    const experiments = this.table;
    return this.lane.run(async () => {
      const [row] = await this.db
        .select({ n: count() })
        .from(experiments)
        .where(and(eq(experiments.account_id, accountId), inArray(experiments.status, ACTIVE)));
      return Number(row?.n ?? 0);
    });
  }

  /**
   * Experiments a stopped server left queued or running end failed, saying why (their replications died with it):
   * called once at start, before any request.
   */
  failInterrupted(error: string, at: string): Promise<number> {
    const experiments = this.table;
    return this.lane.run(async () => {
      const ended = await this.db
        .update(experiments)
        .set({ status: 'failed', error, finished_at: at })
        .where(inArray(experiments.status, ACTIVE))
        .returning({ id: experiments.id });
      return ended.length;
    });
  }
}
