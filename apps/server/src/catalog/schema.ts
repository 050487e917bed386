import type Database from 'better-sqlite3';
import { TEST_RUN_REPLAY, TEST_TABLES } from './tests.js';

/** Versioned migrations of the catalog (accounts, keys, simulations, webhooks). Each runs once, in order. */
const migrations: readonly string[] = [
  `CREATE TABLE accounts (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL
   );
   CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     key_hash TEXT NOT NULL UNIQUE,
     scopes TEXT NOT NULL,
     created_at TEXT NOT NULL,
     revoked_at TEXT
   );
   CREATE TABLE simulations (
     id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     pack TEXT NOT NULL,
     example TEXT,
     scenario_json TEXT NOT NULL,
     seed INTEGER NOT NULL,
     parent_id TEXT,
     fork_time REAL,
     status TEXT NOT NULL,
     sim_time REAL NOT NULL,
     duration_s REAL NOT NULL,
     start_iso TEXT NOT NULL,
     timezone TEXT NOT NULL,
     head_seq INTEGER NOT NULL DEFAULT 0,
     head_hash TEXT,
     speed REAL,
     error TEXT,
     intervention_log TEXT NOT NULL DEFAULT '[]',
     created_at TEXT NOT NULL
   );
   CREATE INDEX simulations_account ON simulations(account_id, created_at);
   CREATE TABLE vehicles (
     id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     physical_vehicle_id TEXT NOT NULL,
     model_type TEXT NOT NULL,
     simulation_id TEXT,
     asset_id TEXT,
     created_at TEXT NOT NULL
   );
   CREATE TABLE webhooks (
     id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     url TEXT NOT NULL,
     event_types TEXT NOT NULL,
     simulation_id TEXT,
     secret TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE webhook_deliveries (
     id TEXT PRIMARY KEY,
     webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
     event_count INTEGER NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL,
     last_status_code INTEGER,
     last_error TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX deliveries_webhook ON webhook_deliveries(webhook_id, created_at);`,
  // The delivery log names the simulation whose outbox holds each delivery (its body, for a redelivery).
  `ALTER TABLE webhook_deliveries ADD COLUMN simulation_id TEXT;
   ALTER TABLE webhook_deliveries ADD COLUMN next_attempt_at TEXT;
   CREATE INDEX deliveries_webhook_status ON webhook_deliveries(webhook_id, status);`,
  // Scenario tests and their runs (tables and queries in tests.ts).
  TEST_TABLES,
  TEST_RUN_REPLAY,
];

export function migrateCatalog(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  let version = row?.version ?? 0;
  if (row === undefined) db.prepare('INSERT INTO schema_version (version) VALUES (0)').run();
  while (version < migrations.length) {
    const next = version + 1;
    db.transaction(() => {
      db.exec(migrations[version]);
      db.prepare('UPDATE schema_version SET version = ?').run(next);
    })();
    version = next;
  }
}
