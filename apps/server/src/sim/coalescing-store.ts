import type {
  JsonObject,
  LedgerBlock,
  LedgerEvent,
  LedgerHead,
  LedgerQuery,
  LedgerStore,
  LedgerVerification,
  SimulationRecord,
} from '@doppel/twin';

interface Queued {
  readonly simId: string;
  readonly records: readonly LedgerEvent[];
  readonly sealed: readonly LedgerBlock[];
  readonly encoded: readonly string[] | undefined;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export interface CoalescingOptions {
  /** How long an append may wait for others to join it, ms (0: until the timers of this turn of the loop). */
  readonly delayMs?: number;
  /** Queued records that have the queue written at the end of this turn, whatever the delay. */
  readonly maxRecords?: number;
  /** Told of an append the store refused (a full or failing disk), once per failed append. */
  readonly onAppendFailure?: (error: unknown) => void;
}

const DEFAULT_MAX_RECORDS = 4096;

/**
 * A ledger store that gathers the appends made within a short delay into one append of the store it wraps. A
 * simulation hands its ledger over after every intervention, and each store append costs a transaction and a
 * rewrite of the open ledger block: under a burst of God Mode requests, one append per burst replaces one per
 * request. Appends still apply in call order, and every other operation first writes what is queued, so reads see
 * every record appended before them. The ledger is derived data (the scenario, the seed and the journaled
 * intervention log re-create it), so records waiting a few milliseconds give up no acknowledged input; they reach
 * the host (WebSocket clients, webhooks) when they are handed over, independently of this.
 */
export class CoalescingLedgerStore implements LedgerStore {
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate = false;
  private queuedRecords = 0;

  constructor(
    private readonly inner: LedgerStore,
    private readonly options: CoalescingOptions = {},
  ) {}

  append(
    simId: string,
    records: readonly LedgerEvent[],
    sealed: readonly LedgerBlock[],
    encoded?: readonly string[],
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ simId, records, sealed, encoded, resolve, reject });
      this.queuedRecords += records.length;
      if (this.queuedRecords >= (this.options.maxRecords ?? DEFAULT_MAX_RECORDS)) {
        // A long run fills the queue quickly: it is written at the end of this turn, as one transaction.
        clearTimeout(this.timer);
        this.timer = undefined;
        if (!this.immediate) {
          this.immediate = true;
          setImmediate(() => {
            this.immediate = false;
            void this.drain();
          });
        }
      } else if (this.timer === undefined && !this.immediate) {
        this.timer = setTimeout(() => void this.drain(), this.options.delayMs ?? 0);
      }
    });
  }

  /**
   * Hands every queued append to the store now, consecutive appends to the same simulation as one, in call order
   * (the store applies calls in the order they are made). The queued appends' promises settle with the store's
   * answer; the returned promise resolves once they have all settled.
   */
  drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const queue = this.queue;
    if (queue.length === 0) return Promise.resolve();
    this.queue = [];
    this.queuedRecords = 0;
    const settled: Promise<void>[] = [];
    let start = 0;
    while (start < queue.length) {
      let end = start + 1;
      while (end < queue.length && queue[end].simId === queue[start].simId) end++;
      const group = queue.slice(start, end);
      start = end;
      let appended: Promise<void>;
      try {
        appended = this.inner.append(group[0].simId, ...merge(group));
      } catch (error) {
        appended = Promise.reject(error);
      }
      settled.push(
        appended.then(
          () => group.forEach((item) => item.resolve()),
          (error: unknown) => {
            group.forEach((item) => item.reject(error));
            this.options.onAppendFailure?.(error);
          },
        ),
      );
    }
    return Promise.all(settled).then(() => undefined);
  }

  createSimulation(record: SimulationRecord): Promise<void> {
    void this.drain();
    return this.inner.createSimulation(record);
  }

  getSimulation(simId: string): Promise<SimulationRecord | null> {
    void this.drain();
    return this.inner.getSimulation(simId);
  }

  listSimulations(): Promise<SimulationRecord[]> {
    void this.drain();
    return this.inner.listSimulations();
  }

  deleteSimulation(simId: string): Promise<void> {
    void this.drain();
    return this.inner.deleteSimulation(simId);
  }

  truncate(simId: string, afterSeq: number): Promise<void> {
    void this.drain();
    return this.inner.truncate(simId, afterSeq);
  }

  copyPrefix(fromSimId: string, toSimId: string, uptoSeq: number): Promise<void> {
    void this.drain();
    return this.inner.copyPrefix(fromSimId, toSimId, uptoSeq);
  }

  query(query: LedgerQuery): Promise<LedgerEvent[]> {
    void this.drain();
    return this.inner.query(query);
  }

  queryTexts(query: LedgerQuery): Promise<string[]> {
    void this.drain();
    return this.inner.queryTexts(query);
  }

  head(simId: string): Promise<LedgerHead> {
    void this.drain();
    return this.inner.head(simId);
  }

  verify(simId: string): Promise<LedgerVerification> {
    void this.drain();
    return this.inner.verify(simId);
  }

  stateAt(simId: string, t: number, assetIds?: readonly string[]): Promise<Map<string, JsonObject>> {
    void this.drain();
    return this.inner.stateAt(simId, t, assetIds);
  }

  putSnapshot(simId: string, seq: number, simTime: number, states: ReadonlyMap<string, JsonObject>): Promise<void> {
    void this.drain();
    return this.inner.putSnapshot(simId, seq, simTime, states);
  }

  close(): Promise<void> {
    void this.drain();
    return this.inner.close();
  }
}

/** One append's arguments from several consecutive ones (records, sealed blocks and encoded texts in order). */
function merge(
  group: readonly Queued[],
): [records: readonly LedgerEvent[], sealed: readonly LedgerBlock[], encoded: readonly string[] | undefined] {
  if (group.length === 1) return [group[0].records, group[0].sealed, group[0].encoded];
  const records: LedgerEvent[] = [];
  const sealed: LedgerBlock[] = [];
  let encoded: string[] | undefined = [];
  for (const item of group) {
    for (const record of item.records) records.push(record);
    for (const block of item.sealed) sealed.push(block);
    // Texts are only passed on when every append gave them (the store encodes the records otherwise).
    if (encoded !== undefined && item.encoded !== undefined && item.encoded.length === item.records.length) {
      for (const text of item.encoded) encoded.push(text);
    } else {
      encoded = undefined;
    }
  }
  return [records, sealed, encoded];
}
