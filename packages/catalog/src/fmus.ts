import type { CatalogConnection, CatalogTables } from './connection.js';
import type { Lane } from './lane.js';
import { OwnedRows } from './owned.js';
import type { fmus } from './schema/sqlite.js';

export type FmuRow = Readonly<typeof fmus.$inferSelect>;

/**
 * FMUs uploaded per account, on the catalog's database and in its lane. Every read takes the account: another
 * account's FMU is indistinguishable from a missing one.
 */
export class FmuCatalog extends OwnedRows<CatalogTables['fmus']> {
  constructor(connection: CatalogConnection, lane: Lane) {
    super(connection.db, lane, connection.tables.fmus);
  }
}
