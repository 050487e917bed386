import type { JsonObject } from './json.js';
import type { LedgerEvent, SimulationEvent } from './wire/ledger.js';

export type { LedgerEvent, LedgerOrigin, SimulationEvent } from './wire/ledger.js';

/** The exported form of `event` in simulation `simId`. */
export function simulationEvent(simId: string, event: LedgerEvent): SimulationEvent {
  return { simId, ...event };
}

/** The event type that introduces an asset; its `newValue` is the full initial state and `meta.kind` its kind. */
export const ASSET_CREATED = 'ASSET_CREATED';

/**
 * Records are hash-chained in fixed-size blocks so that the head hash depends only on the records, never on how
 * they happened to be batched when written: hash(block n) = SHA-256(hash(block n-1) ‖ canonical(records of block n)).
 * The last, possibly partial, block is hashed the same way; the head hash identifies a run.
 */
export const LEDGER_BLOCK_SIZE = 256;
/** The chain starts from this value (64 hex zeros). */
export const GENESIS_HASH = '0'.repeat(64);

export interface LedgerBlock {
  /** 0-based block index: block n holds seq n*LEDGER_BLOCK_SIZE+1 .. (n+1)*LEDGER_BLOCK_SIZE. */
  readonly index: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export interface LedgerHead {
  readonly seq: number;
  readonly simTime: number;
  /** Hash over every record up to `seq` (sealed blocks plus the open tail hashed as a block). */
  readonly hash: string;
}

export interface LedgerQuery {
  readonly simId: string;
  readonly assetId?: string;
  readonly eventTypes?: readonly string[];
  /** Inclusive sim-time range. */
  readonly fromTime?: number;
  readonly toTime?: number;
  /** Only records with seq > afterSeq (paging and WebSocket resume). */
  readonly afterSeq?: number;
  readonly limit?: number;
  readonly order?: 'asc' | 'desc';
}

export interface LedgerVerification {
  readonly ok: boolean;
  /** Highest seq such that 1..seq are present, gap-free and (for sealed blocks) match their hashes. */
  readonly validPrefixSeq: number;
  readonly headHash: string;
  readonly problems: readonly string[];
}

/** Everything the catalog keeps about a simulation besides its ledger. */
export interface SimulationRecord {
  readonly simId: string;
  readonly name: string;
  readonly pack: string;
  readonly scenarioSha256: string;
  /** The resolved scenario as canonical JSON: with the seed and the intervention log it re-creates the run. */
  readonly scenarioJson: string;
  readonly seed: number;
  readonly parentSimId: string | null;
  /** For a branch: the parent's seq up to which the ledger is shared. */
  readonly forkSeq: number | null;
  readonly createdAt: string;
  readonly account?: string | null;
}

/**
 * The port every ledger store implements (SQLite embedded, PostgreSQL at scale). Appends are synchronous and
 * buffered by the store; `flush` makes everything appended so far durable. A conformance suite in
 * `@doppel/twin/testing` checks every implementation.
 */
export interface LedgerStore {
  createSimulation(record: SimulationRecord): Promise<void>;
  getSimulation(simId: string): Promise<SimulationRecord | null>;
  listSimulations(): Promise<SimulationRecord[]>;
  deleteSimulation(simId: string): Promise<void>;
  /**
   * Appends records (seq must continue the stored ledger without gaps, sim time must not decrease) and the blocks
   * they seal, atomically. Calls are applied in the order they are made, even when the caller does not await the
   * previous one (the ledger writer hands batches over without waiting). `encoded`, when given, holds the canonical
   * text of each record (`encodeLedgerEvent`), so a store can keep it without encoding again.
   */
  append(
    simId: string,
    records: readonly LedgerEvent[],
    sealed: readonly LedgerBlock[],
    encoded?: readonly string[],
  ): Promise<void>;
  /** Drops every record with seq > afterSeq (and blocks that contain them): used by rewind. */
  truncate(simId: string, afterSeq: number): Promise<void>;
  /** Copies the parent's records and sealed blocks up to `uptoSeq` into `toSimId` (branching). */
  copyPrefix(fromSimId: string, toSimId: string, uptoSeq: number): Promise<void>;
  query(query: LedgerQuery): Promise<LedgerEvent[]>;
  /**
   * The canonical texts (`encodeLedgerEvent`) of the records `query` selects, as stored: a reader that sends
   * records on (WebSocket catch-up) splices them into its wire form without decoding and serialising again.
   */
  queryTexts(query: LedgerQuery): Promise<string[]>;
  head(simId: string): Promise<LedgerHead>;
  verify(simId: string): Promise<LedgerVerification>;
  /** Full state of every asset (or of the listed ones) as of sim time t, inclusive, folded from the ledger. */
  stateAt(simId: string, t: number, assetIds?: readonly string[]): Promise<Map<string, JsonObject>>;
  /** Optional full-state snapshot that speeds up stateAt (the store may ignore it). */
  putSnapshot(simId: string, seq: number, simTime: number, states: ReadonlyMap<string, JsonObject>): Promise<void>;
  close(): Promise<void>;
}
