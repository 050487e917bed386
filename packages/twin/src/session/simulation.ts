import type { Asset, AssetStatus } from '../contracts/assets.js';
import type {
  InterventionLogEntry,
  InterventionOriginKind,
  InterventionRecord,
  InterventionRequest,
} from '../contracts/interventions.js';
import type { JsonObject } from '../contracts/json.js';
import type { LedgerEvent, LedgerHead, LedgerQuery } from '../contracts/ledger.js';
import type { OutputTable, PastJudge } from '../contracts/pack.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import type { LedgerListener } from '../ledger/writer.js';
import { systemClock } from '../ports/clock.js';
import type { Breakpoint } from './breakpoints.js';
import { validateIntervention, type ValidatedIntervention } from './interventions.js';
import { Pacing, checkFactor } from './pacing.js';
import { checkSameHistory } from './integrity.js';
import { SIMULATION_ASSET_ID, type DebugState } from './debug.js';
import { SimulationCore } from './simulation-core.js';
import { resolveInit, scheduledLog, type SimulationInit } from './setup.js';
import type { TelemetryRow } from './telemetry.js';
import type {
  InterventionOutcome,
  PlayOptions,
  RunSummary,
  SimulationCreateOptions,
  SimulationEventMap,
  SimulationEventName,
  StopInfo,
  StopReason,
} from './types.js';

export class Simulation extends SimulationCore {
  private constructor(init: SimulationInit) {
    super(init);
  }

  /** Builds the pack's assets at t=0 on a fresh environment and registers the simulation in the store. */
  static async create(options: SimulationCreateOptions): Promise<Simulation> {
    const sim = new Simulation(resolveInit(options, options.simId));
    const log = options.interventionLog ?? scheduledLog(options.scenario);
    const store = sim.store;
    if (store !== null) await store.createSimulation(sim.catalogRecord(options.parent ?? null));
    try {
      sim.start(log, false);
      for (const expression of options.scenario.breakpoints) sim.addBreakpoint(expression);
    } catch (error) {
      // Nothing of a simulation that could not start stays in the catalog.
      if (store !== null) await store.deleteSimulation(sim.id).catch(() => undefined);
      throw error;
    }
    return sim;
  }

  // ---- running ----------------------------------------------------------------------------------------------

  /**
   * Processes every event with time <= t (inclusive); `now` becomes t. Stops early at a breakpoint, or (reason
   * `paused`) right after the engine event after which `stopWhen` holds (checked after every event: a caller watching
   * the ledger through `observe` stops at the very record it waited for).
   */
  runUntil(t: number, options: { readonly stopWhen?: () => boolean } = {}): StopInfo {
    this.assertCanRun();
    if (typeof t !== 'number' || Number.isNaN(t) || t < this.now) {
      throw new TwinError(TwinErrorCode.TimeOutOfRange, `Cannot run until ${t} s: now is ${this.now} s`, {
        field: 't',
        t,
        now: this.now,
      });
    }
    if (options.stopWhen === undefined) return this.advance(Math.min(t, this.horizon), Infinity, 'until');
    this.probe = options.stopWhen;
    try {
      return this.advance(Math.min(t, this.horizon), Infinity, 'until');
    } finally {
      this.probe = null;
    }
  }

  /** Processes `events` engine events, or runs for `dt` sim seconds. */
  step(options: { readonly events: number } | { readonly dt: number }): StopInfo {
    this.assertCanRun();
    if ('events' in options) {
      const n = options.events;
      if (!Number.isInteger(n) || n < 1) {
        throw new TwinError(TwinErrorCode.InvalidArguments, `events must be a positive integer, got ${n}`, {
          field: 'events',
        });
      }
      return this.advance(this.horizon, n, 'events');
    }
    if (!(options.dt >= 0) || !Number.isFinite(options.dt)) {
      throw new TwinError(TwinErrorCode.InvalidArguments, `dt must be a finite number >= 0, got ${options.dt}`, {
        field: 'dt',
      });
    }
    return this.advance(Math.min(this.now + options.dt, this.horizon), Infinity, 'until');
  }

  runToEnd(): StopInfo {
    if (this.statusValue === 'finished') return this.stopInfo('end');
    this.assertCanRun();
    return this.advance(this.horizon, Infinity, 'until');
  }

  /**
   * Runs paced by a wall clock: `factor` sim seconds per wall second (default: the last setSpeed, else Infinity =
   * as fast as possible). Resolves when the run reaches `until` or the horizon, hits a breakpoint, or is paused.
   * Interventions may be made while it plays: the engine is idle between slices.
   */
  async play(options: PlayOptions = {}): Promise<StopInfo> {
    this.assertCanRun();
    const factor = checkFactor(options.factor ?? this.speed);
    const until = Math.min(options.until ?? this.horizon, this.horizon);
    if (!(until >= this.now)) {
      throw new TwinError(TwinErrorCode.TimeOutOfRange, `Cannot play until ${until} s: now is ${this.now} s`, {
        field: 'until',
      });
    }
    // Debug mode ends the run at the next chunk boundary; the caller runs again after the acknowledgement.
    const pauseAt = this.debugPauseAt(until);
    const target = pauseAt ?? until;
    const pacing = new Pacing(options.clock ?? systemClock, factor);
    this.pacing = pacing;
    this.setStatus('running');
    let reason: StopReason = 'until';
    try {
      const outcome = await pacing.run(
        {
          now: () => this.now,
          nextEventTime: () => this.run.env.peek(),
          slice: (limit, maxEvents) => {
            const result = this.drive(limit, maxEvents);
            this.handOver();
            if (result === 'stop') {
              reason = 'breakpoint';
              return 'done';
            }
            if (result === 'limit' && this.now >= this.horizon) {
              reason = 'end';
              return 'done';
            }
            if (result === 'limit' && this.now >= target) return 'done';
            return result === 'events' ? 'more' : 'caught-up';
          },
        },
        target,
        options.sliceEvents ?? 20_000,
      );
      if (outcome === 'paused') reason = 'paused';
    } finally {
      this.pacing = null;
    }
    if (reason === 'until' && pauseAt !== null && this.now >= pauseAt) return this.debugPause();
    return this.settle(reason);
  }

  /** Asks a paced run to stop at its next slice boundary. */
  pause(): void {
    this.pacing?.requestPause();
  }

  /** Changes the pacing factor of the current paced run from now on, and of the next ones. */
  setSpeed(factor: number): void {
    this.speed = checkFactor(factor);
    this.pacing?.setFactor(factor, this.now);
  }

  /** True while a paced run is going on. */
  get playing(): boolean {
    return this.pacing !== null;
  }

  // ---- debug mode (seed 000 §3) -----------------------------------------------------------------------------

  /** Debug mode's state, or null when it is off and nothing waits for acknowledgement. */
  get debug(): DebugState | null {
    const awaitingAck = this.debugMarks.awaiting(this.now);
    if (this.debugChunkS === null && !awaitingAck) return null;
    return { chunkS: this.debugChunkS, awaitingAck, pausedAt: awaitingAck ? this.now : null };
  }

  /** Turns debug mode on (chunks of `chunkS` sim seconds) or off (null) for this and later runs. */
  setDebugMode(chunkS: number | null): void {
    if (chunkS !== null && !(Number.isFinite(chunkS) && chunkS > 0)) {
      throw new TwinError(
        TwinErrorCode.InvalidArguments,
        `Debug chunk must be a positive number of seconds, got ${chunkS}`,
        {
          field: 'debug_mode.chunk',
        },
      );
    }
    this.debugChunkS = chunkS;
  }

  /** Acknowledges the pause debug mode made (DEBUG_ACKNOWLEDGED in the ledger); the next run call goes on. */
  acknowledge(origin: InterventionOriginKind = 'api'): void {
    this.assertCanChange();
    if (!this.debugMarks.awaiting(this.now)) {
      throw new TwinError(TwinErrorCode.InvalidState, `Simulation ${this.id} is not paused by debug mode`, {
        simId: this.id,
        now: this.now,
      });
    }
    this.logEntry({
      op: 'debug_ack',
      assetId: SIMULATION_ASSET_ID,
      action: 'debug_ack',
      args: {},
      effectiveAt: this.now,
      origin,
    });
    this.handOver();
  }

  // ---- interventions ----------------------------------------------------------------------------------------

  /**
   * Validates and logs an intervention and schedules it at `at` (default: now). One requested for now is applied
   * at once, so the state reflects it immediately.
   */
  intervene(request: InterventionRequest): InterventionRecord {
    this.assertCanChange();
    return this.logIntervention(request, validateIntervention(this.run.registry, request, this.now, this.horizon));
  }

  /**
   * Requests made together (a burst of API calls) as one change of the log. Each is validated on its own (an
   * invalid one is refused alone); the valid ones reach the journal in one call, and only then are they logged and
   * applied, in order, at one event count, as a re-execution applies them. When the journal refuses them, its
   * error is thrown and nothing changed.
   */
  interveneAll(requests: readonly InterventionRequest[]): InterventionOutcome[] {
    this.assertCanChange();
    const outcomes: InterventionOutcome[] = new Array<InterventionOutcome>(requests.length);
    const accepted: { readonly index: number; readonly validated: ValidatedIntervention }[] = [];
    requests.forEach((request, index) => {
      try {
        accepted.push({ index, validated: validateIntervention(this.run.registry, request, this.now, this.horizon) });
      } catch (error) {
        outcomes[index] = { ok: false, error };
      }
    });
    const entries = this.logEntries(
      accepted.map(({ index, validated }) => ({ fields: applyFields(requests[index], validated), checked: validated })),
    );
    let failure: { readonly error: unknown } | null = null;
    entries.forEach((entry, position) => {
      const { index, validated } = accepted[position];
      if (failure === null && validated.effectiveAt === this.now) {
        try {
          this.applyNow(entry.id);
        } catch (error) {
          failure = { error };
        }
      }
      outcomes[index] =
        failure === null
          ? { ok: true, record: this.run.book.get(entry.id) as InterventionRecord }
          : { ok: false, error: failure.error };
    });
    this.handOver();
    return outcomes;
  }

  /** Logs a request validated once (its parsed arguments go to `apply` as they are) and applies one due now. */
  private logIntervention(request: InterventionRequest, validated: ValidatedIntervention): InterventionRecord {
    const entry = this.logEntry(applyFields(request, validated), validated);
    if (validated.effectiveAt === this.now) this.applyNow(entry.id);
    this.handOver();
    return this.run.book.get(entry.id) as InterventionRecord;
  }

  /** Cancels a PENDING intervention (logged as a `cancel` entry). */
  cancelIntervention(id: string, origin?: InterventionOriginKind): InterventionRecord {
    this.assertCanChange();
    const record = this.run.book.get(id);
    if (record === undefined) {
      throw new TwinError(TwinErrorCode.UnknownIntervention, `Unknown intervention "${id}"`, { id });
    }
    if (record.status !== 'PENDING') {
      throw new TwinError(
        TwinErrorCode.InvalidState,
        `Intervention ${id} is ${record.status}: only PENDING interventions can be cancelled`,
        { id, status: record.status },
      );
    }
    this.logEntry({
      op: 'cancel',
      targetId: id,
      assetId: record.assetId,
      action: record.action,
      args: record.args,
      effectiveAt: this.now,
      origin: origin ?? record.origin,
    });
    return this.run.book.get(id) as InterventionRecord;
  }

  interventions(): InterventionRecord[] {
    return this.run.book.list();
  }

  intervention(id: string): InterventionRecord {
    const record = this.run.book.get(id);
    if (record === undefined) {
      throw new TwinError(TwinErrorCode.UnknownIntervention, `Unknown intervention "${id}"`, { id });
    }
    return record;
  }

  /** The log that, with the scenario and the seed, re-creates this run exactly. */
  interventionLog(): InterventionLogEntry[] {
    return [...this.log];
  }

  /** Number of entries of the intervention log (without copying it). */
  get interventionLogLength(): number {
    return this.log.length;
  }

  /** The entries of the intervention log from position `from` on: what a journal appends after a burst. */
  interventionLogFrom(from: number): InterventionLogEntry[] {
    return this.log.slice(from);
  }

  // ---- breakpoints ------------------------------------------------------------------------------------------

  addBreakpoint(expression: string): Breakpoint {
    return this.breakpointSet.add(expression, this.now);
  }

  removeBreakpoint(id: string): void {
    this.breakpointSet.remove(id);
  }

  breakpoints(): Breakpoint[] {
    return this.breakpointSet.list();
  }

  // ---- state ------------------------------------------------------------------------------------------------

  asset(id: string): Asset<JsonObject, unknown> {
    const asset = this.run.registry.asset(id);
    if (asset === undefined) throw new TwinError(TwinErrorCode.UnknownAsset, `Unknown asset "${id}"`, { assetId: id });
    return asset;
  }

  assets(kind?: string): readonly Asset<JsonObject, unknown>[] {
    return this.run.registry.assets(kind);
  }

  /** Current state of every asset (immutable objects, creation order). */
  states(): Map<string, JsonObject> {
    return this.run.states();
  }

  kpis(): Record<string, number> {
    return this.run.model.kpis();
  }

  assetKpis(id: string): Record<string, number> {
    return this.run.model.assetKpis?.(this.asset(id)) ?? {};
  }

  assetStatus(id: string): AssetStatus {
    return this.run.model.assetStatus?.(this.asset(id)) ?? 'ok';
  }

  /** The pack's rule for judging assets of a kind at a past instant, when it has one (see PastJudge). */
  pastJudge(kind: string): PastJudge | undefined {
    return this.run.model.pastJudge?.(kind);
  }

  telemetry(): readonly TelemetryRow[] {
    return this.run.telemetry.rows;
  }

  head(): LedgerHead {
    return this.run.writer.head();
  }

  /** Hands every ledger record and snapshot to the store and waits until it has them. */
  /** Ledger records from the store (after a flush), e.g. one asset's history or a page after a seq. */
  async query(query: Omit<LedgerQuery, 'simId'> = {}): Promise<LedgerEvent[]> {
    if (this.store === null) {
      throw new TwinError(TwinErrorCode.InvalidState, `Simulation ${this.id} keeps no ledger records (no store)`, {
        simId: this.id,
      });
    }
    await this.flush();
    return this.store.query({ ...query, simId: this.id });
  }

  async flush(): Promise<void> {
    await this.run.flush();
  }

  summary(): RunSummary {
    const head = this.head();
    return {
      sim_id: this.id,
      scenario: this.scenario.name,
      pack: this.pack.name,
      scenario_sha256: this.scenario.sha256,
      ledger_sha256: head.hash,
      seed: this.seed,
      status: this.statusValue,
      sim_time_s: this.now,
      events: this.eventsProcessed,
      ledger_events: head.seq,
      interventions: this.log.filter((entry) => entry.op === 'apply').length,
      wall_s: null,
      kpis: this.run.model.kpis(),
      pack_summary: this.run.model.summary?.() ?? null,
    };
  }

  /** The pack's extra output tables (the line pack's events.csv), as of now. */
  outputTables(): readonly OutputTable[] {
    return this.run.model.outputTables?.() ?? [];
  }

  on<K extends SimulationEventName>(name: K, listener: (payload: SimulationEventMap[K]) => void): () => void {
    return this.emitter.on(name, listener);
  }

  /**
   * Calls `observer` synchronously with every live ledger record as it is appended, while the assets hold the state
   * right after it (validation rules, test steps). It must not throw or change the simulation. Records re-executed
   * silently by a rewind or branch are not observed again. Returns the function that stops observing.
   */
  observe(observer: (record: LedgerEvent) => void): () => void {
    this.recordObservers.add(observer);
    this.run.writer.setObserver(this.dispatchRecord);
    return () => {
      this.recordObservers.delete(observer);
      if (this.recordObservers.size === 0) this.run.writer.setObserver(null);
    };
  }

  /** Listens to ledger batches (in seq order, without gaps), with the canonical text of each record. */
  subscribe(listener: LedgerListener): () => void {
    return this.emitter.on('ledger', (batch) => listener(batch.records, batch.texts));
  }

  // ---- time travel ------------------------------------------------------------------------------------------

  /** Full state of every asset at any instant up to now (from the store, or by re-execution without one). */
  async stateAt(t: number): Promise<Map<string, JsonObject>> {
    this.checkPastTime(t);
    if (t === this.now && this.statusValue !== 'failed') return new Map(this.run.states());
    if (this.store !== null) {
      await this.flush();
      return this.store.stateAt(this.id, t);
    }
    const { run } = this.replay(t, null);
    await checkSameHistory(null, this.id, run);
    return run.states();
  }

  /** This simulation continues from its exact state at t (the log and the ledger after t are dropped). */
  async rewind(t: number): Promise<void> {
    this.assertNotBusy();
    this.checkPastTime(t);
    await this.flush().catch((error: unknown) => {
      // A failed run may not flush; the ledger is truncated to the rewind point below anyway.
      if (this.statusValue !== 'failed') throw error;
    });
    const previous = this.statusValue;
    const { run, log: prefix } = this.replay(t, this.store, this.run);
    const seq = run.writer.seq;
    if (this.store !== null) {
      await this.store.truncate(this.id, seq);
      try {
        await checkSameHistory(this.store, this.id, run);
      } catch (error) {
        // The stored ledger is cut at t and the model cannot rebuild it: nothing can go on from here.
        this.failure = error as TwinError;
        this.setStatus('failed');
        throw error;
      }
    } else {
      // Nothing was cut: the simulation stays as it was.
      await checkSameHistory(null, this.id, run);
    }
    this.adopt(run, prefix, t);
    this.emitter.emit('rewind', { t, seq });
    if (previous !== this.statusValue) this.emitStatus(previous);
  }

  /**
   * A new, independent simulation that shares this one's history up to t and continues with `requests` applied
   * from there. Identical to a fresh simulation created with the branch's intervention log.
   */
  async branch(
    t: number,
    requests: readonly InterventionRequest[] = [],
    options: { readonly simId?: string; readonly name?: string; readonly createdAt?: string } = {},
  ): Promise<Simulation> {
    this.assertNotBusy();
    this.checkPastTime(t);
    if (this.store !== null) await this.flush();
    const child = new Simulation({
      ...this.init,
      id: options.simId ?? `${this.id}-b${++this.branchCounter}`,
      name: options.name ?? `${this.name} (branch at ${t} s)`,
      createdAt: options.createdAt ?? this.init.createdAt,
      // The branch is another simulation: this one's journal is not its journal.
      journal: undefined,
    });
    const { run, log: prefix } = child.replay(t, child.store, this.run, this.log);
    // Refuse a bad change before anything reaches the store; the validated requests are applied below as they are.
    const changes = requests.map((request) => {
      const at = { ...request, at: request.at ?? t };
      return { request: at, validated: validateIntervention(run.registry, at, run.env.now, this.horizon) };
    });
    if (child.store !== null) {
      const forkSeq = run.writer.seq;
      await child.store.createSimulation(child.catalogRecord({ simId: this.id, forkSeq }));
      await child.store.copyPrefix(this.id, child.id, forkSeq);
      const store = child.store;
      await checkSameHistory(store, child.id, run).catch(async (error: unknown) => {
        await store.deleteSimulation(child.id).catch(() => undefined);
        throw error;
      });
    } else {
      await checkSameHistory(null, child.id, run);
    }
    child.idCounter = this.idCounter;
    child.adopt(run, prefix, t);
    for (const breakpoint of this.breakpointSet.list()) child.addBreakpoint(breakpoint.expression);
    for (const { request, validated } of changes) {
      child.assertCanChange();
      child.logIntervention(request, validated);
    }
    return child;
  }
}

/** The log entry of a validated request (its id and submission position are the log's). */
function applyFields(
  request: InterventionRequest,
  validated: ValidatedIntervention,
): Omit<InterventionLogEntry, 'id' | 'submittedAtEvent' | 'submittedAt'> {
  return {
    op: 'apply',
    assetId: request.assetId,
    action: request.action,
    args: validated.args,
    effectiveAt: validated.effectiveAt,
    origin: request.origin,
  };
}
