import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { catalogTables } from './tables.js';

// The catalog on SQLite: the tables of tables.ts with SQLite's builders (drizzle.sqlite.config.ts reads this file).
const tables = catalogTables({ table: sqliteTable, text, integer, real, index });
export const { accounts, apiKeys, simulations, vehicles, webhooks, webhookDeliveries } = tables;
export const { scenarioTests, testRuns, projects, machineModels, modelBindings, fmus, experiments } = tables;
