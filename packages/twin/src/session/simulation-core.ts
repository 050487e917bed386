import type { InterventionLogEntry } from '../contracts/interventions.js';
import type { ValidatedIntervention } from './interventions.js';
import { canonicalJson } from '../contracts/canonical.js';
import type { LedgerEvent, LedgerStore, SimulationRecord } from '../contracts/ledger.js';
import type { AnyPack } from '../contracts/pack.js';
import type { ResolvedScenario } from '../contracts/scenario.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import { formatSimTime } from '../scenario/duration.js';
import { BreakpointSet, type Breakpoint, type BreakpointHit } from './breakpoints.js';
import { awaitingAckError, DebugMarks, SIMULATION_ASSET_ID } from './debug.js';
import { Emitter } from './emitter.js';
import type { Pacing } from './pacing.js';
import type { LedgerResume } from '../ledger/writer.js';
import { Run, type DriveResult } from './run.js';
import { asFailure, idNumber, type SimulationInit } from './setup.js';
import type { SimulationEventMap, SimulationStatus, StopInfo, StopReason } from './types.js';

/**
 * The state and mechanics behind {@link Simulation}: the live execution, the log, the status, breakpoints and
 * events. Kept apart from the public API so each file stays readable.
 */
export abstract class SimulationCore {
  readonly id: string;
  readonly name: string;
  readonly scenario: ResolvedScenario;
  readonly seed: number;
  readonly pack: AnyPack;
  readonly store: LedgerStore | null;
  /** Sim time at which the run ends (scenario.durationS). */
  readonly horizon: number;
  protected readonly init: SimulationInit;
  protected run!: Run;
  protected log: InterventionLogEntry[] = [];
  protected statusValue: SimulationStatus = 'ready';
  protected readonly breakpointSet = new BreakpointSet();
  protected readonly emitter = new Emitter<SimulationEventMap>();
  protected idCounter = 0;
  protected branchCounter = 0;
  protected driving = false;
  protected pacing: Pacing | null = null;
  /** Pacing factor of the next paced run unless it names one (set by setSpeed). */
  protected speed = Infinity;
  protected lastHit: BreakpointHit | null = null;
  /** A caller's condition checked after every engine event of the current run call (`runUntil(t, { stopWhen })`). */
  protected probe: (() => boolean) | null = null;
  protected failure: TwinError | null = null;
  protected readonly recordObservers = new Set<(record: LedgerEvent) => void>();
  protected readonly dispatchRecord = (record: LedgerEvent): void => {
    for (const observer of this.recordObservers) observer(record);
  };
  /** Debug mode: seconds of sim time per chunk, or null (off). From the scenario; a run may change it. */
  protected debugChunkS: number | null;
  protected readonly debugMarks = new DebugMarks();

  protected constructor(init: SimulationInit) {
    this.init = init;
    this.id = init.id;
    this.name = init.name;
    this.scenario = init.scenario;
    this.seed = init.seed;
    this.pack = init.pack;
    this.store = init.store;
    this.horizon = init.scenario.durationS;
    this.debugChunkS = init.scenario.debugChunkS ?? null;
  }

  get status(): SimulationStatus {
    return this.statusValue;
  }

  get now(): number {
    return this.run.env.now;
  }

  get eventsProcessed(): number {
    return this.run.env.eventsProcessed;
  }

  /** The breakpoint that paused the simulation last (null once it moved on). */
  get breakpointHit(): BreakpointHit | null {
    return this.lastHit;
  }

  get error(): TwinError | null {
    return this.failure;
  }

  // ---- internals --------------------------------------------------------------------------------------------

  protected start(log: readonly InterventionLogEntry[], silent: boolean): void {
    this.log = [...log];
    this.debugMarks.reset(this.log);
    this.idCounter = Math.max(this.idCounter, ...log.map((entry) => idNumber(entry.id)));
    this.run = this.newRun(this.log, this.store, silent);
    this.breakpointSet.bind(this.run.registry, this.now);
  }

  protected newRun(
    log: readonly InterventionLogEntry[],
    store: LedgerStore | null,
    silent: boolean,
    resume: LedgerResume | null = null,
  ): Run {
    // A silent run re-executes inputs a live run already executed: states and rows are known to be valid and the
    // rows before t are taken over, so validation and telemetry sampling are skipped.
    const run = new Run({
      scenario: this.scenario,
      pack: this.pack,
      config: this.init.config,
      seed: this.seed,
      simId: this.id,
      store,
      log,
      silent,
      skipTelemetry: silent,
      trustStates: silent,
      validateUpdates: silent ? false : this.init.validateUpdates,
      batchSize: this.init.batchSize,
      snapshotEveryRecords: this.init.snapshotEveryRecords,
      resume,
      hooks: {
        onLedger: (records, texts) => this.emitter.emit('ledger', { records, texts }),
        onTelemetry: (row) => this.emitter.emit('telemetry', row),
        onIntervention: (record) => this.emitter.emit('intervention', record),
      },
    });
    if (this.recordObservers.size > 0) run.writer.setObserver(this.dispatchRecord);
    return run;
  }

  /**
   * Re-executes (scenario, seed, log prefix) silently up to t inclusive: no store I/O, no listeners. With `rowsOf`,
   * the telemetry rows before t are taken over from that run (an execution of the same inputs up to t at least).
   * The ledger prefix that `rowsOf` (default: the live run) hashed is only counted, not hashed again; the caller
   * checks the result with `checkSameHistory`. Returns the run and the log it actually submitted: entries without
   * `submittedAt` (older logs) are kept when the re-execution reached their event count.
   */
  protected replay(
    t: number,
    store: LedgerStore | null,
    rowsOf?: Run,
    log: readonly InterventionLogEntry[] = this.log,
  ): { readonly run: Run; readonly log: InterventionLogEntry[] } {
    const source = rowsOf ?? this.run;
    const run = this.newRun(logPrefix(log, t), store, true, source.writer.resumeAt(t));
    try {
      run.drive(t);
      if (rowsOf !== undefined) {
        run.resumeTelemetry(rowsOf, t);
        if (t >= this.horizon) run.finish(this.horizon);
      }
    } catch (error) {
      throw asFailure(error, `Re-execution up to ${t} s failed`);
    }
    const missed = run.unsubmitted.filter((entry) => entry.submittedAt !== undefined);
    if (missed.length > 0) {
      throw new TwinError(TwinErrorCode.InvalidState, `The intervention log does not fit a re-execution up to ${t} s`, {
        t,
        unsubmitted: missed.map((entry) => entry.id),
      });
    }
    return { run, log: run.keepSubmitted() };
  }

  /** Makes a re-executed run the live one. */
  protected adopt(run: Run, prefix: readonly InterventionLogEntry[], t: number): void {
    run.goLive();
    // A branch adopts its first run: only a replaced one has a model to release.
    const replaced = this.run as Run | undefined;
    if (replaced !== undefined && replaced !== run) replaced.model.dispose?.();
    this.run = run;
    this.log = [...prefix];
    this.debugMarks.reset(this.log);
    this.failure = null;
    this.lastHit = null;
    this.statusValue = t >= this.horizon ? 'finished' : 'paused';
    this.breakpointSet.bind(run.registry, this.now);
  }

  protected advance(limit: number, maxEvents: number, reason: StopReason): StopInfo {
    const pauseAt = this.debugPauseAt(limit);
    this.setStatus('running');
    const result = this.drive(pauseAt ?? limit, maxEvents);
    this.handOver();
    if (result === 'stop') return this.settle(this.lastHit === null ? 'paused' : 'breakpoint');
    if (result === 'limit' && this.now >= this.horizon) return this.settle('end');
    if (result === 'limit' && pauseAt !== null) return this.debugPause();
    return this.settle(result === 'events' ? 'events' : reason);
  }

  /** Where a run towards `limit` stops for debug mode (null: it does not). */
  protected debugPauseAt(limit: number): number | null {
    if (this.debugChunkS === null) return null;
    return this.debugMarks.nextPause(this.now, limit, this.horizon, this.debugChunkS);
  }

  /** Ends a chunk of debug mode: logs the pause (DEBUG_PAUSED) unless the log already holds it, and pauses. */
  protected debugPause(): StopInfo {
    if (!this.debugMarks.pausedAt(this.now)) {
      this.logEntry({
        op: 'debug_pause',
        assetId: SIMULATION_ASSET_ID,
        action: 'debug_pause',
        args: { chunk_s: this.debugChunkS ?? 0 },
        effectiveAt: this.now,
        origin: 'schedule',
      });
      this.handOver();
    }
    return this.settle('debug');
  }

  /** Drives the engine with the breakpoints armed; any error fails the simulation. */
  protected drive(limit: number, maxEvents: number): DriveResult {
    let hit: Breakpoint | null = null;
    const armed = this.breakpointSet.stopCondition((breakpoint) => {
      hit = breakpoint;
    });
    const probe = this.probe;
    const stopWhen = probe === null ? armed : armed === undefined ? probe : (): boolean => armed() || probe();
    this.lastHit = null;
    this.driving = true;
    let result: DriveResult;
    try {
      result = this.run.drive(limit, maxEvents, stopWhen);
    } catch (error) {
      throw this.fail(error);
    } finally {
      this.driving = false;
    }
    if (hit !== null) {
      const found: Breakpoint = hit;
      this.lastHit = { ...found, simTime: this.now, eventsProcessed: this.eventsProcessed };
      this.emitter.emit('breakpoint', this.lastHit);
    }
    return result;
  }

  /** Sets the status after a run call and describes where it stopped. */
  protected settle(reason: StopReason): StopInfo {
    if (reason === 'end') {
      this.run.finish(this.horizon);
      this.setStatus('finished');
      this.handOver();
    } else {
      this.setStatus(reason === 'breakpoint' ? 'breakpoint' : 'paused');
    }
    return this.stopInfo(reason);
  }

  protected stopInfo(reason: StopReason): StopInfo {
    return {
      reason,
      status: this.statusValue,
      now: this.now,
      eventsProcessed: this.eventsProcessed,
      ...(reason === 'breakpoint' && this.lastHit !== null ? { breakpoint: this.lastHit } : {}),
    };
  }

  /** Steps the engine through the intervention's event right now (only earlier interventions at now precede it). */
  protected applyNow(id: string): void {
    const previous = this.statusValue;
    while (!this.run.book.settled(id)) {
      const result = this.drive(this.now, 1);
      if (result === 'stop' && previous !== 'running') this.setStatus('breakpoint');
    }
  }

  /** Logs and submits an entry; `checked`: the validation of the request it was made from (trusted from here on). */
  protected logEntry(
    fields: Omit<InterventionLogEntry, 'id' | 'submittedAtEvent' | 'submittedAt'>,
    checked?: ValidatedIntervention,
  ): InterventionLogEntry {
    const [entry] = this.logEntries([{ fields, checked }]);
    return entry;
  }

  /**
   * Logs and submits entries made together, in order, all at the current event count (as a re-execution submits
   * them). The journal receives them first, in one call: when it refuses them, nothing (the id counter included)
   * changed.
   */
  protected logEntries(
    made: readonly {
      readonly fields: Omit<InterventionLogEntry, 'id' | 'submittedAtEvent' | 'submittedAt'>;
      readonly checked?: ValidatedIntervention;
    }[],
  ): InterventionLogEntry[] {
    const entries = made.map(({ fields }, index): InterventionLogEntry => ({
      id: `iv-${this.idCounter + 1 + index}`,
      ...fields,
      submittedAtEvent: this.eventsProcessed,
      submittedAt: this.now,
    }));
    if (entries.length === 0) return entries;
    this.init.journal?.(entries);
    this.idCounter += entries.length;
    entries.forEach((entry, index) => {
      // Entries of a replayed log still waiting for their event count come after this one.
      const count = entry.submittedAtEvent;
      let position = this.log.length;
      while (position > 0 && this.log[position - 1].submittedAtEvent > count) position--;
      this.log.splice(position, 0, entry);
      this.debugMarks.note(entry);
      this.run.submitNow(entry, made[index].checked);
    });
    return entries;
  }

  protected checkPastTime(t: number): void {
    if (typeof t !== 'number' || !(t >= 0) || t > this.now) {
      throw new TwinError(TwinErrorCode.TimeOutOfRange, `Time ${t} s is outside [0, ${this.now}] s`, {
        field: 't',
        t,
        now: this.now,
      });
    }
  }

  protected assertNotBusy(): void {
    if (this.pacing !== null || this.driving) {
      throw new TwinError(TwinErrorCode.SimulationBusy, `Simulation ${this.id} is running: pause it first`, {
        simId: this.id,
      });
    }
  }

  protected assertCanRun(): void {
    this.assertNotBusy();
    this.assertAlive();
    if (this.debugMarks.awaiting(this.now)) throw awaitingAckError(this.id, this.now);
  }

  protected assertCanChange(): void {
    if (this.driving) {
      throw new TwinError(TwinErrorCode.SimulationBusy, 'Interventions cannot be made while an event is processed', {
        simId: this.id,
      });
    }
    this.assertAlive();
  }

  protected assertAlive(): void {
    if (this.statusValue === 'finished') {
      throw new TwinError(TwinErrorCode.SimulationFinished, `Simulation ${this.id} has finished`, { simId: this.id });
    }
    if (this.statusValue === 'failed') {
      throw new TwinError(
        TwinErrorCode.SimulationFailed,
        `Simulation ${this.id} has failed: ${this.failure?.message ?? 'unknown error'}`,
        { simId: this.id },
      );
    }
  }

  protected setStatus(status: SimulationStatus): void {
    const previous = this.statusValue;
    if (previous === status) return;
    this.statusValue = status;
    this.emitStatus(previous);
  }

  protected emitStatus(previous: SimulationStatus): void {
    this.emitter.emit('status', { status: this.statusValue, previous, now: this.now });
  }

  protected fail(error: unknown): TwinError {
    const failure = asFailure(error, `Simulation ${this.id} failed at ${formatSimTime(this.now)}`);
    this.failure = failure;
    this.setStatus('failed');
    return failure;
  }

  /** Publishes buffered ledger records to listeners and the store without waiting. */
  protected handOver(): void {
    // Synchronous hand-over: awaiting a flush per call would keep one pending copy of the in-flight writes per
    // intervention (quadratic memory for many interventions in one loop); store errors surface at the next flush.
    this.run.writer.publish();
  }

  protected catalogRecord(parent: { readonly simId: string; readonly forkSeq: number } | null): SimulationRecord {
    return {
      simId: this.id,
      name: this.name,
      pack: this.pack.name,
      scenarioSha256: this.scenario.sha256,
      scenarioJson: canonicalJson(this.scenario),
      seed: this.seed,
      parentSimId: parent?.simId ?? null,
      forkSeq: parent?.forkSeq ?? null,
      createdAt: this.init.createdAt,
    };
  }
}

/** Entries logged at or before t (and those of unknown time): what a re-execution up to t may submit. */
function logPrefix(log: readonly InterventionLogEntry[], t: number): InterventionLogEntry[] {
  return log.filter((entry) => entry.submittedAt === undefined || entry.submittedAt <= t);
}
