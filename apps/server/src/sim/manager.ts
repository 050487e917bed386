import {
  canonicalJson,
  PackRegistry,
  TwinErrorCode,
  type InterventionLogEntry,
  type InterventionRequest,
  type ResolvedScenario,
} from '@doppel/twin';
import type { Account, Catalog, NewSimulation, SimulationRow, SimulationUpdate } from '@doppel/catalog';
import type { ServerConfig } from '../config.js';
import { RemoteError, ServerError, ServerErrorCode, notFound, type ErrorPayload } from '../errors.js';
import { locatedStorageFailure, storageError } from '../storage-errors.js';
import { withinDeadline } from './deadline.js';
import type { ExampleCatalog } from './examples.js';
import { SimulationHost } from './host.js';
import { newSimulationRow } from './new-rows.js';
import { type SimInfo, type SimulationApi, type WorkerInit, type WorkerMessage } from './protocol.js';
import type { FmuResume } from '@doppel/pack-process';
import { remote, type Remote } from './remote.js';
import { ledgerLocation, type StoredLedgers } from './ledger-stores.js';
import { SimulationFiles } from './sim-files.js';
import { workerInitOf } from './worker-init.js';
import { withUserModule } from './user-module-files.js';
import { resolveScenarioInput, type CreateInput } from './scenario-input.js';
import { accountFmus, assertScenarioFmus } from '../fmus/fmu-components.js';
import { catalogFactsOf, failedInfoOf, type CatalogFacts } from './sim-facts.js';

/** Operations that change or run a simulation: a failed one refuses them. */
const RUN_OPS: ReadonlySet<string> = new Set<keyof SimulationApi>([
  'play',
  'runUntil',
  'step',
  'setSpeed',
  'intervene',
  'cancelIntervention',
]);

/** Operations that move a simulation's clock, as a refusal names them: while a driver holds the clock, it alone may. */
const CLOCK_OPS: Readonly<Partial<Record<keyof SimulationApi, string>>> = {
  play: 'running it',
  ack: 'continuing it after a debug pause',
  runUntil: 'running it to a time',
  step: 'stepping it',
  setSpeed: 'changing its speed',
  rewind: 'rewinding it',
};

/** What a call that would move a held clock answers: 409, naming the driver and how to take the clock back. */
function clockHeldError(simId: string, what: string, holder: ClockHolder): ServerError {
  return new ServerError(
    ServerErrorCode.HilState,
    `Simulation ${simId} is driven by ${holder.name}, whose cycle alone moves its clock: ${what} is refused; ${holder.release}`,
    {
      issues: [
        { path: 'simId', message: `driven by ${holder.name}`, expected: 'a simulation no loop drives', found: simId },
      ],
    },
  );
}

/** Who drives a simulation's clock, and how a user takes it back. */
export interface ClockHolder {
  /** "the hardware-in-the-loop cycle of model mdl_…" */
  readonly name: string;
  /** "stop it with POST …" */
  readonly release: string;
  /** Pausing the simulation pauses its driver too (a paused loop holds its outputs). */
  pause(): void;
}

function failedError(simId: string, error: string | null): RemoteError {
  return new RemoteError({
    code: TwinErrorCode.SimulationFailed,
    message: `Simulation ${simId} has failed: ${error ?? 'unknown error'}`,
  });
}

export type SimListener = (simId: string, message: WorkerMessage) => void;

/**
 * Every simulation of the server: creation (scenario checks happen here, before any worker starts), lazy loading
 * of a worker per simulation, account limits, branches, and the fan-out of worker messages to listeners (WebSocket
 * hub, webhooks, metrics).
 */
export class SimulationManager {
  private readonly hosts = new Map<string, SimulationHost>();
  private readonly loading = new Map<string, Promise<SimulationHost>>();
  /** Branches being created: their FMU components' traces, for the first start of their worker only. */
  private readonly fmuResumes = new Map<string, Record<string, FmuResume>>();
  private readonly lastUse = new Map<string, number>();
  private readonly listeners = new Set<SimListener>();
  private readonly deleteListeners = new Set<(simId: string) => void>();
  private readonly unopenable = new Map<string, Error>();
  /** Facts of loaded simulations the fan-out needs synchronously: the owner, and the head last written. */
  private readonly owners = new Map<string, string>();
  private readonly heads = new Map<string, number>();
  private readonly clockHolders = new Map<string, ClockHolder>();
  private closing = false;
  private readonly files: SimulationFiles;

  constructor(
    private readonly catalog: Catalog,
    readonly packs: PackRegistry,
    private readonly examples: ExampleCatalog,
    private readonly config: ServerConfig,
    /** The stored ledgers as the server sees them: their heads after a restart, removed with their simulation. */
    readonly ledgers: StoredLedgers,
  ) {
    this.files = new SimulationFiles(config.dataDir);
  }

  listen(listener: SimListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called before a deleted simulation's files are removed (holders of those files close them). */
  onDelete(listener: (simId: string) => void): void {
    this.deleteListeners.add(listener);
  }

  /** True while a simulation's worker re-executes its history (load, reload, restart): messages replay the past. */
  isRestoring(simId: string): boolean {
    return this.hosts.get(simId)?.starting === true;
  }

  async create(account: Account, input: CreateInput): Promise<SimulationRow> {
    this.checkOpen();
    if ((await this.catalog.countSimulations(account.id)) >= this.config.limits.maxSimulationsPerAccount) {
      throw new ServerError(
        ServerErrorCode.LimitExceeded,
        `Account ${account.name} already has ${this.config.limits.maxSimulationsPerAccount} simulations (the limit): delete one first`,
      );
    }
    const scenario = withUserModule(resolveScenarioInput(input, this.packs, this.examples), this.config.moduleDirs);
    await assertScenarioFmus(scenario, accountFmus(this.catalog, account.id));
    const row = newSimulationRow(account.id, scenario, {
      name: input.name ?? scenario.name,
      example: input.example ?? null,
      scenario_json: canonicalJson(scenario),
      seed: input.seed ?? scenario.seed,
      status: 'ready',
      sim_time: 0,
    });
    return this.startCreated(row, async (id) => {
      await this.host(id);
    });
  }

  /** The live worker of a simulation, started (and brought back to its last sim time) on first use. */
  async host(simId: string): Promise<SimulationHost> {
    const live = this.hosts.get(simId);
    this.lastUse.set(simId, Date.now());
    if (live !== undefined && live.alive) return live;
    const pending = this.loading.get(simId);
    if (pending !== undefined) return pending;
    const row = await this.catalog.simulation(simId);
    if (row === null) throw notFound(`Simulation ${simId}`);
    // A failed simulation still opens (at the head it failed at): its ledger, past states and branches are there.
    // One whose re-execution fails again is not retried until the server restarts.
    const unopenable = this.unopenable.get(simId);
    if (row.status === 'failed' && unopenable !== undefined) throw unopenable;
    // Another caller may have started the worker while the row was read.
    const started = this.hosts.get(simId);
    if (started !== undefined && started.alive) return started;
    let loading = this.loading.get(simId);
    if (loading === undefined) {
      loading = this.load(row).finally(() => this.loading.delete(simId));
      this.loading.set(simId, loading);
    }
    return loading;
  }

  /**
   * The operations of a simulation, as if it ran here: each call loads its worker on first use and answers what
   * the worker answered (`manager.simulation(id).play({ factor: 1 })`).
   */
  simulation(simId: string): Remote<SimulationApi> {
    return this.operations(simId, false);
  }

  /**
   * Gives one driver (a hardware-in-the-loop cycle) the clock of a simulation: from then on every other call that
   * would move it (run, ack, run-until, step, speed, rewind, from any route) is refused with 409 naming the driver,
   * which moves it through the operations returned; pausing the simulation pauses the driver. `release` gives the clock
   * back (deleting the simulation does too).
   */
  holdClock(simId: string, holder: ClockHolder): { simulation: Remote<SimulationApi>; release: () => void } {
    const current = this.clockHolders.get(simId);
    if (current !== undefined) throw clockHeldError(simId, 'holding it again', current);
    this.clockHolders.set(simId, holder);
    return {
      simulation: this.operations(simId, true),
      release: () => {
        if (this.clockHolders.get(simId) === holder) this.clockHolders.delete(simId);
      },
    };
  }

  /** Who drives a simulation's clock, if a driver holds it. */
  clockHolder(simId: string): ClockHolder | undefined {
    return this.clockHolders.get(simId);
  }

  private operations(simId: string, holdsClock: boolean): Remote<SimulationApi> {
    return remote<SimulationApi>(async (method, args) => {
      this.checkOpen();
      const holder = holdsClock ? undefined : this.clockHolders.get(simId);
      const moves = CLOCK_OPS[method];
      if (holder !== undefined && moves !== undefined) throw clockHeldError(simId, moves, holder);
      if (holder !== undefined && method === 'pause') holder.pause();
      if (RUN_OPS.has(method) && !this.isLoaded(simId)) {
        // Refused without re-executing the failed run (which may fail the same way again).
        const row = await this.catalog.simulation(simId);
        if (row?.status === 'failed') throw failedError(simId, row.error);
      }
      // A call waits for a busy worker (or one re-executing its history) at most the request timeout.
      const timeoutMs = this.config.limits.requestTimeoutMs;
      return withinDeadline(
        this.host(simId).then((host) => host.call(method, args as never)),
        simId,
        timeoutMs,
      ).catch((error: unknown) => {
        throw locatedStorageFailure(error, this.ledgerLocation(simId));
      });
    });
  }

  /** Live facts of a loaded simulation, or null when its worker is not running. */
  liveInfo(simId: string): SimInfo | null {
    const host = this.hosts.get(simId);
    return host !== undefined && host.alive ? host.info : null;
  }

  /** Simulations with a running worker. */
  liveCount(): number {
    let count = 0;
    for (const host of this.hosts.values()) if (host.alive) count++;
    return count;
  }

  /** The ids of the simulations with a running worker. */
  liveIds(): string[] {
    return [...this.hosts].filter(([, host]) => host.alive).map(([simId]) => simId);
  }

  isLoaded(simId: string): boolean {
    return this.hosts.get(simId)?.alive ?? false;
  }

  /** A new simulation with the parent's history up to t, then `requests` applied at t, in its own worker. */
  async branch(
    account: Account,
    parentId: string,
    t: number,
    requests: readonly InterventionRequest[],
    name?: string,
  ): Promise<SimulationRow> {
    this.checkOpen();
    const parent = await this.catalog.simulation(parentId);
    if (parent === null) throw notFound(`Simulation ${parentId}`);
    await this.checkRoom(account);
    const parentSim = this.simulation(parentId);
    const info = await parentSim.info();
    if (!(t >= 0 && t <= info.now)) {
      throw new ServerError(ServerErrorCode.Validation, `Branch time ${t} s is outside [0, ${info.now}] s`, {
        issues: [{ path: 'body.t', message: `must be between 0 and ${info.now}`, found: String(t) }],
      });
    }
    const log = await parentSim.interventionLog(t);
    // FMU components continue from the parent's trace and state where their FMU can save it (exact either way).
    const fmus = await parentSim.fmuBranchState();
    const row = newSimulationRow(
      account.id,
      { pack: parent.pack, durationS: parent.duration_s, start: parent.start_iso, timezone: parent.timezone },
      {
        name: name ?? `${parent.name} (branch at ${t} s)`,
        example: parent.example,
        scenario_json: parent.scenario_json,
        seed: parent.seed,
        parent_id: parentId,
        fork_time: t,
        status: 'paused',
        sim_time: t,
      },
    );
    if (Object.keys(fmus.resumes).length > 0) this.fmuResumes.set(row.id, fmus.resumes);
    for (const id of fmus.untraced)
      this.receive(row.id, {
        type: 'note',
        message: `FMU component ${id} cannot save its state (canGetAndSetFMUstate, canSerializeFMUstate): the branch re-executes it from the start`,
      });
    try {
      return await this.startDerived(row, log, async (host) => {
        for (const request of requests) await host.api.intervene({ ...request, at: request.at ?? t });
      });
    } finally {
      this.fmuResumes.delete(row.id);
    }
  }

  /**
   * A simulation re-created from the inputs that define a run (a scenario test's replication): its resolved scenario,
   * seed and intervention log, re-executed up to sim time `t`, where it stands paused. The same inputs give the same
   * ledger, so it shows exactly what the run saw at that instant.
   */
  async recreate(
    account: Account,
    input: {
      readonly name: string;
      readonly scenarioJson: string;
      readonly seed: number;
      readonly log: readonly InterventionLogEntry[];
      readonly t: number;
    },
  ): Promise<SimulationRow> {
    this.checkOpen();
    await this.checkRoom(account);
    const scenario = JSON.parse(input.scenarioJson) as ResolvedScenario;
    const row = newSimulationRow(account.id, scenario, {
      name: input.name,
      example: null,
      scenario_json: input.scenarioJson,
      seed: input.seed,
      status: 'paused',
      sim_time: Math.min(Math.max(0, input.t), scenario.durationS),
    });
    return this.startDerived(row, input.log);
  }

  /**
   * Inserts a simulation derived from logged inputs (a branch, a replication) and brings its worker up. One that
   * fails on the way (a refused request, a disk that refuses its log) is removed again, never left half-made.
   */
  private startDerived(
    row: NewSimulation,
    log: readonly InterventionLogEntry[],
    then: (host: SimulationHost) => Promise<void> = async () => undefined,
  ): Promise<SimulationRow> {
    return this.startCreated(row, async (id) => {
      await this.catalog.updateSimulation(id, { intervention_log: JSON.stringify(log) });
      await then(await this.host(id));
      await this.persist(id);
    });
  }

  /**
   * Inserts a new simulation and runs `start` on it; acknowledged only when both are durable. One that fails on the
   * way is undone whole (row, worker, files), or, where the disk refuses even that, marked for the next start to
   * finish undoing (see SimulationFiles.beginCreation).
   */
  private async startCreated(row: NewSimulation, start: (id: string) => Promise<void>): Promise<SimulationRow> {
    const id = row.id;
    try {
      this.files.beginCreation(id);
    } catch (error) {
      throw storageError(error, this.ledgerPath(id), 'create the files of');
    }
    try {
      await this.catalog.insertSimulation(row);
      await start(id);
      this.files.endCreation(id);
    } catch (error) {
      await this.undoCreation(id);
      throw locatedStorageFailure(error, this.ledgerLocation(id));
    }
    return (await this.catalog.simulation(id)) as SimulationRow;
  }

  private async undoCreation(simId: string): Promise<void> {
    const host = this.hosts.get(simId);
    this.hosts.delete(simId);
    if (host !== undefined) await host.stop(2_000);
    this.owners.delete(simId);
    this.heads.delete(simId);
    for (const listener of this.deleteListeners) listener(simId);
    this.files.remove(simId);
    try {
      await this.ledgers.remove(simId);
      await this.catalog.deleteSimulation(simId);
    } catch {
      // The disk refuses the removal too: the creation marker stays, and the next start removes the row.
      return;
    }
    this.files.endCreation(simId);
  }

  /** Finishes undoing the creations a previous run could not undo (a row the disk would not let it remove). */
  async discardUnfinishedCreations(): Promise<void> {
    for (const simId of this.files.unfinishedCreations()) {
      await this.catalog.deleteSimulation(simId);
      this.files.remove(simId);
      await this.ledgers.remove(simId);
      this.files.endCreation(simId);
    }
  }

  private async checkRoom(account: Account): Promise<void> {
    if ((await this.catalog.countSimulations(account.id)) >= this.config.limits.maxSimulationsPerAccount) {
      throw new ServerError(ServerErrorCode.LimitExceeded, `Account ${account.name} is at its simulation limit`);
    }
  }

  async delete(simId: string): Promise<void> {
    const host = this.hosts.get(simId);
    this.hosts.delete(simId);
    if (host !== undefined) await host.stop(2_000);
    this.owners.delete(simId);
    this.heads.delete(simId);
    this.clockHolders.delete(simId);
    await this.catalog.deleteSimulation(simId);
    for (const listener of this.deleteListeners) listener(simId);
    this.files.remove(simId);
    await this.ledgers.remove(simId);
  }

  /** Writes a loaded simulation's status, head and intervention log to the catalog. */
  async persist(simId: string): Promise<void> {
    const host = this.hosts.get(simId);
    if (host === undefined || !host.alive) return;
    const log = await host.api.interventionLog();
    const info = host.info;
    await this.catalog.updateSimulation(simId, {
      intervention_log: JSON.stringify(log),
      ...(info !== null ? this.infoFields(info) : {}),
    });
  }

  /**
   * Stops a simulation's worker after writing its state to the catalog: the run ends paused at its head, its
   * ledger stays readable, and the next operation on it loads it again.
   */
  async release(simId: string): Promise<void> {
    const host = this.hosts.get(simId);
    if (host === undefined || !host.alive) return;
    await this.persist(simId);
    this.hosts.delete(simId);
    const last = await host.stop();
    if (last !== null) {
      await this.catalog.updateSimulation(simId, {
        ...this.infoFields(last),
        status: last.status === 'running' ? 'paused' : last.status,
      });
    }
  }

  /** Graceful stop: every worker pauses, flushes its ledger and closes its store; the catalog gets the final state. */
  async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.hosts.entries()].map(async ([simId, host]) => {
        if (!host.alive) return;
        const log = await host.api.interventionLog().catch(() => null);
        const last = await host.stop();
        if (last !== null) {
          const status = last.status === 'running' ? 'paused' : last.status;
          await this.catalog.updateSimulation(simId, { ...this.infoFields(last), status });
        }
        if (log !== null) await this.catalog.updateSimulation(simId, { intervention_log: JSON.stringify(log) });
      }),
    );
    this.hosts.clear();
  }

  ledgerPath(simId: string): string {
    return this.files.ledgerPath(simId);
  }

  /** Where a simulation's ledger is (its file, or the PostgreSQL store), as storage errors name it. */
  ledgerLocation(simId: string): string {
    return ledgerLocation({ storeUrl: this.config.storeUrl, ledgerPath: this.ledgerPath(simId), simId });
  }

  webhookOutboxPath(simId: string): string {
    return this.files.webhookOutboxPath(simId);
  }

  simulationsWithOutbox(): string[] {
    return this.files.withOutbox();
  }

  private checkOpen(): void {
    if (this.closing) throw new ServerError(ServerErrorCode.ShuttingDown, 'The server is shutting down');
  }

  private withFmuResumes(simId: string, init: WorkerInit): WorkerInit {
    const fmuResumes = this.fmuResumes.get(simId);
    return fmuResumes === undefined ? init : { ...init, fmuResumes };
  }

  private async load(row: SimulationRow): Promise<SimulationHost> {
    await this.makeRoom(row.account_id);
    const limits = this.config.limits;
    const host = new SimulationHost({
      init: this.withFmuResumes(row.id, workerInitOf(row, this.ledgerPath(row.id), this.config)),
      memoryMb: limits.workerMemoryMb,
      heartbeatTimeoutMs: limits.workerHeartbeatTimeoutMs,
      requestTimeoutMs: limits.requestTimeoutMs,
      onMessage: (message) => this.receive(row.id, message),
      onFailure: (error, info) => this.fail(row.id, error, info),
    });
    this.hosts.set(row.id, host);
    this.owners.set(row.id, row.account_id);
    this.heads.set(row.id, row.head_seq);
    try {
      const info = await host.ready;
      this.record(row.id, this.infoFields(info));
    } catch (error) {
      this.hosts.delete(row.id);
      // A failed simulation whose re-execution fails again stays closed; one the disk refused is tried again.
      const storage = error instanceof RemoteError && error.code.startsWith('DOPPEL_ERR_STORAGE_');
      if (row.status === 'failed' && !storage) this.unopenable.set(row.id, failedError(row.id, row.error));
      throw error;
    }
    return host;
  }

  /** The owning account of a loaded simulation (null when it is not loaded). */
  accountOf(simId: string): string | null {
    return this.owners.get(simId) ?? null;
  }

  /** The ledger head the catalog last got for a loaded simulation (0 when it is not loaded). */
  storedHead(simId: string): number {
    return this.heads.get(simId) ?? 0;
  }

  /** Keeps an account within its live-worker limit by unloading its least recently used idle simulation. */
  private async makeRoom(accountId: string): Promise<void> {
    const mine = [...this.hosts.values()].filter((host) => host.alive && this.owners.get(host.simId) === accountId);
    if (mine.length < this.config.limits.maxLiveSimulationsPerAccount) return;
    const idle = mine
      .filter((host) => host.info?.playing !== true)
      .sort((a, b) => (this.lastUse.get(a.simId) ?? 0) - (this.lastUse.get(b.simId) ?? 0));
    const victim = idle[0];
    if (victim === undefined) {
      throw new ServerError(
        ServerErrorCode.LimitExceeded,
        `${this.config.limits.maxLiveSimulationsPerAccount} simulations of this account are running (the limit): pause one first`,
      );
    }
    await this.release(victim.simId);
  }

  private receive(simId: string, message: WorkerMessage): void {
    // A re-execution's status changes are the past replayed: the catalog gets the restored head once it is ready.
    if (message.type === 'status' && !this.isRestoring(simId)) this.record(simId, this.infoFields(message.info));
    for (const listener of this.listeners) listener(simId, message);
  }

  private fail(simId: string, reported: ErrorPayload, info: SimInfo | null): void {
    this.hosts.delete(simId);
    // A ledger the disk refused is named with its path.
    const message = (locatedStorageFailure(new RemoteError(reported), this.ledgerLocation(simId)) as Error).message;
    void this.catalog.simulation(simId).then(
      (row) => {
        if (row !== null) this.announceFailure(simId, message, info);
      },
      (failure: unknown) => this.onStorageFailure(storageError(failure, this.catalog.path, 'read the catalog')),
    );
  }

  private announceFailure(simId: string, message: string, info: SimInfo | null): void {
    this.record(simId, {
      status: 'failed',
      error: message,
      ...(info !== null ? { sim_time: info.now, head_seq: info.headSeq, head_hash: info.headHash } : {}),
    });
    const failedInfo = failedInfoOf(info, message);
    for (const listener of this.listeners) {
      listener(simId, { type: 'status', info: failedInfo, previous: info?.status ?? 'running' });
    }
  }

  /**
   * Writes live facts of a simulation to the catalog from a worker's message, without waiting (writes land in
   * order). A catalog that cannot be written (a full or read-only disk, a database out of reach) must not end the
   * server: the facts stay live in the worker and in every reply, the failure is logged, and the next write tries
   * again.
   */
  private record(simId: string, fields: SimulationUpdate): void {
    if (fields.head_seq !== undefined && this.owners.has(simId)) this.heads.set(simId, fields.head_seq);
    this.catalog
      .updateSimulation(simId, fields)
      .catch((error: unknown) => this.onStorageFailure(storageError(error, this.catalog.path, 'update the catalog')));
  }

  /** Told of storage failures nobody is waiting for (set by the app: they are logged). */
  onStorageFailure: (error: ServerError) => void = () => undefined;

  private infoFields(info: SimInfo): CatalogFacts {
    return catalogFactsOf(info);
  }
}
