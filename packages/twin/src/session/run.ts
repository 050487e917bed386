import { Environment } from '@doppel/engine';
import { AssetRegistry } from '../assets/asset-registry.js';
import type { InterventionLogEntry, InterventionRecord } from '../contracts/interventions.js';
import type { JsonObject } from '../contracts/json.js';
import type { LedgerEvent, LedgerStore } from '../contracts/ledger.js';
import type { AnyPack, PackModel } from '../contracts/pack.js';
import type { ResolvedScenario } from '../contracts/scenario.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import { LedgerWriter, type LedgerResume } from '../ledger/writer.js';
import { debugRecord, isDebugEntry, SIMULATION_ASSET_ID } from './debug.js';
import { InterventionBook, type ValidatedIntervention } from './interventions.js';
import { TelemetryMonitor, type TelemetryRow } from './telemetry.js';

/** Hooks through which one execution reports to its session (never called while it re-executes silently). */
export interface RunHooks {
  onLedger(records: readonly LedgerEvent[], texts: readonly string[]): void;
  onTelemetry(row: TelemetryRow): void;
  onIntervention(record: InterventionRecord): void;
}

export interface RunOptions {
  readonly scenario: ResolvedScenario;
  readonly pack: AnyPack;
  readonly config: unknown;
  readonly seed: number;
  readonly simId: string;
  readonly store: LedgerStore | null;
  /** Entries submitted when the engine's event count reaches their `submittedAtEvent`, in log order. */
  readonly log: readonly InterventionLogEntry[];
  readonly hooks: RunHooks;
  readonly validateUpdates?: boolean;
  readonly batchSize?: number;
  /** Start silent: records are hashed but neither stored nor published until `goLive`. */
  readonly silent?: boolean;
  /**
   * Take no telemetry rows (a silent re-execution whose rows are taken over from the run it replaces with
   * `resumeTelemetry`, or that only serves stateAt).
   */
  readonly skipTelemetry?: boolean;
  /** Skip schema validation of created assets: a re-execution creates exactly the states a validated run did. */
  readonly trustStates?: boolean;
  /** See SimulationCreateOptions.snapshotEveryRecords. */
  readonly snapshotEveryRecords?: number;
  /** A silent re-execution of a ledger already hashed: skip hashing its prefix (see LedgerWriter.resumeAt). */
  readonly resume?: LedgerResume | null;
}

/** Why a drive stopped: its time limit, its event budget, its stop condition, or an empty schedule at the limit. */
export type DriveResult = 'limit' | 'events' | 'stop';

/**
 * One execution of (scenario, seed, intervention log): the environment, the assets, the pack model, the ledger
 * writer, the interventions and the telemetry monitor. A rewind replaces it by a fresh execution that re-runs the
 * same inputs up to the target instant; nothing here is ever snapshotted.
 */
export class Run {
  readonly env: Environment;
  readonly registry: AssetRegistry;
  readonly writer: LedgerWriter;
  readonly model: PackModel;
  readonly book: InterventionBook;
  readonly telemetry: TelemetryMonitor;
  private readonly store: LedgerStore | null;
  private readonly simId: string;
  private readonly hooks: RunHooks;
  private readonly pendingLog: InterventionLogEntry[];
  private logIndex = 0;
  private silentFlag: boolean;
  private readonly snapshotWrites = new Set<Promise<void>>();
  private snapshotFailure: { error: unknown } | null = null;
  private readonly snapshotEvery: number | undefined;
  private lastSnapshotSeq = 0;
  private sampling: boolean;

  constructor(options: RunOptions) {
    this.store = options.store;
    this.simId = options.simId;
    this.hooks = options.hooks;
    this.silentFlag = options.silent ?? false;
    this.snapshotEvery = options.snapshotEveryRecords;
    this.sampling = !(options.skipTelemetry ?? false);
    this.pendingLog = [...options.log];
    this.env = new Environment({ seed: options.seed });
    this.writer = new LedgerWriter({
      simId: options.simId,
      store: options.store,
      batchSize: options.batchSize,
      resume: this.silentFlag ? options.resume : null,
    });
    if (this.silentFlag) this.writer.setSilentUntil(Number.MAX_SAFE_INTEGER);
    this.writer.subscribe((records, texts) => {
      if (!this.silentFlag) this.hooks.onLedger(records, texts);
    });
    this.registry = new AssetRegistry({
      env: this.env,
      ledger: this.writer,
      kinds: options.pack.assetKinds,
      validateUpdates: options.validateUpdates,
      validateCreates: !(options.trustStates ?? false),
    });
    this.book = new InterventionBook(this.env, this.registry, {
      onChange: (record) => {
        if (!this.silentFlag) this.hooks.onIntervention(record);
      },
    });
    this.model = options.pack.build({
      env: this.env,
      twin: this.registry,
      config: options.config,
      scenario: options.scenario,
      inputs: options.scenario.inputs,
    });
    this.telemetry = new TelemetryMonitor(
      this.model,
      options.pack.kpis,
      options.scenario.telemetryIntervalS,
      options.scenario.start,
    );
    this.submitDue();
  }

  get silent(): boolean {
    return this.silentFlag;
  }

  /** Entries of the log not submitted yet. */
  get unsubmitted(): readonly InterventionLogEntry[] {
    return this.pendingLog.slice(this.logIndex);
  }

  /** The entries submitted so far, in log order; the others are forgotten (a re-execution stopped before them). */
  keepSubmitted(): InterventionLogEntry[] {
    this.pendingLog.length = this.logIndex;
    return [...this.pendingLog];
  }

  /** Ends a silent re-execution: records after the current seq are stored and published from now on. */
  goLive(): void {
    this.writer.setSilentUntil(this.writer.seq);
    this.silentFlag = false;
    this.lastSnapshotSeq = this.writer.seq;
  }

  /** Takes over the telemetry rows `other` took before t and samples from here on (see TelemetryMonitor). */
  resumeTelemetry(other: Run, t: number): void {
    this.telemetry.resumeFrom(other.telemetry, t);
    this.sampling = true;
  }

  /** Appends an entry to the log and submits it now (it was logged at the current event count). */
  submitNow(entry: InterventionLogEntry, checked?: ValidatedIntervention): void {
    // Entries of a given log due at this very count (a breakpoint may have stopped right before them) go first:
    // they precede the new entry in the log too.
    this.submitDue();
    this.pendingLog.splice(this.logIndex, 0, entry);
    this.submitDue(entry, checked);
  }

  /**
   * Processes events with time <= `limit` (inclusive) until `maxEvents` have been processed or `stopWhen` holds
   * after an event; sets `now` to `limit` when it gets there. Submits log entries at their event counts and takes
   * telemetry rows when moving past an interval boundary.
   */
  drive(limit: number, maxEvents = Infinity, stopWhen?: () => boolean): DriveResult {
    const env = this.env;
    const start = env.eventsProcessed;
    for (;;) {
      this.submitDue();
      let budget = maxEvents - (env.eventsProcessed - start);
      if (budget <= 0) return 'events';
      if (this.logIndex < this.pendingLog.length) {
        budget = Math.min(budget, this.pendingLog[this.logIndex].submittedAtEvent - env.eventsProcessed);
      }
      const next = env.peek();
      const boundary = this.sampling ? this.telemetry.next : Infinity;
      // A row is taken when the run moves past its boundary, never when it stops on it: an intervention made while
      // paused exactly there belongs to the interval (and a re-execution, which does not stop there, agrees).
      if (next > boundary && boundary < limit) {
        this.takeSample();
        continue;
      }
      if (next > limit) {
        if (limit > env.now) env.advance({ until: limit });
        return 'limit';
      }
      const target = Math.min(limit, boundary);
      const reason = env.advance({
        until: target,
        maxEvents: budget === Infinity ? undefined : budget,
        stopWhen,
      });
      if (reason === 'stopWhen') return 'stop';
      if (reason === 'maxEvents') continue;
      // advance() leaves the model events at exactly `target` for us: the state at t includes what happened at t.
      while (env.peek() === target) {
        if (env.eventsProcessed - start >= maxEvents) return 'events';
        if (
          this.logIndex < this.pendingLog.length &&
          this.pendingLog[this.logIndex].submittedAtEvent <= env.eventsProcessed
        ) {
          break;
        }
        env.step();
        if (stopWhen !== undefined && stopWhen()) return 'stop';
      }
    }
  }

  /** Takes the rows of every boundary up to `end` (inclusive), the last one possibly partial: the run is over. */
  finish(end: number): void {
    if (!this.sampling) return;
    while (this.telemetry.next <= end) this.takeSample();
    const last = this.telemetry.rows.at(-1);
    if (last === undefined || last.time < end) this.takeSample(end);
  }

  states(): Map<string, JsonObject> {
    return this.registry.states();
  }

  /** Waits for the ledger and the snapshots handed to the store so far. */
  async flush(): Promise<void> {
    await this.writer.flush();
    while (this.snapshotWrites.size > 0) await Promise.all([...this.snapshotWrites]);
    if (this.snapshotFailure !== null) throw this.snapshotFailure.error;
  }

  private takeSample(at?: number): void {
    const row = this.telemetry.sample(at);
    if (this.silentFlag) return;
    this.hooks.onTelemetry(row);
    if (this.store !== null && this.writer.seq - this.lastSnapshotSeq >= this.snapshotThreshold()) {
      this.writeSnapshot(row.time);
    }
  }

  /**
   * A snapshot costs one state per asset; by default one is written at a telemetry boundary once at least eight
   * times as many records as assets (and 4096) have been appended since the last one, so snapshots cost at most an
   * eighth of the ledger itself (city-1000: one snapshot of 21 000 states in 24 h) while stateAt folds a bounded
   * number of records (at most eight per asset).
   */
  private snapshotThreshold(): number {
    return this.snapshotEvery ?? Math.max(4096, 8 * this.registry.size);
  }

  private writeSnapshot(simTime: number): void {
    const store = this.store as LedgerStore;
    const seq = this.writer.seq;
    this.lastSnapshotSeq = seq;
    const states = this.registry.states();
    // The snapshot may only reach the store after the records it covers: publish hands them over first, and a
    // store applies calls in call order. Calling now (not after an await) lets a store thread write it during
    // the run instead of after it.
    this.writer.publish();
    let put: Promise<void>;
    try {
      put = store.putSnapshot(this.simId, seq, simTime, states);
    } catch (error) {
      put = Promise.reject(error);
    }
    const write = put.catch((error: unknown) => {
      this.snapshotFailure ??= { error };
    });
    this.snapshotWrites.add(write);
    void write.then(() => this.snapshotWrites.delete(write));
  }

  /** `fresh` (with its validation) is the entry just made from a request; every other entry is checked by the book. */
  private submitDue(fresh?: InterventionLogEntry, checked?: ValidatedIntervention): void {
    const log = this.pendingLog;
    const count = this.env.eventsProcessed;
    while (this.logIndex < log.length) {
      const entry = log[this.logIndex];
      if (entry.submittedAtEvent > count) return;
      if (entry.submittedAtEvent < count) {
        throw new TwinError(
          TwinErrorCode.InvalidArguments,
          `Intervention log entry ${entry.id} was submitted at event ${entry.submittedAtEvent}, but the run is at event ${count}: the log is out of order`,
          { id: entry.id, submittedAtEvent: entry.submittedAtEvent, eventsProcessed: count },
        );
      }
      this.logIndex++;
      if (isDebugEntry(entry)) this.writeDebugRecord(entry);
      else this.book.submit(entry, entry === fresh ? checked : undefined);
    }
  }

  /**
   * A debug pause or acknowledgement: one ledger record at the entry's time. A re-execution reaches the entry's
   * event count after the last event before the pause, possibly earlier in sim time than the pause itself; the
   * entry's time keeps the record identical, and no event lies between the two.
   */
  private writeDebugRecord(entry: InterventionLogEntry): void {
    const { eventType, meta, origin } = debugRecord(entry);
    this.writer.append(entry.effectiveAt, SIMULATION_ASSET_ID, eventType, null, null, meta, origin);
  }
}
