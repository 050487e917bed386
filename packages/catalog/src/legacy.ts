import type Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';

/**
 * Catalogs of the release before Drizzle kept their schema version in `schema_version`; version 4 is the schema of
 * the first Drizzle migration. Such a catalog is brought to version 4 with the steps it lacks, as that release did,
 * and recorded as having the first migration, so migration goes on from there.
 */
const LEGACY_STEPS: Readonly<Record<number, string>> = {
  2: `ALTER TABLE webhook_deliveries ADD COLUMN simulation_id TEXT;
    ALTER TABLE webhook_deliveries ADD COLUMN next_attempt_at TEXT;
    CREATE INDEX deliveries_webhook_status ON webhook_deliveries(webhook_id, status);`,
  3: `CREATE TABLE scenario_tests (
     id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     description TEXT,
     pack TEXT NOT NULL,
     scenario TEXT NOT NULL,
     yaml TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX scenario_tests_account ON scenario_tests(account_id, created_at);
   CREATE TABLE test_runs (
     id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     test_id TEXT NOT NULL REFERENCES scenario_tests(id) ON DELETE CASCADE,
     test_name TEXT NOT NULL,
     status TEXT NOT NULL,
     done INTEGER NOT NULL DEFAULT 0,
     total INTEGER NOT NULL DEFAULT 0,
     error TEXT,
     first_failure TEXT,
     result_json TEXT,
     created_at TEXT NOT NULL,
     started_at TEXT,
     finished_at TEXT
   );
   CREATE INDEX test_runs_test ON test_runs(test_id, created_at);
   CREATE INDEX test_runs_status ON test_runs(status);`,
  4: `ALTER TABLE test_runs ADD COLUMN replay_json TEXT;`,
};
const LAST_LEGACY_VERSION = 4;

export function adoptPreviousRelease(client: Database.Database, migrationsFolder: string): void {
  const hasTable = (name: string): boolean =>
    client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  if (!hasTable('schema_version') || hasTable('__drizzle_migrations')) return;
  const row = client.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  const version = row?.version ?? 0;
  const [first] = readMigrationFiles({ migrationsFolder });
  client.transaction(() => {
    if (version < 1) {
      // An empty catalog: the first migration creates everything.
      client.exec('DROP TABLE schema_version');
      return;
    }
    for (let step = version + 1; step <= LAST_LEGACY_VERSION; step++) client.exec(LEGACY_STEPS[step]);
    // The unique constraints of the old tables were unnamed; later migrations know them by these names.
    client.exec(`CREATE UNIQUE INDEX IF NOT EXISTS accounts_name_unique ON accounts (name);
      CREATE UNIQUE INDEX IF NOT EXISTS api_keys_key_hash_unique ON api_keys (key_hash);
      CREATE TABLE __drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric);
      DROP TABLE schema_version;`);
    client
      .prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)')
      .run(first.hash, first.folderMillis);
  })();
}
