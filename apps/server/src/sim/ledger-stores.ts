import { existsSync, rmSync } from 'node:fs';
import { PostgresLedgerStore } from '@doppel/store-postgres';
import { SqliteLedgerStore } from '@doppel/store-sqlite';
import { TwinError, TwinErrorCode, type LedgerHead, type LedgerStore } from '@doppel/twin';
import { ServerError, ServerErrorCode } from '../errors.js';

/**
 * Where the server keeps simulation ledgers: a SQLite file per simulation in the data directory (the default), or
 * one PostgreSQL schema shared by every simulation (`doppel serve --store postgres://…`), so several servers and
 * lab workers can read one history. Either way a ledger is derived data: a simulation's worker regenerates it from
 * (scenario, seed, intervention log) when it starts, and the intervention journal stays in the data directory.
 */
export interface LedgerPlacement {
  /** `postgres://user@host:port/db[?schema=name]`, or null for SQLite files. */
  readonly storeUrl: string | null;
  /** The simulation's SQLite file (also where its intervention journal sits beside it). */
  readonly ledgerPath: string;
  readonly simId: string;
}

/** The URL as messages may show it: no password. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an invalid URL)';
  }
}

/** The ledger of one simulation as error messages name it. */
export function ledgerLocation(placement: LedgerPlacement): string {
  return placement.storeUrl === null
    ? placement.ledgerPath
    : `${shownUrl(placement.storeUrl)} (simulation ${placement.simId})`;
}

/** Checks a `--store` URL before anything connects: a postgres:// URL with a usable schema name. */
export function checkStoreUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TwinError(TwinErrorCode.InvalidArguments, `store: "${url}" is not a URL (expected postgres://host/db)`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new TwinError(
      TwinErrorCode.InvalidArguments,
      `store: expected a postgres:// URL, found ${parsed.protocol}// in "${shownUrl(url)}"`,
    );
  }
  const schema = parsed.searchParams.get('schema');
  if (schema !== null && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new TwinError(
      TwinErrorCode.InvalidArguments,
      `store: ?schema= expects letters, digits and underscores (at most 63), found "${schema}"`,
    );
  }
}

async function connectPostgres(url: string): Promise<PostgresLedgerStore> {
  try {
    return await PostgresLedgerStore.open({ url });
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new ServerError(ServerErrorCode.StorageFailed, `Cannot open the ledger store at ${shownUrl(url)}: ${cause}`);
  }
}

/**
 * The store a simulation's worker writes its ledger to, holding nothing of an earlier ledger of this simulation
 * (which the worker is about to regenerate).
 */
export async function openFreshLedger(placement: LedgerPlacement): Promise<LedgerStore> {
  if (placement.storeUrl === null) {
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(placement.ledgerPath + suffix)) rmSync(placement.ledgerPath + suffix);
    }
    return SqliteLedgerStore.open(placement.ledgerPath);
  }
  const store = await connectPostgres(placement.storeUrl);
  try {
    await store.deleteSimulation(placement.simId);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

/**
 * The server's own view of the stored ledgers (its main thread, not a simulation's worker): their heads after a
 * restart, and their removal with a deleted simulation. On PostgreSQL one connection, opened at start-up so a
 * store that cannot be reached stops the server with the cause instead of failing each simulation later.
 */
export class StoredLedgers {
  private constructor(
    private readonly postgres: PostgresLedgerStore | null,
    readonly storeUrl: string | null,
  ) {}

  /** Where the ledgers are, as the server prints it (no password). */
  get location(): string {
    return this.storeUrl === null ? 'SQLite files in the data directory' : `PostgreSQL ${shownUrl(this.storeUrl)}`;
  }

  static async open(storeUrl: string | null): Promise<StoredLedgers> {
    if (storeUrl === null) return new StoredLedgers(null, null);
    checkStoreUrl(storeUrl);
    return new StoredLedgers(await connectPostgres(storeUrl), storeUrl);
  }

  /** The head of a simulation's stored ledger, or null without a readable one (it is re-executed either way). */
  async head(simId: string, ledgerPath: string): Promise<LedgerHead | null> {
    if (this.postgres !== null) return this.postgres.head(simId).catch(() => null);
    if (!existsSync(ledgerPath)) return null;
    let store: SqliteLedgerStore | null = null;
    try {
      store = SqliteLedgerStore.open(ledgerPath);
      return await store.head(simId);
    } catch {
      return null;
    } finally {
      await store?.close().catch(() => undefined);
    }
  }

  /** Removes a deleted simulation's ledger from PostgreSQL (its files in the data directory go with the others). */
  async remove(simId: string): Promise<void> {
    await this.postgres?.deleteSimulation(simId);
  }

  async close(): Promise<void> {
    await this.postgres?.close();
  }
}
