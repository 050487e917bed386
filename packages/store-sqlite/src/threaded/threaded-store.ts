import type { Worker } from 'node:worker_threads';
import {
  TwinError,
  TwinErrorCode,
  encodeLedgerEvent,
  type JsonObject,
  type LedgerBlock,
  type LedgerEvent,
  type LedgerHead,
  type LedgerQuery,
  type LedgerStore,
  type LedgerVerification,
  type SimulationRecord,
} from '@doppel/twin';
import type { SqliteLedgerStoreOptions } from '../sqlite-ledger-store.js';
import type { AppendBatch, SerializedError, StoreCall, StoreReply, StoreThreadInit } from './protocol.js';
import { siblingModule, startModuleWorker } from './start-worker.js';

export interface ThreadedSqliteLedgerStoreOptions extends SqliteLedgerStoreOptions {
  /**
   * Appends that may be posted and not yet committed (default 16 batches). When the model outruns the disk, the
   * appending thread waits for the store thread at this depth instead of queueing the whole ledger in memory.
   */
  readonly maxInFlight?: number;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

function revive(error: SerializedError): Error {
  if (error.code !== undefined && Object.values(TwinErrorCode).includes(error.code as TwinErrorCode)) {
    return new TwinError(error.code as TwinErrorCode, error.message, error.details as Record<string, unknown>);
  }
  return Object.assign(new Error(error.message), { name: error.name, code: error.code });
}

/**
 * The SQLite ledger store on a thread of its own: every call is posted to a store thread that owns the
 * connection, so the simulation never waits for the disk. Calls apply in call order, as with SqliteLedgerStore;
 * an append resolves once its transaction has committed. Same file format, so either class can open the file.
 */
export class ThreadedSqliteLedgerStore implements LedgerStore {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight: Int32Array;
  private readonly maxInFlight: number;
  private nextId = 1;
  private failure: Error | null = null;
  private closed: Promise<void> | null = null;
  /** Set by close: from then on the thread keeps the process alive until it has ended. */
  private closing = false;

  static open(path: string, options: ThreadedSqliteLedgerStoreOptions = {}): ThreadedSqliteLedgerStore {
    return new ThreadedSqliteLedgerStore(path, options);
  }

  constructor(path: string, options: ThreadedSqliteLedgerStoreOptions = {}) {
    const { maxInFlight = 16, ...storeOptions } = options;
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
      throw new TwinError(TwinErrorCode.InvalidArguments, `maxInFlight must be a positive integer, got ${maxInFlight}`);
    }
    this.maxInFlight = maxInFlight;
    const shared = new SharedArrayBuffer(4);
    this.inFlight = new Int32Array(shared);
    const init: StoreThreadInit = { path, options: storeOptions, inFlight: shared };
    this.worker = startModuleWorker(siblingModule(import.meta.url, 'store-thread'), { workerData: init });
    this.worker.on('message', (reply: StoreReply) => {
      const pending = this.pending.get(reply.id);
      if (pending === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(revive(reply.error));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (this.closed === null) this.fail(new Error(`The ledger store thread exited (code ${code})`));
    });
    // A store that is only opened must not keep the process alive; pending calls hold it (see call()).
    this.worker.unref();
  }

  createSimulation(record: SimulationRecord): Promise<void> {
    return this.call('createSimulation', [record]);
  }

  getSimulation(simId: string): Promise<SimulationRecord | null> {
    return this.call('getSimulation', [simId]);
  }

  listSimulations(): Promise<SimulationRecord[]> {
    return this.call('listSimulations', []);
  }

  deleteSimulation(simId: string): Promise<void> {
    return this.call('deleteSimulation', [simId]);
  }

  append(
    simId: string,
    records: readonly LedgerEvent[],
    sealed: readonly LedgerBlock[],
    encoded?: readonly string[],
  ): Promise<void> {
    const texts = encoded !== undefined && encoded.length === records.length ? encoded : records.map(encodeLedgerEvent);
    const last = texts.length - 1;
    if (
      last >= 0 &&
      !(texts[0].startsWith(`[${records[0].seq},`) && texts[last].startsWith(`[${records[last].seq},`))
    ) {
      return Promise.reject(
        new TwinError(TwinErrorCode.LedgerCorrupt, `Encoded texts of ${simId} do not match the records`, { simId }),
      );
    }
    const batch: AppendBatch = { simId, count: texts.length, texts: texts.join('\n'), sealed };
    this.waitForRoom();
    Atomics.add(this.inFlight, 0, 1);
    return this.call('append', [batch]);
  }

  truncate(simId: string, afterSeq: number): Promise<void> {
    return this.call('truncate', [simId, afterSeq]);
  }

  copyPrefix(fromSimId: string, toSimId: string, uptoSeq: number): Promise<void> {
    return this.call('copyPrefix', [fromSimId, toSimId, uptoSeq]);
  }

  query(query: LedgerQuery): Promise<LedgerEvent[]> {
    return this.call('query', [query]);
  }

  queryTexts(query: LedgerQuery): Promise<string[]> {
    return this.call('queryTexts', [query]);
  }

  head(simId: string): Promise<LedgerHead> {
    return this.call('head', [simId]);
  }

  verify(simId: string): Promise<LedgerVerification> {
    return this.call('verify', [simId]);
  }

  stateAt(simId: string, t: number, assetIds?: readonly string[]): Promise<Map<string, JsonObject>> {
    return this.call('stateAt', assetIds === undefined ? [simId, t] : [simId, t, assetIds]);
  }

  putSnapshot(simId: string, seq: number, simTime: number, states: ReadonlyMap<string, JsonObject>): Promise<void> {
    return this.call('putSnapshot', [simId, seq, simTime, states]);
  }

  /** Waits for every call made so far, closes the connection and ends the thread. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      if (this.failure === null) {
        const exited = new Promise((resolve) => this.worker.once('exit', resolve));
        this.worker.ref();
        const closed = await this.call('close', []).then(
          () => true,
          () => false,
        );
        if (closed) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
          clearTimeout(timer);
        }
      }
      await this.worker.terminate();
    })();
    return this.closed;
  }

  /** Blocks the appending thread while the store thread is `maxInFlight` appends behind. */
  private waitForRoom(): void {
    for (;;) {
      const current = Atomics.load(this.inFlight, 0);
      if (current < this.maxInFlight || this.failure !== null) return;
      Atomics.wait(this.inFlight, 0, current, 1000);
    }
  }

  private call<T>(method: string, args: readonly unknown[]): Promise<T> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.closed !== null && method !== 'close') {
      return Promise.reject(new TwinError(TwinErrorCode.InvalidState, 'The ledger store is closed'));
    }
    const id = this.nextId++;
    const message: StoreCall = { id, method, args };
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, {
        resolve: (value) => {
          this.settled();
          resolve(value as T);
        },
        reject: (error) => {
          this.settled();
          reject(error);
        },
      });
      this.worker.postMessage(message);
    });
  }

  private settled(): void {
    if (this.pending.size === 0 && !this.closing) this.worker.unref();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
    Atomics.store(this.inFlight, 0, 0);
  }
}
