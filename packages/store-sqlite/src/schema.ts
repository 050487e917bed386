import type Database from 'better-sqlite3';
import { TwinError, TwinErrorCode } from '@doppel/twin';

/**
 * Ledger rows are keyed by `id = sim_key * 2^SEQ_BITS + seq`, so each simulation's ledger is one contiguous,
 * append-ordered range of the table's own b-tree: appends never insert in the middle of an index, and a range of
 * seqs is a rowid range. 2^33 records per simulation and 2^20 simulation keys keep ids exact in a JS number.
 */
export const SEQ_BITS = 33;
export const SEQ_SPAN = 2 ** SEQ_BITS;
export const MAX_SEQ = SEQ_SPAN - 1;
export const MAX_SIM_KEY = 2 ** 20 - 1;

export const rowId = (simKey: number, seq: number): number => simKey * SEQ_SPAN + seq;

/** Migrations in order; `user_version` records how many have been applied. Never edit a shipped one: append. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE simulations (
    sim_key INTEGER PRIMARY KEY,
    sim_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    pack TEXT NOT NULL,
    scenario_sha256 TEXT NOT NULL,
    scenario_json TEXT NOT NULL,
    seed INTEGER NOT NULL,
    parent_sim_id TEXT,
    fork_seq INTEGER,
    created_at TEXT NOT NULL,
    account TEXT
  );
  -- Asset ids (kind 0) and event types (kind 1), interned so postings hold small integers.
  CREATE TABLE names (
    name_key INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (kind, name)
  );
  -- body: the canonical record text (encodeLedgerEvent), stored once and hashed as is.
  CREATE TABLE ledger (
    id INTEGER PRIMARY KEY,
    sim_time REAL NOT NULL,
    body TEXT NOT NULL
  );
  -- Per fixed chunk of seqs, the asset and event-type key of each record (see postings.ts).
  CREATE TABLE chunks (
    sim_key INTEGER NOT NULL,
    chunk INTEGER NOT NULL,
    assets BLOB NOT NULL,
    types BLOB NOT NULL,
    PRIMARY KEY (sim_key, chunk)
  ) WITHOUT ROWID;
  CREATE TABLE blocks (
    sim_key INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (sim_key, idx)
  ) WITHOUT ROWID;
  CREATE TABLE snapshots (
    sim_key INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    sim_time REAL NOT NULL,
    states TEXT NOT NULL,
    PRIMARY KEY (sim_key, seq)
  ) WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new TwinError(
      TwinErrorCode.InvalidState,
      `Database schema version ${current} is newer than this Doppel (${SCHEMA_VERSION})`,
      { expected: SCHEMA_VERSION, found: current },
    );
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
