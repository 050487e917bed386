import { PackRegistry } from '../assets/pack-registry.js';
import type { Asset, AssetStatus } from '../contracts/assets.js';
import { canonicalJson } from '../contracts/canonical.js';
import type {
  InterventionLogEntry,
  InterventionOriginKind,
  InterventionRecord,
  InterventionRequest,
} from '../contracts/interventions.js';
import type { JsonObject } from '../contracts/json.js';
import type { LedgerHead, LedgerStore, SimulationRecord } from '../contracts/ledger.js';
import type { AnyPack } from '../contracts/pack.js';
import type { ResolvedScenario } from '../contracts/scenario.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import { systemClock } from '../ports/clock.js';
import { BreakpointSet, type Breakpoint, type BreakpointHit } from './breakpoints.js';
import { validateIntervention } from './interventions.js';
import { Pacing, checkFactor } from './pacing.js';
import { Run, type DriveResult } from './run.js';
import type { TelemetryRow } from './telemetry.js';
import type {
  PlayOptions,
  RunSummary,
  SimulationCreateOptions,
  SimulationEventMap,
  SimulationEventName,
  SimulationStatus,
  StopInfo,
  StopReason,
} from './types.js';
import { Emitter } from './emitter.js';

interface SimulationInit {
  readonly id: string;
  readonly name: string;
  readonly scenario: ResolvedScenario;
  readonly packs: PackRegistry;
  readonly pack: AnyPack;
  readonly config: unknown;
  readonly seed: number;
  readonly store: LedgerStore | null;
  readonly createdAt: string;
  readonly validateUpdates: boolean;
  readonly batchSize: number | undefined;
}

/**
 * One simulation session: a pure function of (resolved scenario, seed, intervention log) that you can run, pause,
 * step, intervene on, rewind and branch. Rewind and branch re-execute from t=0 with the same inputs (no generator
 * can be snapshotted), silently up to the instant asked for, so the result is identical to a run from scratch.
 */
export class Simulation {
  readonly id: string;
  readonly name: string;
  readonly scenario: ResolvedScenario;
  readonly seed: number;
  readonly pack: AnyPack;
  readonly store: LedgerStore | null;
  /** Sim time at which the run ends (scenario.durationS). */
  readonly horizon: number;
  private readonly init: SimulationInit;
  private run!: Run;
  private log: InterventionLogEntry[] = [];
  private statusValue: SimulationStatus = 'ready';
  private readonly breakpointSet = new BreakpointSet();
  private readonly emitter = new Emitter<SimulationEventMap>();
  private idCounter = 0;
  private branchCounter = 0;
  private driving = false;
  private pacing: Pacing | null = null;
  private lastHit: BreakpointHit | null = null;
  private failure: TwinError | null = null;

  private constructor(init: SimulationInit) {
    this.init = init;
    this.id = init.id;
    this.name = init.name;
    this.scenario = init.scenario;
    this.seed = init.seed;
    this.pack = init.pack;
    this.store = init.store;
    this.horizon = init.scenario.durationS;
  }

  /** Builds the pack's assets at t=0 on a fresh environment and registers the simulation in the store. */
  static async create(options: SimulationCreateOptions): Promise<Simulation> {
    const sim = new Simulation(resolveInit(options, options.simId));
    const log = options.interventionLog ?? scheduledLog(options.scenario);
    if (sim.store !== null) await sim.store.createSimulation(sim.catalogRecord(options.parent ?? null));
    sim.start(log, false);
    for (const expression of options.scenario.breakpoints) sim.addBreakpoint(expression);
    return sim;
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

  // ---- running ----------------------------------------------------------------------------------------------

  /** Processes every event with time <= t (inclusive); `now` becomes t. Stops early at a breakpoint. */
  runUntil(t: number): StopInfo {
    this.assertCanRun();
    if (typeof t !== 'number' || Number.isNaN(t) || t < this.now) {
      throw new TwinError(TwinErrorCode.TimeOutOfRange, `Cannot run until ${t} s: now is ${this.now} s`, {
        field: 't',
        t,
        now: this.now,
      });
    }
    return this.advance(Math.min(t, this.horizon), Infinity, 'until');
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
   * Runs paced by a wall clock: `factor` sim seconds per wall second (Infinity = as fast as possible). Resolves
   * when the run reaches `until` or the horizon, hits a breakpoint, or is paused. Interventions may be made while
   * it plays: the engine is idle between slices.
   */
  async play(options: PlayOptions = {}): Promise<StopInfo> {
    this.assertCanRun();
    const factor = checkFactor(options.factor ?? Infinity);
    const until = Math.min(options.until ?? this.horizon, this.horizon);
    if (!(until >= this.now)) {
      throw new TwinError(TwinErrorCode.TimeOutOfRange, `Cannot play until ${until} s: now is ${this.now} s`, {
        field: 'until',
      });
    }
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
            if (result === 'limit' && this.now >= until) return 'done';
            return result === 'events' ? 'more' : 'caught-up';
          },
        },
        until,
        options.sliceEvents ?? 20_000,
      );
      if (outcome === 'paused') reason = 'paused';
    } finally {
      this.pacing = null;
    }
    return this.settle(reason);
  }

  /** Asks a paced run to stop at its next slice boundary. */
  pause(): void {
    this.pacing?.requestPause();
  }

  /** Changes the pacing factor of the current paced run (from now on). */
  setSpeed(factor: number): void {
    checkFactor(factor);
    this.pacing?.setFactor(factor, this.now);
  }

  /** True while a paced run is going on. */
  get playing(): boolean {
    return this.pacing !== null;
  }

  // ---- interventions ----------------------------------------------------------------------------------------

  /**
   * Validates and logs an intervention and schedules it at `at` (default: now). One requested for now is applied
   * at once, so the state reflects it immediately.
   */
  intervene(request: InterventionRequest): InterventionRecord {
    this.assertCanChange();
    const validated = validateIntervention(this.run.registry, request, this.now, this.horizon);
    const entry = this.logEntry({
      op: 'apply',
      assetId: request.assetId,
      action: request.action,
      args: validated.args,
      effectiveAt: validated.effectiveAt,
      origin: request.origin,
    });
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

  telemetry(): readonly TelemetryRow[] {
    return this.run.telemetry.rows;
  }

  head(): LedgerHead {
    return this.run.writer.head();
  }

  /** Hands every ledger record and snapshot to the store and waits until it has them. */
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

  on<K extends SimulationEventName>(name: K, listener: (payload: SimulationEventMap[K]) => void): () => void {
    return this.emitter.on(name, listener);
  }

  /** Listens to ledger batches (in seq order, without gaps). */
  subscribe(listener: (records: SimulationEventMap['ledger']) => void): () => void {
    return this.emitter.on('ledger', listener);
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
    const run = this.replay(this.logPrefix(t), t, null);
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
    const prefix = this.logPrefix(t);
    const run = this.replay(prefix, t, this.store);
    const seq = run.writer.seq;
    if (this.store !== null) await this.store.truncate(this.id, seq);
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
    });
    const prefix = this.logPrefix(t);
    const run = child.replay(prefix, t, child.store);
    // Refuse a bad change before anything reaches the store.
    for (const request of requests) {
      validateIntervention(run.registry, { ...request, at: request.at ?? t }, run.env.now, this.horizon);
    }
    if (child.store !== null) {
      const forkSeq = run.writer.seq;
      await child.store.createSimulation(child.catalogRecord({ simId: this.id, forkSeq }));
      await child.store.copyPrefix(this.id, child.id, forkSeq);
    }
    child.idCounter = this.idCounter;
    child.adopt(run, prefix, t);
    for (const breakpoint of this.breakpointSet.list()) child.addBreakpoint(breakpoint.expression);
    for (const request of requests) child.intervene({ ...request, at: request.at ?? t });
    return child;
  }

  // ---- internals --------------------------------------------------------------------------------------------

  private start(log: readonly InterventionLogEntry[], silent: boolean): void {
    this.log = [...log];
    this.idCounter = Math.max(this.idCounter, ...log.map((entry) => idNumber(entry.id)));
    this.run = this.newRun(this.log, this.store, silent);
    this.breakpointSet.bind(this.run.registry, this.now);
  }

  private newRun(log: readonly InterventionLogEntry[], store: LedgerStore | null, silent: boolean): Run {
    return new Run({
      scenario: this.scenario,
      pack: this.pack,
      config: this.init.config,
      seed: this.seed,
      simId: this.id,
      store,
      log,
      silent,
      validateUpdates: this.init.validateUpdates,
      batchSize: this.init.batchSize,
      hooks: {
        onLedger: (records) => this.emitter.emit('ledger', records),
        onTelemetry: (row) => this.emitter.emit('telemetry', row),
        onIntervention: (record) => this.emitter.emit('intervention', record),
      },
    });
  }

  /** Re-executes (scenario, seed, log prefix) silently up to t inclusive: no store I/O, no listeners. */
  private replay(prefix: readonly InterventionLogEntry[], t: number, store: LedgerStore | null): Run {
    const run = this.newRun(prefix, store, true);
    try {
      run.drive(t);
      if (t >= this.horizon) run.finish(this.horizon);
    } catch (error) {
      throw asFailure(error, `Re-execution up to ${t} s failed`);
    }
    if (run.unsubmitted > 0) {
      throw new TwinError(TwinErrorCode.InvalidState, `The intervention log does not fit a re-execution up to ${t} s`, {
        t,
        unsubmitted: run.unsubmitted,
      });
    }
    return run;
  }

  /** Makes a re-executed run the live one. */
  private adopt(run: Run, prefix: readonly InterventionLogEntry[], t: number): void {
    run.goLive();
    this.run = run;
    this.log = [...prefix];
    this.failure = null;
    this.lastHit = null;
    this.statusValue = t >= this.horizon ? 'finished' : 'paused';
    this.breakpointSet.bind(run.registry, this.now);
  }

  private advance(limit: number, maxEvents: number, reason: StopReason): StopInfo {
    this.setStatus('running');
    const result = this.drive(limit, maxEvents);
    this.handOver();
    if (result === 'stop') return this.settle('breakpoint');
    if (result === 'limit' && this.now >= this.horizon) return this.settle('end');
    return this.settle(result === 'events' ? 'events' : reason);
  }

  /** Drives the engine with the breakpoints armed; any error fails the simulation. */
  private drive(limit: number, maxEvents: number): DriveResult {
    let hit: Breakpoint | null = null;
    const stopWhen = this.breakpointSet.stopCondition((breakpoint) => {
      hit = breakpoint;
    });
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
  private settle(reason: StopReason): StopInfo {
    if (reason === 'end') {
      this.run.finish(this.horizon);
      this.setStatus('finished');
      this.handOver();
    } else {
      this.setStatus(reason === 'breakpoint' ? 'breakpoint' : 'paused');
    }
    return this.stopInfo(reason);
  }

  private stopInfo(reason: StopReason): StopInfo {
    return {
      reason,
      status: this.statusValue,
      now: this.now,
      eventsProcessed: this.eventsProcessed,
      ...(reason === 'breakpoint' && this.lastHit !== null ? { breakpoint: this.lastHit } : {}),
    };
  }

  /** Steps the engine through the intervention's event right now (only earlier interventions at now precede it). */
  private applyNow(id: string): void {
    const previous = this.statusValue;
    while (!this.run.book.settled(id)) {
      const result = this.drive(this.now, 1);
      if (result === 'stop' && previous !== 'running') this.setStatus('breakpoint');
    }
  }

  private logEntry(
    fields: Omit<InterventionLogEntry, 'id' | 'submittedAtEvent' | 'submittedAt'>,
  ): InterventionLogEntry {
    const entry: InterventionLogEntry = {
      id: `iv-${++this.idCounter}`,
      ...fields,
      submittedAtEvent: this.eventsProcessed,
      submittedAt: this.now,
    };
    // Entries of a replayed log still waiting for their event count come after this one.
    const count = entry.submittedAtEvent;
    let index = this.log.length;
    while (index > 0 && this.log[index - 1].submittedAtEvent > count) index--;
    this.log.splice(index, 0, entry);
    this.run.submitNow(entry);
    return entry;
  }

  /** Entries logged at or before t: what a re-execution up to t must submit. */
  private logPrefix(t: number): InterventionLogEntry[] {
    return this.log.filter((entry) => (entry.submittedAt ?? 0) <= t);
  }

  private checkPastTime(t: number): void {
    if (typeof t !== 'number' || !(t >= 0) || t > this.now) {
      throw new TwinError(TwinErrorCode.TimeOutOfRange, `Time ${t} s is outside [0, ${this.now}] s`, {
        field: 't',
        t,
        now: this.now,
      });
    }
  }

  private assertNotBusy(): void {
    if (this.pacing !== null || this.driving) {
      throw new TwinError(TwinErrorCode.SimulationBusy, `Simulation ${this.id} is running: pause it first`, {
        simId: this.id,
      });
    }
  }

  private assertCanRun(): void {
    this.assertNotBusy();
    this.assertAlive();
  }

  private assertCanChange(): void {
    if (this.driving) {
      throw new TwinError(TwinErrorCode.SimulationBusy, 'Interventions cannot be made while an event is processed', {
        simId: this.id,
      });
    }
    this.assertAlive();
  }

  private assertAlive(): void {
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

  private setStatus(status: SimulationStatus): void {
    const previous = this.statusValue;
    if (previous === status) return;
    this.statusValue = status;
    this.emitStatus(previous);
  }

  private emitStatus(previous: SimulationStatus): void {
    this.emitter.emit('status', { status: this.statusValue, previous, now: this.now });
  }

  private fail(error: unknown): TwinError {
    const failure = asFailure(error, `Simulation ${this.id} failed at ${this.now} s`);
    this.failure = failure;
    this.setStatus('failed');
    return failure;
  }

  /** Publishes buffered ledger records to listeners and the store without waiting. */
  private handOver(): void {
    this.run.writer.flush().catch(() => undefined);
  }

  private catalogRecord(parent: { readonly simId: string; readonly forkSeq: number } | null): SimulationRecord {
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

function idNumber(id: string): number {
  const match = /^iv-(\d+)$/.exec(id);
  return match === null ? 0 : Number(match[1]);
}

function asFailure(error: unknown, context: string): TwinError {
  if (error instanceof TwinError && error.code === TwinErrorCode.SimulationFailed) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TwinError(TwinErrorCode.SimulationFailed, `${context}: ${message}`, { cause: error });
}

function resolveInit(options: SimulationCreateOptions, simId: string | undefined): SimulationInit {
  const packs = options.packs instanceof PackRegistry ? options.packs : new PackRegistry(options.packs);
  const scenario = options.scenario;
  const pack = packs.pack(scenario.pack);
  const parsed = (
    pack.config as { safeParse(value: unknown): { success: boolean; data?: unknown; error?: unknown } }
  ).safeParse(scenario.config);
  if (!parsed.success) {
    throw new TwinError(
      TwinErrorCode.ScenarioInvalid,
      `The "${pack.name}" section of scenario "${scenario.name}" is invalid`,
      {
        cause: parsed.error,
      },
    );
  }
  const seed = options.seed ?? scenario.seed;
  if (!Number.isSafeInteger(seed)) {
    throw new TwinError(TwinErrorCode.InvalidArguments, `A simulation needs an integer seed, got ${String(seed)}`, {
      field: 'seed',
    });
  }
  return {
    id: simId ?? `sim-${scenario.sha256.slice(0, 12)}-${seed}`,
    name: options.name ?? scenario.name,
    scenario,
    packs,
    pack,
    config: parsed.data,
    seed,
    store: options.store ?? null,
    createdAt: options.createdAt ?? scenario.start,
    validateUpdates: options.validateUpdates ?? false,
    batchSize: options.batchSize,
  };
}

/** The scenario's scheduled interventions, logged at t=0 in file order. */
function scheduledLog(scenario: ResolvedScenario): InterventionLogEntry[] {
  return scenario.interventions.map((scheduled, index) => ({
    id: `iv-${index + 1}`,
    op: 'apply',
    assetId: scheduled.assetId,
    action: scheduled.action,
    args: scheduled.args,
    effectiveAt: scheduled.at,
    submittedAtEvent: 0,
    submittedAt: 0,
    origin: 'schedule',
  }));
}
