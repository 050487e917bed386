import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hashKey, keyIdOf, newApiKey, newId, sameHash, SCOPES, type Scope } from './keys.js';
import { isStorageFailure, storageError } from '../storage-errors.js';
import { migrateCatalog } from './schema.js';
import { TestCatalog } from './tests.js';
import type {
  DeliveryRow,
  DeliveryStatusValue,
  SimulationRow,
  SimulationStatusValue,
  VehicleRow,
  WebhookRow,
} from './rows.js';

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

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

const nowIso = (): string => new Date().toISOString();
const PRINCIPAL_TTL_MS = 5_000;

/**
 * The server's catalog on SQLite: accounts, hashed API keys, simulations (owner, scenario, status, intervention log),
 * registered vehicles and webhooks with their delivery log. Ledgers live in per-simulation files, not here.
 */
export class Catalog {
  readonly db: Database.Database;
  /** Scenario tests and their runs. */
  readonly tests: TestCatalog;
  /** simId -> owning account: checked on every request that names a simulation, and never changes. */
  private readonly owners = new Map<string, string>();
  /** Recently authenticated keys (by full key), so a busy client costs one map lookup per request. */
  private readonly principals = new Map<string, { principal: Principal; until: number }>();

  constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrateCatalog(this.db);
    this.tests = new TestCatalog(this.db);
  }

  /** Opens (creating) the catalog of a data directory; a disk that refuses is reported with the path and cause. */
  static open(dataDir: string): Catalog {
    const path = join(dataDir, 'catalog.sqlite');
    try {
      mkdirSync(dataDir, { recursive: true });
      return new Catalog(path);
    } catch (error) {
      if (isStorageFailure(error)) throw storageError(error, path, 'open the catalog');
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }

  // ---- accounts and keys ---------------------------------------------------------------------------------------

  createAccount(name: string, scopes: readonly Scope[] = ['read', 'write']): CreatedKey {
    const account: Account = { id: newId('acc'), name, createdAt: nowIso() };
    return this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)')
        .run(account.id, account.name, account.createdAt);
      return this.createKey(account, scopes);
    })();
  }

  /** Adds a key; with `fixedKey` (tests, demo) that exact key is stored (hashed). */
  createKey(account: Account, scopes: readonly Scope[], fixedKey?: string): CreatedKey {
    const generated = newApiKey();
    const key = fixedKey ?? generated.key;
    const keyId = keyIdOf(key) ?? generated.id;
    const unique = [...new Set(scopes)].filter((scope) => (SCOPES as readonly string[]).includes(scope));
    this.db
      .prepare('INSERT INTO api_keys (id, account_id, key_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(keyId, account.id, hashKey(key), unique.join(','), nowIso());
    return { account, key, keyId, scopes: unique };
  }

  accountByName(name: string): Account | null {
    const row = this.db.prepare('SELECT id, name, created_at FROM accounts WHERE name = ?').get(name) as
      { id: string; name: string; created_at: string } | undefined;
    return row === undefined ? null : { id: row.id, name: row.name, createdAt: row.created_at };
  }

  listAccounts(): Account[] {
    return (
      this.db.prepare('SELECT id, name, created_at FROM accounts ORDER BY created_at').all() as {
        id: string;
        name: string;
        created_at: string;
      }[]
    ).map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at }));
  }

  /**
   * The principal of a key, or null. The stored hash is compared in constant time; a verified key is remembered
   * for a few seconds.
   */
  authenticate(key: string): Principal | null {
    const cached = this.principals.get(key);
    const now = Date.now();
    if (cached !== undefined && cached.until > now) return cached.principal;
    const principal = this.lookupKey(key);
    if (principal !== null) {
      if (this.principals.size > 10_000) this.principals.clear();
      this.principals.set(key, { principal, until: now + PRINCIPAL_TTL_MS });
    }
    return principal;
  }

  private lookupKey(key: string): Principal | null {
    const keyId = keyIdOf(key);
    if (keyId === null) return null;
    const row = this.db
      .prepare(
        `SELECT k.key_hash, k.scopes, a.id, a.name, a.created_at FROM api_keys k JOIN accounts a ON a.id = k.account_id
         WHERE k.id = ? AND k.revoked_at IS NULL`,
      )
      .get(keyId) as { key_hash: string; scopes: string; id: string; name: string; created_at: string } | undefined;
    if (row === undefined || !sameHash(row.key_hash, hashKey(key))) return null;
    return {
      account: { id: row.id, name: row.name, createdAt: row.created_at },
      keyId,
      scopes: row.scopes.split(',').filter(Boolean) as Scope[],
    };
  }

  // ---- simulations ---------------------------------------------------------------------------------------------

  insertSimulation(row: Omit<SimulationRow, 'head_seq' | 'head_hash' | 'error' | 'speed' | 'intervention_log'>): void {
    this.db
      .prepare(
        `INSERT INTO simulations (id, account_id, name, pack, example, scenario_json, seed, parent_id, fork_time, status,
           sim_time, duration_s, start_iso, timezone, created_at)
         VALUES (@id, @account_id, @name, @pack, @example, @scenario_json, @seed, @parent_id, @fork_time, @status,
           @sim_time, @duration_s, @start_iso, @timezone, @created_at)`,
      )
      .run(row);
  }

  simulation(id: string): SimulationRow | null {
    return (this.db.prepare('SELECT * FROM simulations WHERE id = ?').get(id) as SimulationRow | undefined) ?? null;
  }

  /** The simulation if it belongs to the account; another account's id is indistinguishable from a missing one. */
  ownedSimulation(accountId: string, id: string): SimulationRow | null {
    if (!this.ownsSimulation(accountId, id)) return null;
    return this.simulation(id);
  }

  /** Cheap ownership check (no row read once known). */
  ownsSimulation(accountId: string, id: string): boolean {
    let owner = this.owners.get(id);
    if (owner === undefined) {
      const row = this.db.prepare('SELECT account_id FROM simulations WHERE id = ?').get(id) as
        { account_id: string } | undefined;
      if (row === undefined) return false;
      owner = row.account_id;
      this.owners.set(id, owner);
    }
    return owner === accountId;
  }

  listSimulations(accountId: string): SimulationRow[] {
    return this.db
      .prepare('SELECT * FROM simulations WHERE account_id = ? ORDER BY created_at, id')
      .all(accountId) as SimulationRow[];
  }

  allSimulations(): SimulationRow[] {
    return this.db.prepare('SELECT * FROM simulations ORDER BY created_at').all() as SimulationRow[];
  }

  countSimulations(accountId: string): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM simulations WHERE account_id = ?').get(accountId) as { n: number }
    ).n;
  }

  updateSimulation(
    id: string,
    fields: Partial<{
      status: SimulationStatusValue;
      sim_time: number;
      head_seq: number;
      head_hash: string | null;
      speed: number | null;
      error: string | null;
      intervention_log: string;
    }>,
  ): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    const assignments = keys.map((key) => `${key} = @${key}`).join(', ');
    this.db.prepare(`UPDATE simulations SET ${assignments} WHERE id = @id`).run({ ...fields, id });
  }

  deleteSimulation(id: string): void {
    this.owners.delete(id);
    this.db.prepare('DELETE FROM simulations WHERE id = ?').run(id);
  }

  // ---- vehicles (seed 001) -------------------------------------------------------------------------------------

  insertVehicle(row: VehicleRow): void {
    this.db
      .prepare(
        `INSERT INTO vehicles (id, account_id, physical_vehicle_id, model_type, simulation_id, asset_id, created_at)
         VALUES (@id, @account_id, @physical_vehicle_id, @model_type, @simulation_id, @asset_id, @created_at)`,
      )
      .run(row);
  }

  /**
   * The next virtual vehicle id: twin-001, twin-002... in creation order over the server (so the seed's quick start,
   * which names twin-001, works as written on a fresh server).
   */
  nextVehicleId(): string {
    const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM vehicles').get() as { n: number };
    for (let k = n + 1; ; k++) {
      const id = `twin-${String(k).padStart(3, '0')}`;
      if (this.db.prepare('SELECT 1 FROM vehicles WHERE id = ?').get(id) === undefined) return id;
    }
  }

  /** Points a vehicle at the simulation of its latest scenario (its state is read there). */
  setVehicleSimulation(id: string, simulationId: string, assetId: string): void {
    this.db.prepare('UPDATE vehicles SET simulation_id = ?, asset_id = ? WHERE id = ?').run(simulationId, assetId, id);
  }

  ownedVehicle(accountId: string, id: string): VehicleRow | null {
    const row = this.db.prepare('SELECT * FROM vehicles WHERE id = ?').get(id) as VehicleRow | undefined;
    return row !== undefined && row.account_id === accountId ? row : null;
  }

  // ---- webhooks ------------------------------------------------------------------------------------------------

  insertWebhook(row: WebhookRow): void {
    this.db
      .prepare(
        `INSERT INTO webhooks (id, account_id, url, event_types, simulation_id, secret, created_at)
         VALUES (@id, @account_id, @url, @event_types, @simulation_id, @secret, @created_at)`,
      )
      .run(row);
  }

  ownedWebhook(accountId: string, id: string): WebhookRow | null {
    const row = this.db.prepare('SELECT * FROM webhooks WHERE id = ?').get(id) as WebhookRow | undefined;
    return row !== undefined && row.account_id === accountId ? row : null;
  }

  listWebhooks(accountId: string): WebhookRow[] {
    return this.db
      .prepare('SELECT * FROM webhooks WHERE account_id = ? ORDER BY created_at')
      .all(accountId) as WebhookRow[];
  }

  allWebhooks(): WebhookRow[] {
    return this.db.prepare('SELECT * FROM webhooks').all() as WebhookRow[];
  }

  deleteWebhook(id: string): void {
    this.db.prepare('DELETE FROM webhooks WHERE id = ?').run(id);
  }

  upsertDelivery(row: DeliveryRow): void {
    this.db
      .prepare(
        `INSERT INTO webhook_deliveries (id, webhook_id, simulation_id, event_count, status, attempts, last_status_code,
           last_error, next_attempt_at, created_at, updated_at)
         VALUES (@id, @webhook_id, @simulation_id, @event_count, @status, @attempts, @last_status_code, @last_error,
           @next_attempt_at, @created_at, @updated_at)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
           last_status_code = excluded.last_status_code, last_error = excluded.last_error,
           next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at`,
      )
      .run(row);
  }

  deliveries(webhookId: string, limit: number, status?: DeliveryStatusValue): DeliveryRow[] {
    const filter = status === undefined ? '' : 'AND status = @status';
    return this.db
      .prepare(
        `SELECT * FROM webhook_deliveries WHERE webhook_id = @webhookId ${filter}
         ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
      )
      .all(status === undefined ? { webhookId, limit } : { webhookId, limit, status }) as DeliveryRow[];
  }

  delivery(webhookId: string, id: string): DeliveryRow | null {
    return (
      (this.db.prepare('SELECT * FROM webhook_deliveries WHERE id = ? AND webhook_id = ?').get(id, webhookId) as
        DeliveryRow | undefined) ?? null
    );
  }

  /** How many deliveries of a webhook are in each state. */
  deliveryCounts(webhookId: string): Record<DeliveryStatusValue, number> {
    const counts: Record<DeliveryStatusValue, number> = { pending: 0, retrying: 0, delivered: 0, failed: 0 };
    const rows = this.db
      .prepare('SELECT status, COUNT(*) AS n FROM webhook_deliveries WHERE webhook_id = ? GROUP BY status')
      .all(webhookId) as { status: DeliveryStatusValue; n: number }[];
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }
}
