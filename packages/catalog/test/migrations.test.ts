import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog } from '../src/index.js';
import { freshSchema, postgresAvailable, POSTGRES_URL, tempDir } from './databases.js';

const packageDir = new URL('..', import.meta.url).pathname;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The migrations of a dialect up to and including the first `count` (a catalog of an earlier version). */
function firstMigrations(dialect: 'sqlite' | 'pg', count: number): string {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  cpSync(join(packageDir, 'drizzle', dialect), dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
  expect(journal.entries.length, 'a later migration exists').toBeGreaterThan(count);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, count) }));
  return dir;
}

const ACCOUNT = `INSERT INTO accounts (id, name, created_at) VALUES ('acc_1', 'alice', '2026-01-01T00:00:00.000Z')`;
const SIMULATION = `INSERT INTO simulations (id, account_id, name, pack, example, scenario_json, seed, status, sim_time,
  duration_s, start_iso, timezone, created_at) VALUES ('sim_1', 'acc_1', 'old', 'swap', 'city-10', '{}', 42, 'paused',
  12.5, 3600, '2026-01-01T00:00:00Z', 'UTC', '2026-01-01T00:00:00.000Z')`;
const WEBHOOK = `INSERT INTO webhooks (id, account_id, url, event_types, simulation_id, secret, created_at) VALUES
  ('wh_1', 'acc_1', 'https://example.com', '*', NULL, 'whsec_x', '2026-01-01T00:00:00.000Z')`;
const DELIVERIES = ['msg_old_1', 'msg_old_2'].map(
  (id) => `INSERT INTO webhook_deliveries (id, webhook_id, event_count, status, attempts, created_at, updated_at)
    VALUES ('${id}', 'wh_1', 1, 'failed', 8, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
);

const scenarioTest = {
  id: 'test_1',
  account_id: 'acc_1',
  name: 'peak',
  description: null,
  pack: 'swap',
  scenario: 'city-10',
  yaml: 'name: peak',
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

const testRun = (id: string) => ({
  id,
  account_id: 'acc_1',
  test_id: 'test_1',
  test_name: 'peak',
  status: 'queued' as const,
  done: 0,
  total: 0,
  error: null,
  first_failure: null,
  result_json: null,
  replay_json: null,
  created_at: '2026-01-01T00:00:00.000Z',
  started_at: null,
  finished_at: null,
});

/** The schema a server of the release before Drizzle left at `version`, with its `schema_version` table. */
function legacySchema(version: number): string {
  const text = readFileSync(join(packageDir, 'test/fixtures/catalog-legacy.sql'), 'utf8');
  const sections = text.split(/^-- version \d+$/m).slice(1, version + 1);
  return `${sections.join('\n')}
    CREATE TABLE schema_version (version INTEGER NOT NULL);
    INSERT INTO schema_version (version) VALUES (${version});`;
}

/** What every upgraded catalog must show: the old rows, readable and writable through the current code. */
async function expectUpgraded(catalog: Catalog): Promise<void> {
  expect((await catalog.accountByName('alice'))?.id).toBe('acc_1');
  expect(await catalog.simulation('sim_1')).toMatchObject({ name: 'old', sim_time: 12.5, head_seq: 0, seed: 42 });
  expect((await catalog.deliveries('wh_1', 10)).map((row) => row.id)).toEqual(['msg_old_2', 'msg_old_1']);
  await catalog.upsertDelivery({
    ...(await catalog.delivery('wh_1', 'msg_old_1'))!,
    id: 'msg_new',
    status: 'pending',
  });
  expect((await catalog.deliveries('wh_1', 10)).map((row) => row.id)).toEqual(['msg_new', 'msg_old_2', 'msg_old_1']);
  const created = await catalog.createAccount('bob');
  expect((await catalog.authenticate(created.key))?.account.name).toBe('bob');
  await catalog.tests.insertTest(scenarioTest);
  for (const id of ['run_1', 'run_2']) await catalog.tests.insertRun(testRun(id));
  expect((await catalog.tests.latestRuns('acc_1')).get('test_1')?.id).toBe('run_2');
  await catalog.fmus.insert({
    id: 'fmu_1',
    account_id: 'acc_1',
    name: 'lag.fmu',
    fmi_version: '2.0',
    model_name: 'lag',
    size_bytes: 1,
    sha256: '00',
    variable_count: 0,
    description_json: '{}',
    created_at: '2026-01-01T00:00:00.000Z',
  });
  expect((await catalog.fmus.list('acc_1')).map((row) => row.id)).toEqual(['fmu_1']);
  await catalog.experiments.insert({
    id: 'exp_1',
    account_id: 'acc_1',
    name: 'mmc',
    status: 'succeeded',
    yaml: 'name: mmc\n',
    factors_json: '[]',
    outputs_json: '[]',
    confidence: 0.95,
    done: 1,
    total: 1,
    cached: 0,
    error: null,
    results_json: '{}',
    created_at: '2026-01-01T00:00:00.000Z',
    started_at: null,
    finished_at: null,
  });
  expect((await catalog.experiments.list('acc_1')).map((row) => row.id)).toEqual(['exp_1']);
}

describe('SQLite catalog migrations', () => {
  it('create the current schema in an empty file', async () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const catalog = Catalog.open(dir);
    expect(await catalog.listAccounts()).toEqual([]);
    await catalog.close();
    const file = new Database(join(dir, 'catalog.sqlite'), { readonly: true });
    const applied = file.prepare('SELECT hash FROM __drizzle_migrations').all();
    file.close();
    const journal = JSON.parse(readFileSync(join(packageDir, 'drizzle/sqlite/meta/_journal.json'), 'utf8')) as {
      entries: unknown[];
    };
    expect(applied).toHaveLength(journal.entries.length);
  });

  it.each([4, 3, 2])(
    'bring a data directory of the release before Drizzle (schema version %i) up, keeping every row',
    async (version) => {
      const { dir, remove } = tempDir();
      cleanups.push(remove);
      const file = new Database(join(dir, 'catalog.sqlite'));
      file.exec(legacySchema(version));
      for (const statement of [ACCOUNT, SIMULATION, WEBHOOK, ...DELIVERIES]) file.exec(statement);
      file.close();
      const catalog = Catalog.open(dir);
      cleanups.push(() => catalog.close());
      await expectUpgraded(catalog);
      // Opened again, nothing is migrated twice.
      const again = Catalog.open(dir);
      expect(await again.simulation('sim_1')).toMatchObject({ name: 'old' });
      await again.close();
    },
  );

  it('bring a catalog of the previous migration up', async () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const path = join(dir, 'catalog.sqlite');
    const file = new Database(path);
    migrateSqlite(drizzleSqlite(file), { migrationsFolder: firstMigrations('sqlite', 1) });
    for (const statement of [ACCOUNT, SIMULATION, WEBHOOK, ...DELIVERIES]) file.exec(statement);
    file.close();
    const catalog = Catalog.openFile(path);
    cleanups.push(() => catalog.close());
    await expectUpgraded(catalog);
  });
});

const pgUp = await postgresAvailable();

describe.runIf(pgUp)('PostgreSQL catalog migrations', () => {
  it('create the current schema in an empty schema, and refuse a URL that is not PostgreSQL', async () => {
    const schema = freshSchema();
    cleanups.push(schema.drop);
    const catalog = await Catalog.connect(schema.url);
    cleanups.push(() => catalog.close());
    expect(await catalog.listAccounts()).toEqual([]);
    expect(catalog.path).not.toContain('schema=');
    await expect(Catalog.connect('mysql://localhost/x')).rejects.toMatchObject({ code: 'DOPPEL_ERR_CATALOG_LOCATION' });
    await expect(Catalog.connect('postgres://nobody@127.0.0.1:1/none')).rejects.toMatchObject({
      code: 'DOPPEL_ERR_CATALOG_UNAVAILABLE',
    });
  });

  it('bring a catalog of the previous migration up, keeping every row', async () => {
    const schema = freshSchema();
    cleanups.push(schema.drop);
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1, options: `-c search_path=${schema.schema}` });
    await pool.query(`CREATE SCHEMA "${schema.schema}"`);
    await migratePg(drizzlePg(pool), {
      migrationsFolder: firstMigrations('pg', 1),
      migrationsSchema: schema.schema,
    });
    for (const statement of [ACCOUNT, SIMULATION, WEBHOOK, ...DELIVERIES]) await pool.query(statement);
    await pool.end();
    const catalog = await Catalog.connect(schema.url);
    cleanups.push(() => catalog.close());
    // Old deliveries of the same millisecond are numbered by id on PostgreSQL (it has no insertion order to keep).
    await expectUpgraded(catalog);
  });
});
