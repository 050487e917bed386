import { bigint, doublePrecision, index, pgTable, text } from 'drizzle-orm/pg-core';
import type { DialectBuilders } from './tables.js';
import { catalogTables } from './tables.js';

// The catalog on PostgreSQL: the tables of tables.ts with PostgreSQL's builders (drizzle.pg.config.ts reads this
// file). INTEGER becomes bigint read as a number, REAL becomes double precision. The builders are typed as SQLite's
// because the one query layer is written against those (connection.ts); at run time these are PostgreSQL tables.
const postgresBuilders = {
  table: pgTable,
  text,
  integer: (name: string) => bigint(name, { mode: 'number' }),
  real: doublePrecision,
  index,
} as unknown as DialectBuilders;

const tables = catalogTables(postgresBuilders);
export const { accounts, apiKeys, simulations, vehicles, webhooks, webhookDeliveries } = tables;
export const { scenarioTests, testRuns, projects, machineModels, modelBindings, fmus, experiments } = tables;
