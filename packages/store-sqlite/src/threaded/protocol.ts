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
 * An append as it crosses the thread boundary: the records' canonical texts joined by "\n" (canonical JSON never
 * holds a raw newline). One long string crosses a thread many times faster than thousands of short ones or
 * objects, and the texts hold everything the store indexes (seq, sim time, asset, event type), which the store
 * thread reads back from them: the simulation's thread does no per-record work for the store.
 */
export interface AppendBatch {
  readonly simId: string;
  readonly count: number;
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
