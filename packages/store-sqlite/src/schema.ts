import type Database from 'better-sqlite3';
import { TwinError, TwinErrorCode } from '@doppel/twin';

/**
 * The ledger is stored one row per hash block (LEDGER_BLOCK_SIZE records): the row's body is the block's records
 * joined by "\n", which is exactly the text its hash covers. Per-record rows cost SQLite several times more than
 * encoding and hashing the record; per-block rows make storage cost about one string copy per record, make
 * verification one SHA-256 per row, and keep a crash from ever tearing a block.
 *
 * Rows are keyed by `id = sim_key * 2^INDEX_BITS + block index`, so each simulation's ledger is one contiguous,
 * append-ordered range of the table's b-tree. 2^24 blocks (4 billion records) per simulation and 2^29 simulation
 * keys keep ids exact in a JS number.
 */
export const INDEX_BITS = 24;
export const INDEX_SPAN = 2 ** INDEX_BITS;
export const MAX_BLOCK_INDEX = INDEX_SPAN - 1;
export const MAX_SIM_KEY = 2 ** 29 - 1;

export const rowId = (simKey: number, blockIndex: number): number => simKey * INDEX_SPAN + blockIndex;

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
  -- One row per hash block; the last row of a ledger may be partial (open: hash NULL until sealed).
  -- times: float64 LE sim time of each record, for time lookups without parsing bodies. body stays last so reading
  -- the other columns does not touch its overflow pages.
  CREATE TABLE ledger (
    id INTEGER PRIMARY KEY,
    count INTEGER NOT NULL,
    first_time REAL NOT NULL,
    last_time REAL NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT,
    times BLOB NOT NULL,
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
