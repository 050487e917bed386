import type { JsonObject } from '../contracts/json.js';
import type { LedgerEvent, LedgerHead, LedgerOrigin, LedgerStore } from '../contracts/ledger.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import { encodeLedgerEvent } from './encoding.js';
import { LedgerHasher } from './hasher.js';

export interface LedgerWriterOptions {
  readonly simId: string;
  /** Where batches go; null or absent: records are only hashed and published (e.g. a throw-away run). */
  readonly store?: LedgerStore | null;
  /** Records per store append (default 4096). */
  readonly batchSize?: number;
}

export type LedgerListener = (records: readonly LedgerEvent[]) => void;

const DEFAULT_BATCH_SIZE = 4096;

/**
 * The single writer of a simulation's ledger: assigns seq, hashes, buffers, and hands batches to the store and to
 * subscribers in order. `append` is on the simulation hot path, so it never waits: store appends are started
 * synchronously (stores apply them in call order) and awaited by `flush`.
 */
export class LedgerWriter {
  readonly simId: string;
  private readonly store: LedgerStore | null;
  private readonly batchSize: number;
  private hasher = new LedgerHasher();
  private lastSimTime = Number.NEGATIVE_INFINITY;
  private silentUntil = 0;
  private records: LedgerEvent[] = [];
  private encoded: string[] = [];
  private readonly listeners = new Set<LedgerListener>();
  private readonly pending = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;

  constructor(options: LedgerWriterOptions) {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new TwinError(TwinErrorCode.InvalidArguments, `batchSize must be a positive integer, got ${batchSize}`);
    }
    this.simId = options.simId;
    this.store = options.store ?? null;
    this.batchSize = batchSize;
  }

  /** Seq of the last appended record (0 before the first). */
  get seq(): number {
    return this.hasher.seq;
  }

  /** Assigns the next seq, hashes and buffers the record, and returns it. Sim time must not go back. */
  append(
    simTime: number,
    assetId: string,
    eventType: string,
    oldValue: JsonObject | null,
    newValue: JsonObject | null,
    meta: JsonObject | null,
    origin: LedgerOrigin,
  ): LedgerEvent {
    if (!(simTime >= this.lastSimTime)) {
      throw new TwinError(
        TwinErrorCode.LedgerCorrupt,
        `Ledger time cannot go back: record at ${simTime} after ${this.lastSimTime}`,
        { simTime, lastSimTime: this.lastSimTime },
      );
    }
    const record: LedgerEvent = {
      seq: this.hasher.seq + 1,
      simTime,
      assetId,
      eventType,
      oldValue,
      newValue,
      meta,
      origin,
    };
    // Encoding validates the values (finite numbers), so it runs before the record takes its seq.
    const text = encodeLedgerEvent(record);
    this.hasher.add(text);
    this.lastSimTime = simTime;
    if (record.seq > this.silentUntil) {
      this.records.push(record);
      this.encoded.push(text);
      if (this.records.length >= this.batchSize) this.handOver();
    }
    return record;
  }

  /** Seq, sim time and hash of everything appended so far (silent records included). */
  head(): LedgerHead {
    const { seq, hash } = this.hasher.head();
    return { seq, simTime: seq === 0 ? 0 : this.lastSimTime, hash };
  }

  /** Hands buffered records to the store and subscribers, then waits until the store has every batch. */
  async flush(): Promise<void> {
    this.handOver();
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.failure !== null) throw this.failure.error;
  }

  /** Listens to every batch handed over from now on, in seq order without gaps; returns the unsubscribe function. */
  subscribe(listener: LedgerListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Records with seq <= n are hashed but neither stored nor published: re-execution of a prefix the store holds. */
  setSilentUntil(n: number): void {
    if (!Number.isInteger(n) || n < 0) {
      throw new TwinError(TwinErrorCode.InvalidArguments, `silent seq must be a non-negative integer, got ${n}`);
    }
    this.silentUntil = n;
  }

  /**
   * Starts over as an empty ledger: seq 0, genesis hash, no silent prefix, unflushed records dropped (flush first
   * to keep them). Rewind to seq n: flush, store.truncate(simId, n), reset(), setSilentUntil(n), then re-execute
   * from the start so records 1..n rebuild the hash state exactly without being written twice.
   */
  reset(): void {
    this.hasher = new LedgerHasher();
    this.lastSimTime = Number.NEGATIVE_INFINITY;
    this.silentUntil = 0;
    this.records = [];
    this.encoded = [];
  }

  private handOver(): void {
    const records = this.records;
    const encoded = this.encoded;
    // Blocks sealed entirely inside the silent prefix are already in the store.
    const silentUntil = this.silentUntil;
    const blocks = this.hasher.takeSealed().filter((block) => block.lastSeq > silentUntil);
    if (records.length === 0 && blocks.length === 0) return;
    this.records = [];
    this.encoded = [];
    if (this.store !== null && this.failure === null) {
      let appended: Promise<void>;
      try {
        appended = this.store.append(this.simId, records, blocks, encoded);
      } catch (error) {
        appended = Promise.reject(error);
      }
      const settled = appended.then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= { error };
        },
      );
      this.pending.add(settled);
      void settled.then(() => this.pending.delete(settled));
    }
    for (const listener of this.listeners) listener(records);
  }
}
