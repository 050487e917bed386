import type { LedgerBlock } from '@doppel/twin';
import type { SqliteLedgerStoreOptions } from '../sqlite-ledger-store.js';

/** What the store thread is started with. */
export interface StoreThreadInit {
  readonly path: string;
  readonly options: SqliteLedgerStoreOptions;
  /** Appends posted and not yet committed: the writer side waits on it when too many are in flight. */
  readonly inFlight: SharedArrayBuffer;
}

/**
 * An append as it crosses the thread boundary: the columns the store indexes and the canonical texts it keeps,
 * joined by "\n" (canonical JSON never holds a raw newline). The records' values travel inside the texts, so they
 * are not cloned a second time, and one long string crosses a thread many times faster than thousands of short ones.
 */
export interface AppendBatch {
  readonly simId: string;
  readonly firstSeq: number;
  readonly simTimes: Float64Array;
  /**
   * Asset ids and event types as keys into the names both sides have seen, in posting order: `newNames` are the
   * names this batch adds (keys continue from the last batch). Thousands of short strings cost about a
   * microsecond each to clone; the keys cross as transferred buffers.
   */
  readonly newNames: readonly string[];
  readonly assetKeys: Uint32Array;
  readonly typeKeys: Uint32Array;
  readonly texts: string;
  readonly sealed: readonly LedgerBlock[];
}

/** A call to the store thread: the method name and its arguments (an append is an AppendBatch). */
export interface StoreCall {
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type StoreReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };
