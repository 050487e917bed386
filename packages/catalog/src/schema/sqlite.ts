import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { catalogTables } from './tables.js';

// The catalog on SQLite: the tables of tables.ts with SQLite's builders (drizzle.sqlite.config.ts reads this file).
export const {
  accounts,
  apiKeys,
  simulations,
  vehicles,
  webhooks,
  webhookDeliveries,
  scenarioTests,
  testRuns,
  projects,
  machineModels,
} = catalogTables({ table: sqliteTable, text, integer, real, index });
