import { applyLedgerEvents, type JsonObject, type LedgerEvent } from '@doppel/twin';

/** The part of a ledger record that folding needs (the rest is not kept in memory). */
type FoldRecord = Pick<LedgerEvent, 'seq' | 'simTime' | 'assetId' | 'eventType' | 'newValue'>;

interface Checkpoint {
  /** Number of records folded into `states`. */
  readonly position: number;
  /** State of every asset after those records; never changed once taken. */
  readonly states: ReadonlyMap<string, JsonObject>;
}

/**
 * The history of one asset kind in memory, for the time slider: the kind's state-changing records in seq order and
 * a checkpoint of every state each `checkpointEvery` records. The state of the kind at any instant is a checkpoint
 * plus at most `checkpointEvery` patches, with the same fold as the ledger store (`applyLedgerEvents`), so it
 * answers what `stateAt` of the store would, without decoding the ledger or reading a full snapshot of every asset.
 */
export class KindTimeline {
  private readonly records: FoldRecord[] = [];
  private readonly times: number[] = [];
  private readonly checkpoints: Checkpoint[] = [{ position: 0, states: new Map() }];
  /** The fold of every record so far; its objects are updated in place, so checkpoints take copies. */
  private readonly current = new Map<string, JsonObject>();
  /** Every record with seq <= this has been seen (whatever its kind). */
  coveredSeq = 0;

  constructor(private readonly checkpointEvery: number) {}

  /** Adds the next record of this kind (seq order); records that change no state are not kept. */
  add(record: LedgerEvent): void {
    if (record.newValue === null) return;
    // Records read from the store carry their old value and meta too: only what folding needs is kept.
    const kept: FoldRecord = record.oldValue == null && record.meta == null ? record : foldRecord(record);
    this.records.push(kept);
    this.times.push(record.simTime);
    applyLedgerEvents(this.current, [kept as LedgerEvent]);
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (this.records.length - last.position >= this.checkpointEvery) {
      this.checkpoints.push({ position: this.records.length, states: copyStates(this.current) });
    }
  }

  /** State of every asset of the kind with a record at or before sim time t (inclusive). */
  stateAt(t: number): Map<string, JsonObject> {
    const end = upperBound(this.times, t);
    let low = 0;
    let high = this.checkpoints.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.checkpoints[mid].position <= end) low = mid;
      else high = mid - 1;
    }
    const checkpoint = this.checkpoints[low];
    const states = copyStates(checkpoint.states);
    applyLedgerEvents(states, this.range(checkpoint.position, end));
    return states;
  }

  private *range(from: number, to: number): Generator<LedgerEvent> {
    for (let i = from; i < to; i++) yield this.records[i] as LedgerEvent;
  }
}

/**
 * In-memory timelines of the asset kinds the time slider has asked for, kept level with the live ledger. A
 * timeline is built from the store on first use and then fed every ledger batch the simulation hands over; any
 * break in the sequence (a rewind, a batch that does not follow) drops it, and the next read builds it again.
 */
export class TimeIndex {
  private readonly timelines = new Map<string, KindTimeline>();
  private readonly building = new Map<string, { timeline: KindTimeline; pending: LedgerEvent[] }>();
  private generation = 0;

  constructor(private readonly kindOf: (assetId: string) => string | undefined) {}

  get(kind: string): KindTimeline | undefined {
    return this.timelines.get(kind);
  }

  /** Every batch handed over by the simulation, in seq order. */
  ingest(records: readonly LedgerEvent[]): void {
    if (records.length === 0) return;
    for (const build of this.building.values()) for (const record of records) build.pending.push(record);
    for (const [kind, timeline] of this.timelines) {
      if (!feed(timeline, kind, records, this.kindOf)) this.timelines.delete(kind);
    }
  }

  /** The timeline changed under the index (rewind): everything is built again on demand. */
  clear(): void {
    this.generation++;
    this.timelines.clear();
    this.building.clear();
  }

  /**
   * Builds the timeline of a kind from `pages` (the stored ledger in seq order, page by page), then the batches
   * handed over meanwhile. Returns null when the ledger changed under the build (a rewind): the caller reads the
   * store instead.
   */
  async build(
    kind: string,
    checkpointEvery: number,
    pages: (afterSeq: number) => Promise<readonly LedgerEvent[]>,
  ): Promise<KindTimeline | null> {
    const existing = this.timelines.get(kind);
    if (existing !== undefined) return existing;
    const generation = this.generation;
    const timeline = new KindTimeline(checkpointEvery);
    const build = { timeline, pending: [] as LedgerEvent[] };
    this.building.set(kind, build);
    try {
      for (;;) {
        const page = await pages(timeline.coveredSeq);
        if (this.generation !== generation) return null;
        if (page.length === 0) break;
        if (!feed(timeline, kind, page, this.kindOf)) return null;
      }
      if (!feed(timeline, kind, build.pending, this.kindOf)) return null;
      this.timelines.set(kind, timeline);
      return timeline;
    } finally {
      if (this.building.get(kind) === build) this.building.delete(kind);
    }
  }
}

/**
 * The records of the live ledger, kept in memory (a few fields and the patch each) so that a kind's
 * timeline is built without reading and decoding the stored ledger. It holds a contiguous run of records ending at
 * the head; what came before it (records handed over before it listened, or before a rewind) is read from the
 * store. Past `maxRecords` it stops keeping records until the next rewind: very long runs build from the store.
 */
export class RecentRecords {
  private records: FoldRecord[] = [];
  /** Seq of the first record kept (0: none yet); every record from there to `lastSeq` is kept. */
  private firstSeq = 0;
  private lastSeq = 0;
  private full = false;

  constructor(private readonly maxRecords: number) {}

  /** Every batch handed over by the simulation, in seq order. */
  ingest(records: readonly LedgerEvent[]): void {
    if (records.length === 0 || this.full) return;
    if (this.firstSeq !== 0 && records[0].seq !== this.lastSeq + 1) this.clear();
    if (this.firstSeq === 0) this.firstSeq = records[0].seq;
    for (const record of records) this.records.push(foldRecord(record));
    this.lastSeq = records[records.length - 1].seq;
    if (this.records.length > this.maxRecords) {
      this.clear();
      this.full = true;
    }
  }

  /** Forgets everything (the ledger after some seq was dropped); records are kept again from the next batch. */
  clear(): void {
    this.records = [];
    this.firstSeq = 0;
    this.lastSeq = 0;
    this.full = false;
  }

  /**
   * The next page of the ledger after `afterSeq` for a timeline build: from memory when it holds the records that
   * follow, else from `stored` (up to where memory takes over).
   */
  async page(
    afterSeq: number,
    limits: { readonly memory: number; readonly stored: number },
    stored: (afterSeq: number, limit: number) => Promise<readonly LedgerEvent[]>,
  ): Promise<readonly LedgerEvent[]> {
    if (this.firstSeq === 0 || afterSeq + 1 < this.firstSeq) {
      const before = this.firstSeq === 0 ? limits.stored : Math.min(limits.stored, this.firstSeq - 1 - afterSeq);
      const page = await stored(afterSeq, before);
      if (page.length > 0 || this.firstSeq === 0) return page;
      // The store ends before memory begins (it holds what memory holds): go on from memory.
    }
    let start = 0;
    let high = this.records.length;
    while (start < high) {
      const mid = (start + high) >> 1;
      if (this.records[mid].seq <= afterSeq) start = mid + 1;
      else high = mid;
    }
    return this.records.slice(start, start + limits.memory) as LedgerEvent[];
  }
}

function foldRecord(record: LedgerEvent): FoldRecord {
  return {
    seq: record.seq,
    simTime: record.simTime,
    assetId: record.assetId,
    eventType: record.eventType,
    newValue: record.newValue,
  };
}

/** Adds the records after the timeline's covered seq; false when they do not follow on (a gap). */
function feed(
  timeline: KindTimeline,
  kind: string,
  records: readonly LedgerEvent[],
  kindOf: (assetId: string) => string | undefined,
): boolean {
  for (const record of records) {
    if (record.seq <= timeline.coveredSeq) continue;
    if (record.seq !== timeline.coveredSeq + 1) return false;
    timeline.coveredSeq = record.seq;
    if (kindOf(record.assetId) === kind) timeline.add(record);
  }
  return true;
}

function copyStates(states: ReadonlyMap<string, JsonObject>): Map<string, JsonObject> {
  const copy = new Map<string, JsonObject>();
  for (const [id, state] of states) copy.set(id, { ...state });
  return copy;
}

/** Number of leading values <= t in a non-decreasing array. */
function upperBound(values: readonly number[], t: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid] <= t) low = mid + 1;
    else high = mid;
  }
  return low;
}
