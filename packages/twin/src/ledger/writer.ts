import type { JsonObject } from '../contracts/json.js';
import {
  LEDGER_BLOCK_SIZE,
  type LedgerBlock,
  type LedgerEvent,
  type LedgerHead,
  type LedgerOrigin,
  type LedgerStore,
} from '../contracts/ledger.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import { encodeLedgerEvent } from './encoding.js';
import { LedgerHasher } from './hasher.js';

export interface LedgerWriterOptions {
  readonly simId: string;
  /** Where batches go; null or absent: records are only hashed and published (e.g. a throw-away run). */
  readonly store?: LedgerStore | null;
  /** Records per store append (default 4096). */
  readonly batchSize?: number;
  /**
   * Re-execution of a ledger this process already hashed (rewind, branch, stateAt): records up to the last mark's
   * block are only counted and spot-checked, hashing resumes from that block's hash. See `LedgerWriter.resumeAt`.
   */
  readonly resume?: LedgerResume | null;
}

/** What a writer keeps of each block it sealed: the block, and the identity of its last record. */
export interface SealedBlockMark {
  readonly block: LedgerBlock;
  readonly lastSimTime: number;
  readonly lastAssetId: string;
  readonly lastEventType: string;
}

/** The sealed blocks, oldest first and gap-free from block 0, of a ledger that is being re-executed. */
export interface LedgerResume {
  readonly marks: readonly SealedBlockMark[];
}

/**
 * Told of each batch handed over: the records, and their canonical texts (`encodeLedgerEvent`, what the hash chain
 * and the store hold), in the same order. Holders of the texts pass them on instead of serialising records again.
 */
export type LedgerListener = (records: readonly LedgerEvent[], texts: readonly string[]) => void;

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
  /** Every block sealed so far (inherited from a resume, then our own): what `resumeAt` offers a re-execution. */
  private marks: SealedBlockMark[] = [];
  /** While resuming: records up to this seq are counted, not encoded or hashed (0: not resuming). */
  private countUntil = 0;
  private counted = 0;
  private resumeProblem: string | null = null;
  private lastSimTime = Number.NEGATIVE_INFINITY;
  private silentUntil = 0;
  private records: LedgerEvent[] = [];
  private encoded: string[] = [];
  private readonly listeners = new Set<LedgerListener>();
  private observer: ((record: LedgerEvent) => void) | null = null;
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
    if (options.resume != null && options.resume.marks.length > 0) this.startResume(options.resume.marks);
  }

  /** Seq of the last appended record (0 before the first). */
  get seq(): number {
    return this.countUntil > 0 ? this.counted : this.hasher.seq;
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
    if (this.countUntil > 0 && simTime >= this.lastSimTime) {
      return this.count(simTime, assetId, eventType, oldValue, newValue, meta, origin);
    }
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
    if (record.seq % LEDGER_BLOCK_SIZE === 0) {
      this.marks.push({
        block: this.hasher.lastSealed as LedgerBlock,
        lastSimTime: simTime,
        lastAssetId: assetId,
        lastEventType: eventType,
      });
    }
    if (record.seq > this.silentUntil) {
      this.records.push(record);
      this.encoded.push(text);
      if (this.observer !== null) this.observer(record);
      if (this.records.length >= this.batchSize) this.handOver();
    }
    return record;
  }

  /** Seq, sim time and hash of everything appended so far (silent records included). */
  head(): LedgerHead {
    this.checkResumed();
    const { seq, hash } = this.hasher.head();
    return { seq, simTime: seq === 0 ? 0 : this.lastSimTime, hash };
  }

  /** Hands buffered records to the store and subscribers, then waits until the store has every batch. */
  /**
   * Hands the buffered records to the store and to subscribers now, without waiting for the store: what a session
   * does after each intervention or pause so that listeners see every record at once. `flush` waits as well.
   */
  publish(): void {
    this.handOver();
  }

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

  /**
   * Calls `observer` with each record as it is appended (silent records excepted), before any batching: the model's
   * state then is exactly the state right after that record. One observer at a time; null removes it.
   */
  setObserver(observer: ((record: LedgerEvent) => void) | null): void {
    this.observer = observer;
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
    this.marks = [];
    this.countUntil = 0;
    this.counted = 0;
    this.resumeProblem = null;
    this.lastSimTime = Number.NEGATIVE_INFINITY;
    this.silentUntil = 0;
    this.records = [];
    this.encoded = [];
  }

  /**
   * The resume point for a re-execution of this ledger up to sim time t (inclusive): the marks of the sealed blocks
   * whose records all lie at or before t, less the last one, so that at least one whole block before t, plus the
   * partial block at t, is still encoded and hashed by the re-execution. Null when that leaves nothing to skip.
   *
   * Every record at or before t is produced again by a faithful re-execution up to t (same scenario, seed and log
   * prefix), so the re-execution is sure to reach the resume seq.
   */
  resumeAt(t: number): LedgerResume | null {
    let end = 0;
    while (end < this.marks.length && this.marks[end].lastSimTime <= t) end++;
    return end > 1 ? { marks: this.marks.slice(0, end - 1) } : null;
  }

  /**
   * Throws DOPPEL_ERR_LEDGER_CORRUPT if a resumed re-execution did not match the ledger it re-executes: it ended
   * before the resume seq, or a block's last record differed in sim time, asset or event type.
   */
  checkResumed(): void {
    if (this.countUntil > 0 && this.resumeProblem === null) {
      this.resumeProblem = `the re-execution ended at seq ${this.counted}, before seq ${this.countUntil}`;
    }
    if (this.resumeProblem !== null) {
      throw new TwinError(
        TwinErrorCode.LedgerCorrupt,
        `Re-executing ${this.simId} did not reproduce its ledger (${this.resumeProblem}): the model is not deterministic`,
        { simId: this.simId },
      );
    }
  }

  /*
   * The resume trade-off. Encoding and hashing every re-executed record is 35-45% of a rewind; skipping them means
   * the prefix is no longer compared byte for byte with the ledger it re-executes. What is still checked, cheaply:
   * the sim time, asset and event type of the last record of every skipped block (one comparison per 256 records),
   * the record count, and, exactly, the last whole block and the partial block at t (hashed again and compared with
   * the stored head by the session). A model that is not a pure function of its inputs almost always shifts a
   * timing, an order or a count, which propagates to the block ends and the tail; what can slip through is a
   * difference confined to the values of records before the last block that never influences anything after it.
   */
  private startResume(marks: readonly SealedBlockMark[]): void {
    marks.forEach((mark, index) => {
      if (mark.block.index !== index) {
        throw new TwinError(TwinErrorCode.InvalidArguments, `Resume marks must start at block 0 without gaps`);
      }
    });
    this.marks = [...marks];
    this.countUntil = marks[marks.length - 1].block.lastSeq;
  }

  private count(
    simTime: number,
    assetId: string,
    eventType: string,
    oldValue: JsonObject | null,
    newValue: JsonObject | null,
    meta: JsonObject | null,
    origin: LedgerOrigin,
  ): LedgerEvent {
    const seq = ++this.counted;
    this.lastSimTime = simTime;
    if (seq % LEDGER_BLOCK_SIZE === 0) {
      const mark = this.marks[seq / LEDGER_BLOCK_SIZE - 1];
      if (
        this.resumeProblem === null &&
        (mark.lastSimTime !== simTime || mark.lastAssetId !== assetId || mark.lastEventType !== eventType)
      ) {
        this.resumeProblem =
          `record ${seq} is ${eventType} of ${assetId} at ${simTime} s, ` +
          `the ledger holds ${mark.lastEventType} of ${mark.lastAssetId} at ${mark.lastSimTime} s`;
      }
      if (seq === this.countUntil) {
        this.hasher = LedgerHasher.restore(mark.block, []);
        this.countUntil = 0;
      }
    }
    // Counted records are part of a prefix the store already holds: never buffered, stored or published.
    return { seq, simTime, assetId, eventType, oldValue, newValue, meta, origin };
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
    for (const listener of this.listeners) listener(records, encoded);
  }
}
