import { randomBytes } from 'node:crypto';
import { fmuResumesOf } from '@doppel/pack-process';
import {
  awaitingAckError,
  resolvedScenarioFromSnapshot,
  Simulation,
  TwinError,
  TwinErrorCode,
  type Asset,
  type InterventionLogEntry,
  type InterventionRecord,
  type InterventionRequest,
  type JsonObject,
  type LedgerQuery,
  type SimulationStatus,
  type StopInfo,
  formatSimTime,
} from '@doppel/twin';
import { toErrorPayload } from '../errors.js';
import { loadPacks } from '../packs.js';
import { registryWithUserModules } from './user-module-files.js';
import { CoalescingLedgerStore } from './coalescing-store.js';
import { ledgerLocation, openFreshLedger } from './ledger-stores.js';
import { InterventionJournal, type JournalFs } from './journal.js';
import { Outbox } from './outbox.js';
import { PastStates, stateJson } from './past-states.js';
import {
  interventionJournalPath,
  type AssetView,
  type PlayOptions,
  type SimInfo,
  type SimulationApi,
  type WorkerInit,
  type FmuBranchState,
  type WorkerMessage,
  type WorkerPost,
} from './protocol.js';
import { callMethod, type MethodCall } from './remote.js';

/** Ledger appends wait this long for others to join them (one transaction for a burst of interventions). */
// Kept because it pays: a burst of God Mode requests publishes the ledger after every intervention, and each store
// append is a transaction and a rewrite of the open ledger block. Measured (server bench, PATCH at 2000 req/s, same
// machine and load, 3 December 2026): 215 req/s served with p99 454 ms with the 20 ms window against 147 req/s with
// p99 906 ms when appends were gathered only within one turn of the loop, at load average 18-24.
const LEDGER_WRITE_DELAY_MS = 20;

/** Replies that change or report the run carry fresh facts; reads and interventions stay cheap. */
const REPORTS_INFO: ReadonlySet<string> = new Set<keyof SimulationApi>([
  'info',
  'play',
  'ack',
  'runUntil',
  'step',
  'pause',
  'setSpeed',
  'rewind',
  'flush',
  'shutdown',
]);

/** An intervention requested in this turn of the loop, made with the others of the turn. */
interface StagedIntervention {
  readonly request: InterventionRequest;
  readonly kind: string | undefined;
  readonly resolve: (record: InterventionRecord) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One simulation in its worker thread: the session, its ledger (a SQLite file, or the server's PostgreSQL store), its intervention journal, and the
 * answers to the host's calls between slices of a paced run. Its public methods are exactly `SimulationApi`, the
 * operations the host may call; helpers are ES private, and the worker's lifecycle (open, heartbeat, answer) is
 * static, so neither is reachable through the remote interface.
 */
export class SimulationService implements SimulationApi {
  #sim!: Simulation;
  #store!: CoalescingLedgerStore;
  readonly #init: WorkerInit;
  readonly #outbox: Outbox;
  /** The intervention log is the input that re-creates the run: every entry is durable here before it acts. */
  readonly #journal: InterventionJournal;
  /** Interventions requested in this turn of the loop, not made yet. */
  #staged: StagedIntervention[] = [];
  readonly #past: PastStates;
  /** This thread among every worker this simulation had: versions of its live view are never mistaken for another's. */
  readonly #thread = randomBytes(6).toString('hex');
  #speed: number | null = null;
  #playRun: Promise<StopInfo> | null = null;
  #runStartEvents = 0;
  #overBudget = false;
  #failedMessage: string | null = null;
  /** Start-up (re-execution) is over: failures are reported as the simulation's from then on. */
  #ready = false;
  /** Why the simulation's storage last failed (shown as its error until a write succeeds again). */
  #storageFailure: string | null = null;
  /** Bumped by each rewind: a live view of an older timeline is never served. */
  #rewinds = 0;
  /** The last ledger seq handed over and the interventions so far: with the event count, when a live view is stale. */
  #ledgerSeq = 0;
  #changes = 0;
  #liveView: { key: string; assets: AssetView[] } | null = null;
  #liveJson: { key: string; json: string } | null = null;
  /** The run a debug pause interrupted, continued by the acknowledgement (POST …/ack). */
  #debugContinuation: { readonly factor: number | null; readonly until: number | undefined } | null = null;

  /** `journalFs`: the file operations of the journal (node:fs; a fault-injecting wrapper in tests). */
  constructor(init: WorkerInit, send: (post: WorkerPost) => void, journalFs?: JournalFs) {
    this.#init = init;
    this.#outbox = new Outbox(send);
    this.#journal = new InterventionJournal(interventionJournalPath(init.ledgerPath), journalFs);
    this.#past = new PastStates(
      () => this.#sim,
      () => this.#store,
    );
  }

  /** Creates the session (re-executing its history), then tells the host it is ready, or why it could not start. */
  static async open(service: SimulationService): Promise<boolean> {
    try {
      await service.#start();
    } catch (error) {
      service.#post({ type: 'init-failed', error: toErrorPayload(error) });
      return false;
    }
    service.#ready = true;
    service.#post({ type: 'ready', info: service.info() });
    return true;
  }

  /** Tells the host the thread is alive (and stops a run over its event budget). */
  static heartbeat(service: SimulationService): void {
    if (service.#sim === undefined) return;
    service.#checkBudget();
    service.#post({ type: 'heartbeat', info: service.info() });
  }

  /** Answers one call of the host: its value, or its error with the typed code. */
  static async answer(service: SimulationService, call: MethodCall): Promise<void> {
    const info = REPORTS_INFO.has(call.method);
    // Interventions wait for the end of the turn, to be made together; any other call sees them made first.
    if (call.method !== 'intervene') service.#makeStaged();
    try {
      const value = await callMethod(service, SimulationService.prototype, call);
      service.#outbox.post({ type: 'reply', id: call.id, ok: true, value, info: info ? service.info() : null });
    } catch (error) {
      const reply = { type: 'reply', id: call.id, ok: false, error: toErrorPayload(error) } as const;
      service.#post({ ...reply, info: info && service.#sim !== undefined ? service.info() : null });
    }
  }

  info(): SimInfo {
    const sim = this.#sim;
    const head = sim.head();
    return {
      status: this.#failedMessage !== null ? 'failed' : sim.status,
      now: sim.now,
      headSeq: head.seq,
      headHash: head.hash,
      speed: this.#speed,
      playing: sim.playing,
      eventsProcessed: sim.eventsProcessed,
      breakpoint: sim.breakpointHit,
      debug: sim.debug,
      error: this.#failedMessage ?? sim.error?.message ?? this.#storageFailure,
    };
  }

  play({ factor, until, debug }: PlayOptions): SimInfo {
    const sim = this.#sim;
    this.#assertAlive();
    if (debug !== undefined) sim.setDebugMode(debug);
    if (sim.playing) {
      sim.setSpeed(factor ?? Infinity);
      this.#speed = factor;
      return this.info();
    }
    if (sim.status === 'finished') {
      throw new TwinError(TwinErrorCode.SimulationFinished, `Simulation ${sim.id} has finished`, { simId: sim.id });
    }
    if (until !== undefined && until < sim.now) {
      throw new TwinError(TwinErrorCode.TimeOutOfRange, `Cannot run until ${until} s: now is ${sim.now} s`, {
        field: 'until',
      });
    }
    this.#assertNotAwaitingAck();
    // The reply goes first; the run then goes on by itself (a model that fails in its first slice is reported
    // through the status stream, not as this request's error).
    this.#speed = factor;
    setImmediate(() => void this.#play(factor, until).catch(() => undefined));
    return { ...this.info(), playing: true, status: 'running' };
  }

  ack(): SimInfo {
    this.#assertAlive();
    this.#sim.acknowledge('api');
    const next = this.#debugContinuation;
    this.#debugContinuation = null;
    // As for play: the reply goes first, the next chunk runs by itself.
    if (next !== null) setImmediate(() => void this.#play(next.factor, next.until).catch(() => undefined));
    return next !== null ? { ...this.info(), playing: true, status: 'running' } : this.info();
  }

  async runUntil(t: number): Promise<StopInfo> {
    this.#assertAlive();
    await this.#stopPlaying();
    return this.#play(null, t);
  }

  async step(by: { readonly events: number } | { readonly dt: number }): Promise<StopInfo> {
    const sim = this.#sim;
    const { sliceEvents, maxEventsPerRun } = this.#init;
    this.#assertAlive();
    await this.#stopPlaying();
    if ('dt' in by) return this.#play(null, Math.min(sim.now + by.dt, sim.horizon));
    // Event steps go in chunks so the thread keeps answering (and beating) during a long step.
    let remaining = Math.min(by.events, maxEventsPerRun);
    let stop = sim.step({ events: Math.min(remaining, sliceEvents) });
    remaining -= sliceEvents;
    while (remaining > 0 && stop.reason === 'events') {
      await new Promise<void>((resolve) => setImmediate(resolve));
      stop = sim.step({ events: Math.min(remaining, sliceEvents) });
      remaining -= sliceEvents;
    }
    return stop;
  }

  async pause(): Promise<SimInfo> {
    await this.#stopPlaying();
    this.#debugContinuation = null;
    return this.info();
  }

  setSpeed(factor: number | null): SimInfo {
    this.#speed = factor;
    if (this.#sim.playing) this.#sim.setSpeed(factor ?? Infinity);
    return this.info();
  }

  /**
   * Answers once the intervention is durable in the journal and applied, in that order. The interventions of one
   * turn of the loop (a burst of requests the host sent together) are made together, with one journal write.
   */
  intervene(request: InterventionRequest, kind?: string): Promise<InterventionRecord> {
    return new Promise((resolve, reject) => {
      if (this.#staged.push({ request, kind, resolve, reject }) === 1) queueMicrotask(() => this.#makeStaged());
    });
  }

  cancelIntervention(id: string): ReturnType<Simulation['cancelIntervention']> {
    // Journaled (written and synced) before it takes effect, like every entry of the log.
    const record = this.#sim.cancelIntervention(id, 'api');
    this.#changes++;
    return record;
  }

  interventions(): ReturnType<Simulation['interventions']> {
    return this.#sim.interventions();
  }

  intervention(id: string): ReturnType<Simulation['intervention']> {
    return this.#sim.intervention(id);
  }

  interventionLog(upTo?: number): InterventionLogEntry[] {
    return this.#sim.interventionLog().filter((entry) => upTo === undefined || (entry.submittedAt ?? 0) <= upTo);
  }

  /** What a branch taken now continues its FMU components from (see tracedFmuRunner). */
  fmuBranchState(): FmuBranchState {
    const { resumes, untraced } = fmuResumesOf(this.#sim.assets());
    return { resumes: Object.fromEntries(resumes), untraced };
  }

  addBreakpoint(expression: string): ReturnType<Simulation['addBreakpoint']> {
    return this.#sim.addBreakpoint(expression);
  }

  removeBreakpoint(id: string): null {
    this.#sim.removeBreakpoint(id);
    return null;
  }

  breakpoints(): ReturnType<Simulation['breakpoints']> {
    return this.#sim.breakpoints();
  }

  asset(id: string): AssetView {
    return this.#view(this.#sim.asset(id), true);
  }

  assets(kind: string | undefined, detail: boolean): AssetView[] {
    if (!detail) return this.#sim.assets(kind).map((asset) => this.#view(asset, false));
    // Status colours and KPIs only change when events are processed: repeated reads of a paused head are free.
    const key = this.#liveKey(kind);
    if (this.#liveView?.key !== key) {
      this.#liveView = { key, assets: this.#sim.assets(kind).map((asset) => this.#view(asset, true)) };
    }
    return this.#liveView.assets;
  }

  liveState(kind?: string, have?: string): { version: string; json: string | null } {
    // The live head as response JSON, built once per change of the head; the host keeps the bytes of the version
    // it was last sent, so a repeated read of an unchanged head sends no text.
    const key = this.#liveKey(kind);
    if (have === key) return { version: key, json: null };
    if (this.#liveJson?.key !== key) {
      const views =
        this.#liveView?.key === key
          ? this.#liveView.assets
          : this.#sim.assets(kind).map((asset) => this.#view(asset, true));
      this.#liveView = { key, assets: views };
      this.#liveJson = { key, json: stateJson(this.#sim.now, views) };
    }
    return { version: key, json: this.#liveJson.json };
  }

  async stateAt(t: number, kind?: string): Promise<Uint8Array> {
    const sim = this.#sim;
    if (typeof t !== 'number' || !(t >= 0) || t > sim.now) {
      throw new TwinError(TwinErrorCode.TimeOutOfRange, `Time ${t} s is outside [0, ${sim.now}] s`, {
        field: 't',
        t,
        now: sim.now,
      });
    }
    if (t === sim.now) {
      // The head itself: the live verdict and KPIs, which a past read of the same instant would give too.
      const assets = sim.assets(kind).map((asset) => this.#view(asset, true));
      return Buffer.from(stateJson(t, assets), 'utf8');
    }
    // The past does not change until a rewind: see PastStates.
    return this.#past.json(t, kind);
  }

  kpis(): { simTime: number; values: Record<string, number> } {
    return { simTime: this.#sim.now, values: this.#sim.kpis() };
  }

  telemetry(fromTime?: number): ReturnType<Simulation['telemetry']> {
    return this.#sim.telemetry().filter((row) => fromTime === undefined || row.time >= fromTime);
  }

  summary(): ReturnType<Simulation['summary']> {
    return this.#sim.summary();
  }

  async ledger(query: Omit<LedgerQuery, 'simId'>): Promise<string[]> {
    void this.#store.drain();
    await this.#sim.flush();
    return this.#store.queryTexts({ ...query, simId: this.#sim.id });
  }

  async rewind(t: number): Promise<SimInfo> {
    await this.#stopPlaying();
    this.#grace(120_000);
    this.#failedMessage = null;
    this.#rewinds++;
    this.#debugContinuation = null;
    this.#past.clear();
    void this.#store.drain();
    await this.#sim.rewind(t);
    this.#journal.rewrite(this.#sim.interventionLog());
    return this.info();
  }

  async flush(): Promise<SimInfo> {
    void this.#store.drain();
    await this.#sim.flush();
    return this.info();
  }

  async shutdown(): Promise<SimInfo> {
    await this.#stopPlaying();
    void this.#store.drain();
    await this.#sim.flush().catch(() => undefined);
    const last = this.info();
    await this.#store.close();
    return last;
  }

  #post(message: WorkerMessage): void {
    this.#outbox.post(message);
  }

  async #start(): Promise<void> {
    const init = this.#init;
    const scenario = resolvedScenarioFromSnapshot(JSON.parse(init.scenarioJson), `simulation ${init.simId}`);
    const registry = await registryWithUserModules(await loadPacks(init.packModules), [scenario], init.moduleDirs);
    // The ledger is derived data: a reloaded simulation regenerates it from (scenario, seed, log).
    const stored = await openFreshLedger(init);
    this.#store = new CoalescingLedgerStore(stored, {
      delayMs: LEDGER_WRITE_DELAY_MS,
      onAppendFailure: (error) => this.#failOnStorage(error),
    });
    // A journal left by an earlier run of this simulation is newer than the catalog's copy of the log.
    const journaled = this.#journal.open();
    const log = journaled ?? init.log;
    const sim = await Simulation.create({
      scenario,
      packs: registry,
      seed: init.seed,
      simId: init.simId,
      name: init.name,
      store: this.#store,
      interventionLog: log,
      journal: (entries) => this.#appendToJournal(entries),
      parent: init.parent,
      createdAt: init.createdAt,
    });
    this.#sim = sim;
    if (journaled === undefined) {
      try {
        this.#journal.rewrite(sim.interventionLog());
      } catch (error) {
        // Reads still work; interventions are refused (with the cause) until the journal can be written.
        this.#storageFailure = error instanceof Error ? error.message : String(error);
      }
    }
    sim.subscribe((records, texts) => {
      if (records.length === 0) return;
      this.#ledgerSeq = records[records.length - 1].seq;
      this.#past.ingest(records);
      this.#post({ type: 'ledger', firstSeq: records[0].seq, texts });
    });
    sim.on('telemetry', (row) => this.#post({ type: 'telemetry', row, seq: sim.head().seq }));
    sim.on('intervention', (record) => this.#post({ type: 'intervention', record }));
    sim.on('rewind', ({ t, seq }) => {
      this.#past.clear();
      this.#post({ type: 'rewind', t, seq });
    });
    sim.on('status', ({ previous }: { previous: SimulationStatus }) =>
      this.#post({ type: 'status', info: this.info(), previous }),
    );
    // Every acknowledged intervention was submitted at or before the head it is re-executed to.
    const runTo = Math.max(init.runTo ?? 0, ...(log ?? []).map((entry) => entry.submittedAt ?? 0));
    if (runTo > 0) await this.#play(null, Math.min(runTo, sim.horizon));
    // The restored simulation resumes at the pace it had.
    this.#speed = init.speed ?? null;
    if (init.failed !== undefined) this.#failedMessage = init.failed;
    await sim.flush();
  }

  /**
   * Every entry is durable in the journal (next to the ledger file) before it takes effect, and so before the
   * request that made it is answered: a crashed server restores every acknowledged one, and a refused one (the
   * write or the sync failed) never acted.
   */
  #appendToJournal(entries: readonly InterventionLogEntry[]): void {
    try {
      this.#journal.append(entries);
    } catch (error) {
      this.#storageFailure = error instanceof Error ? error.message : String(error);
      throw error;
    }
    this.#storageFailure = null;
  }

  /**
   * Makes the interventions requested so far, together: each checked on its own, the valid ones written to the
   * journal and synced at once, and only then applied. A journal that refuses them refuses them all, unapplied.
   */
  #makeStaged(): void {
    const staged = this.#staged;
    if (staged.length === 0) return;
    this.#staged = [];
    const sim = this.#sim;
    const valid = staged.filter(({ request, kind, reject }) => {
      try {
        // The path names the kind (…/assets/station/s4): an asset of another kind does not exist there.
        if (kind !== undefined && sim.asset(request.assetId).kind !== kind) {
          const context = { assetId: request.assetId };
          throw new TwinError(TwinErrorCode.UnknownAsset, `No ${kind} "${request.assetId}"`, context);
        }
        return true;
      } catch (error) {
        reject(error);
        return false;
      }
    });
    let outcomes: ReturnType<Simulation['interveneAll']>;
    try {
      this.#assertAlive();
      outcomes = sim.interveneAll(valid.map(({ request }) => request));
    } catch (error) {
      for (const { reject } of valid) reject(error);
      return;
    }
    this.#changes++;
    outcomes.forEach((outcome, index) => {
      if (outcome.ok) valid[index].resolve(outcome.record);
      else valid[index].reject(outcome.error);
    });
  }

  #view(asset: Asset<JsonObject, unknown>, detail: boolean): AssetView {
    if (!detail) return { id: asset.id, kind: asset.kind, state: asset.state };
    return {
      id: asset.id,
      kind: asset.kind,
      state: asset.state,
      status: this.#sim.assetStatus(asset.id),
      kpis: this.#sim.assetKpis(asset.id),
    };
  }

  /** What the live view depends on: the timeline, events processed, records and interventions since. */
  #liveKey(kind: string | undefined): string {
    return `${this.#thread}|${this.#rewinds}|${this.#sim.eventsProcessed}|${this.#ledgerSeq}|${this.#changes}|${kind ?? ''}`;
  }

  /** Stops a run that processed more events than one run may (a model stuck scheduling events at one instant). */
  #checkBudget(): void {
    const sim = this.#sim;
    if (sim.playing && sim.eventsProcessed - this.#runStartEvents > this.#init.maxEventsPerRun) {
      this.#overBudget = true;
      sim.pause();
    }
  }

  /**
   * A ledger the disk refused is incomplete from there on: the simulation stops, failed with the cause (before it
   * is ready, its start-up fails instead). Reopened once space returns, it re-executes and writes its ledger whole.
   */
  #failOnStorage(error: unknown): void {
    if (!this.#ready || this.#failedMessage !== null) return;
    const reported = toErrorPayload(error);
    const payload = {
      ...reported,
      message: `Cannot write the ledger ${ledgerLocation(this.#init)}: ${reported.message}`,
    };
    this.#failedMessage = payload.message;
    this.#sim.pause();
    this.#post({ type: 'failed', error: payload, info: this.info() });
  }

  #failOnBudget(): void {
    if (!this.#overBudget) return;
    this.#overBudget = false;
    this.#failedMessage = `The run exceeded ${this.#init.maxEventsPerRun} engine events (max events per run) at ${formatSimTime(this.#sim.now)}`;
    this.#post({
      type: 'failed',
      error: { code: TwinErrorCode.SimulationFailed, message: this.#failedMessage },
      info: this.info(),
    });
  }

  /**
   * Runs paced at `factor`, or (null) as fast as possible. Only a paced run sets the speed a resume goes on at: a
   * run-until, a step or a re-execution leaves it as it was.
   */
  async #play(factor: number | null, until?: number): Promise<StopInfo> {
    this.#assertNotAwaitingAck(); // a refused run keeps the continuation of the paused one
    this.#runStartEvents = this.#sim.eventsProcessed;
    if (factor !== null) this.#speed = factor;
    this.#debugContinuation = null;
    const run = this.#sim.play({ factor: factor ?? Infinity, until, sliceEvents: this.#init.sliceEvents });
    this.#playRun = run;
    try {
      const stop = await run;
      // Debug mode ended a chunk: the acknowledgement continues this run towards its target.
      if (stop.reason === 'debug') this.#debugContinuation = { factor, until };
      return stop;
    } finally {
      if (this.#playRun === run) this.#playRun = null;
      this.#failOnBudget();
      // A finished run command leaves its ledger written, not waiting for the next read.
      void this.#store.drain();
    }
  }

  /** Stops a paced run and waits for it to settle. */
  async #stopPlaying(): Promise<void> {
    const run = this.#playRun;
    if (run === null) return;
    this.#sim.pause();
    await run.catch(() => undefined);
  }

  #assertNotAwaitingAck(): void {
    const sim = this.#sim;
    if (sim.debug?.awaitingAck !== true) return;
    throw awaitingAckError(sim.id, sim.now);
  }

  #assertAlive(): void {
    if (this.#failedMessage !== null) {
      throw new TwinError(
        TwinErrorCode.SimulationFailed,
        `Simulation ${this.#sim.id} has failed: ${this.#failedMessage}`,
      );
    }
  }

  /** Tells the host a long synchronous piece of work (re-execution) is coming, so the watchdog waits longer. */
  #grace(ms: number): void {
    this.#post({ type: 'heartbeat', info: this.info(), graceMs: ms });
  }
}
