import type Database from 'better-sqlite3';
import { and, asc, count, desc, eq, isNull, sql } from 'drizzle-orm';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  connectPostgres,
  openSqlite,
  type CatalogConnection,
  type CatalogDb,
  type CatalogTables,
} from './connection.js';
import { hashKey, keyIdOf, newApiKey, newId, sameHash, SCOPES, type Scope } from './keys.js';
import { Lane } from './lane.js';
import { selectOwned } from './owned.js';
import { withoutSeq } from './rows.js';
import { ExperimentCatalog } from './experiments.js';
import { FmuCatalog } from './fmus.js';
import { ModelCatalog } from './models.js';
import { TestCatalog } from './tests.js';
import type {
  Account,
  DeliveryRow,
  DeliveryStatusValue,
  SimulationRow,
  SimulationStatusValue,
  VehicleRow,
  WebhookRow,
} from './rows.js';

export interface Principal {
  readonly account: Account;
  readonly keyId: string;
  readonly scopes: readonly Scope[];
}

export interface CreatedKey {
  readonly account: Account;
  /** Shown once: only its hash is stored. */
  readonly key: string;
  readonly keyId: string;
  readonly scopes: readonly Scope[];
}

export type NewSimulation = Omit<SimulationRow, 'head_seq' | 'head_hash' | 'error' | 'speed' | 'intervention_log'>;

export type SimulationUpdate = Partial<{
  status: SimulationStatusValue;
  sim_time: number;
  head_seq: number;
  head_hash: string | null;
  speed: number | null;
  error: string | null;
  intervention_log: string;
}>;

const nowIso = (): string => new Date().toISOString();
const PRINCIPAL_TTL_MS = 5_000;

/**
 * The server's catalog: accounts, hashed API keys, simulations (owner, scenario, status, intervention log),
 * registered vehicles and webhooks with their delivery log, on SQLite (a file in the data directory) or PostgreSQL.
 * Ledgers live in per-simulation files, not here. Every call is asynchronous and runs in submission order.
 */
export class Catalog {
  /** simId -> owning account: checked on every request that names a simulation, and never changes. */
  private readonly owners = new Map<string, string>();
  /** Recently authenticated keys (by full key), so a busy client costs one map lookup per request. */
  private readonly principals = new Map<string, { principal: Principal; until: number }>();
  private readonly lane = new Lane();
  private readonly db: CatalogDb;
  private readonly t: CatalogTables;
  /** Scenario tests and their runs. */
  readonly tests: TestCatalog;
  /** Modelling projects and their machine models. */
  readonly models: ModelCatalog;
  /** FMUs uploaded per account. */
  readonly fmus: FmuCatalog;
  /** Experiments per account: their text, state and results. */
  readonly experiments: ExperimentCatalog;

  private constructor(private readonly connection: CatalogConnection) {
    this.db = connection.db;
    this.t = connection.tables;
    this.tests = new TestCatalog(connection, this.lane);
    this.models = new ModelCatalog(connection, this.lane);
    this.fmus = new FmuCatalog(connection, this.lane);
    this.experiments = new ExperimentCatalog(connection, this.lane);
  }

  /** The SQLite catalog of a data directory (`catalog.sqlite`), created or migrated as needed. */
  static open(dataDir: string): Catalog {
    mkdirSync(dataDir, { recursive: true });
    return Catalog.openFile(join(dataDir, 'catalog.sqlite'));
  }

  static openFile(path: string): Catalog {
    return new Catalog(openSqlite(path));
  }

  /** The PostgreSQL catalog at a `postgres://` URL (`?schema=NAME` picks a schema), migrated as needed. */
  static async connect(url: string): Promise<Catalog> {
    return new Catalog(await connectPostgres(url));
  }

  /** Where the catalog is (a file path or a URL without its password), for messages. */
  get path(): string {
    return this.connection.location;
  }

  /** The SQLite connection of a SQLite catalog (pragmas, maintenance); null on PostgreSQL. */
  get sqlite(): Database.Database | null {
    return this.connection.sqlite;
  }

  get dialect(): 'sqlite' | 'postgres' {
    return this.connection.dialect;
  }

  close(): Promise<void> {
    return this.lane.run(() => this.connection.close());
  }

  /** Runs one catalog call in the lane. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    return this.lane.run(task);
  }

  // ---- accounts and keys ---------------------------------------------------------------------------------------

  createAccount(name: string, scopes: readonly Scope[] = ['read', 'write']): Promise<CreatedKey> {
    const account: Account = { id: newId('acc'), name, createdAt: nowIso() };
    return this.serial(() =>
      this.connection.transaction(async (db) => {
        await db.insert(this.t.accounts).values({ id: account.id, name: account.name, created_at: account.createdAt });
        return this.insertKey(db, account, scopes);
      }),
    );
  }

  /** Adds a key; with `fixedKey` (tests, demo) that exact key is stored (hashed). */
  createKey(account: Account, scopes: readonly Scope[], fixedKey?: string): Promise<CreatedKey> {
    return this.serial(() => this.insertKey(this.db, account, scopes, fixedKey));
  }

  private async insertKey(
    db: CatalogDb,
    account: Account,
    scopes: readonly Scope[],
    fixedKey?: string,
  ): Promise<CreatedKey> {
    const generated = newApiKey();
    const key = fixedKey ?? generated.key;
    const keyId = keyIdOf(key) ?? generated.id;
    const unique = [...new Set(scopes)].filter((scope) => (SCOPES as readonly string[]).includes(scope));
    await db.insert(this.t.apiKeys).values({
      id: keyId,
      account_id: account.id,
      key_hash: hashKey(key),
      scopes: unique.join(','),
      created_at: nowIso(),
    });
    return { account, key, keyId, scopes: unique };
  }

  accountByName(name: string): Promise<Account | null> {
    return this.serial(async () => {
      const [row] = await this.db.select().from(this.t.accounts).where(eq(this.t.accounts.name, name)).limit(1);
      return row === undefined ? null : { id: row.id, name: row.name, createdAt: row.created_at };
    });
  }

  listAccounts(): Promise<Account[]> {
    return this.serial(async () => {
      const rows = await this.db.select().from(this.t.accounts).orderBy(asc(this.t.accounts.created_at));
      return rows.map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at }));
    });
  }

  /**
   * The principal of a key, or null. The stored hash is compared in constant time; a verified key is remembered
   * for a few seconds.
   */
  async authenticate(key: string): Promise<Principal | null> {
    const cached = this.principals.get(key);
    if (cached !== undefined && cached.until > Date.now()) return cached.principal;
    const principal = await this.serial(() => this.lookupKey(key));
    if (principal !== null) {
      if (this.principals.size > 10_000) this.principals.clear();
      this.principals.set(key, { principal, until: Date.now() + PRINCIPAL_TTL_MS });
    }
    return principal;
  }

  private async lookupKey(key: string): Promise<Principal | null> {
    const keyId = keyIdOf(key);
    if (keyId === null) return null;
    const { apiKeys, accounts } = this.t;
    const [row] = await this.db
      .select({
        key_hash: apiKeys.key_hash,
        scopes: apiKeys.scopes,
        id: accounts.id,
        name: accounts.name,
        created_at: accounts.created_at,
      })
      .from(apiKeys)
      .innerJoin(accounts, eq(accounts.id, apiKeys.account_id))
      .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revoked_at)))
      .limit(1);
    if (row === undefined || !sameHash(row.key_hash, hashKey(key))) return null;
    return {
      account: { id: row.id, name: row.name, createdAt: row.created_at },
      keyId,
      scopes: row.scopes.split(',').filter(Boolean) as Scope[],
    };
  }

  // ---- simulations ---------------------------------------------------------------------------------------------

  insertSimulation(row: NewSimulation): Promise<void> {
    return this.serial(async () => {
      await this.db.insert(this.t.simulations).values(row);
    });
  }

  simulation(id: string): Promise<SimulationRow | null> {
    return this.serial(() => this.simulationRow(id));
  }

  private async simulationRow(id: string): Promise<SimulationRow | null> {
    const [row] = await this.db.select().from(this.t.simulations).where(eq(this.t.simulations.id, id)).limit(1);
    return row ?? null;
  }

  /** The simulation if it belongs to the account; another account's id is indistinguishable from a missing one. */
  async ownedSimulation(accountId: string, id: string): Promise<SimulationRow | null> {
    if (!(await this.ownsSimulation(accountId, id))) return null;
    return this.simulation(id);
  }

  /** Cheap ownership check (no row read once known). */
  async ownsSimulation(accountId: string, id: string): Promise<boolean> {
    let owner = this.owners.get(id);
    if (owner === undefined) {
      const { simulations } = this.t;
      const [row] = await this.serial(() =>
        this.db.select({ account_id: simulations.account_id }).from(simulations).where(eq(simulations.id, id)).limit(1),
      );
      if (row === undefined) return false;
      owner = row.account_id;
      this.owners.set(id, owner);
    }
    return owner === accountId;
  }

  listSimulations(accountId: string): Promise<SimulationRow[]> {
    const { simulations } = this.t;
    return this.serial(() =>
      this.db
        .select()
        .from(simulations)
        .where(eq(simulations.account_id, accountId))
        .orderBy(asc(simulations.created_at), asc(simulations.id)),
    );
  }

  allSimulations(): Promise<SimulationRow[]> {
    const { simulations } = this.t;
    return this.serial(() => this.db.select().from(simulations).orderBy(asc(simulations.created_at)));
  }

  countSimulations(accountId: string): Promise<number> {
    const { simulations } = this.t;
    return this.serial(async () => {
      const [row] = await this.db.select({ n: count() }).from(simulations).where(eq(simulations.account_id, accountId));
      return row?.n ?? 0;
    });
  }

  updateSimulation(id: string, fields: SimulationUpdate): Promise<void> {
    if (Object.keys(fields).length === 0) return Promise.resolve();
    const { simulations } = this.t;
    return this.serial(async () => {
      await this.db.update(simulations).set(fields).where(eq(simulations.id, id));
    });
  }

  deleteSimulation(id: string): Promise<void> {
    this.owners.delete(id);
    const { simulations } = this.t;
    return this.serial(async () => {
      await this.db.delete(simulations).where(eq(simulations.id, id));
    });
  }

  // ---- vehicles (seed 001) -------------------------------------------------------------------------------------

  insertVehicle(row: VehicleRow): Promise<void> {
    return this.serial(async () => {
      await this.db.insert(this.t.vehicles).values(row);
    });
  }

  /**
   * The next virtual vehicle id: twin-001, twin-002... in creation order over the server (so the seed's quick start,
   * which names twin-001, works as written on a fresh server).
   */
  nextVehicleId(): Promise<string> {
    const { vehicles } = this.t;
    return this.serial(async () => {
      const [counted] = await this.db.select({ n: count() }).from(vehicles);
      for (let k = (counted?.n ?? 0) + 1; ; k++) {
        const id = `twin-${String(k).padStart(3, '0')}`;
        const taken = await this.db.select({ id: vehicles.id }).from(vehicles).where(eq(vehicles.id, id)).limit(1);
        if (taken.length === 0) return id;
      }
    });
  }

  /** Points a vehicle at the simulation of its latest scenario (its state is read there). */
  setVehicleSimulation(id: string, simulationId: string, assetId: string): Promise<void> {
    const { vehicles } = this.t;
    return this.serial(async () => {
      await this.db.update(vehicles).set({ simulation_id: simulationId, asset_id: assetId }).where(eq(vehicles.id, id));
    });
  }

  ownedVehicle(accountId: string, id: string): Promise<VehicleRow | null> {
    return this.serial(() => selectOwned(this.db, this.t.vehicles, accountId, id));
  }

  /** A vehicle by id, whoever owns it (MQTT telemetry names its vehicle by the topic alone). */
  vehicle(id: string): Promise<VehicleRow | null> {
    const { vehicles } = this.t;
    return this.serial(async () => {
      const [row] = await this.db.select().from(vehicles).where(eq(vehicles.id, id)).limit(1);
      return row ?? null;
    });
  }

  /** The ids of an account's vehicles, oldest first. */
  vehicleIds(accountId: string): Promise<string[]> {
    const { vehicles } = this.t;
    return this.serial(async () => {
      const rows = await this.db
        .select({ id: vehicles.id })
        .from(vehicles)
        .where(eq(vehicles.account_id, accountId))
        .orderBy(vehicles.created_at, vehicles.id);
      return rows.map((row) => row.id);
    });
  }

  // ---- webhooks ------------------------------------------------------------------------------------------------

  insertWebhook(row: WebhookRow): Promise<void> {
    return this.serial(async () => {
      await this.db.insert(this.t.webhooks).values(row);
    });
  }

  ownedWebhook(accountId: string, id: string): Promise<WebhookRow | null> {
    return this.serial(() => selectOwned(this.db, this.t.webhooks, accountId, id));
  }

  listWebhooks(accountId: string): Promise<WebhookRow[]> {
    const { webhooks } = this.t;
    return this.serial(() =>
      this.db.select().from(webhooks).where(eq(webhooks.account_id, accountId)).orderBy(asc(webhooks.created_at)),
    );
  }

  allWebhooks(): Promise<WebhookRow[]> {
    return this.serial(() => this.db.select().from(this.t.webhooks));
  }

  deleteWebhook(id: string): Promise<void> {
    const { webhooks } = this.t;
    return this.serial(async () => {
      await this.db.delete(webhooks).where(eq(webhooks.id, id));
    });
  }

  upsertDelivery(row: DeliveryRow): Promise<void> {
    const deliveries = this.t.webhookDeliveries;
    return this.serial(async () => {
      await this.db
        .insert(deliveries)
        .values({ ...row, seq: sql`(SELECT COALESCE(MAX(seq), 0) + 1 FROM webhook_deliveries)` })
        .onConflictDoUpdate({
          target: deliveries.id,
          set: {
            status: row.status,
            attempts: row.attempts,
            last_status_code: row.last_status_code,
            last_error: row.last_error,
            next_attempt_at: row.next_attempt_at,
            updated_at: row.updated_at,
          },
        });
    });
  }

  /** A webhook's deliveries, newest first. */
  deliveries(webhookId: string, limit: number, status?: DeliveryStatusValue): Promise<DeliveryRow[]> {
    const deliveries = this.t.webhookDeliveries;
    const filter =
      status === undefined
        ? eq(deliveries.webhook_id, webhookId)
        : and(eq(deliveries.webhook_id, webhookId), eq(deliveries.status, status));
    return this.serial(async () => {
      const rows = await this.db
        .select()
        .from(deliveries)
        .where(filter)
        .orderBy(desc(deliveries.created_at), desc(deliveries.seq))
        .limit(limit);
      return rows.map(withoutSeq);
    });
  }

  delivery(webhookId: string, id: string): Promise<DeliveryRow | null> {
    const deliveries = this.t.webhookDeliveries;
    return this.serial(async () => {
      const [row] = await this.db
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.id, id), eq(deliveries.webhook_id, webhookId)))
        .limit(1);
      return row === undefined ? null : withoutSeq(row);
    });
  }

  /** How many deliveries of a webhook are in each state. */
  deliveryCounts(webhookId: string): Promise<Record<DeliveryStatusValue, number>> {
    const deliveries = this.t.webhookDeliveries;
    return this.serial(async () => {
      const counts: Record<DeliveryStatusValue, number> = { pending: 0, retrying: 0, delivered: 0, failed: 0 };
      const rows = await this.db
        .select({ status: deliveries.status, n: count() })
        .from(deliveries)
        .where(eq(deliveries.webhook_id, webhookId))
        .groupBy(deliveries.status);
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    });
  }
}
