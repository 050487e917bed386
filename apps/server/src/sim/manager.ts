import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  canonicalJson,
  PackRegistry,
  TwinErrorCode,
  type InterventionLogEntry,
  type InterventionRequest,
  type ResolvedScenario,
} from '@doppel/twin';
import type { Account } from '../catalog/catalog.js';
import type { Catalog } from '../catalog/catalog.js';
import type { SimulationRow } from '../catalog/rows.js';
import { newId } from '../catalog/keys.js';
import type { ServerConfig } from '../config.js';
import { RemoteError, ServerError, ServerErrorCode, notFound, type ErrorPayload } from '../errors.js';
import { isStorageFailure, locatedStorageFailure, storageError } from '../storage-errors.js';
import { withinDeadline } from './deadline.js';
import type { ExampleCatalog } from './examples.js';
import { SimulationHost } from './host.js';
import { interventionJournalPath, type SimInfo, type SimulationApi, type WorkerMessage } from './protocol.js';
import { remote, type Remote } from './remote.js';
import { resolveScenarioInput, type CreateInput } from './scenario-input.js';
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
  private readonly lastUse = new Map<string, number>();
  private readonly listeners = new Set<SimListener>();
  private readonly deleteListeners = new Set<(simId: string) => void>();
  private readonly unopenable = new Map<string, Error>();
  private closing = false;

  constructor(
    private readonly catalog: Catalog,
    readonly packs: PackRegistry,
    private readonly examples: ExampleCatalog,
    private readonly config: ServerConfig,
  ) {
    mkdirSync(join(config.dataDir, 'sims'), { recursive: true });
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
    if (this.catalog.countSimulations(account.id) >= this.config.limits.maxSimulationsPerAccount) {
      throw new ServerError(
        ServerErrorCode.LimitExceeded,
        `Account ${account.name} already has ${this.config.limits.maxSimulationsPerAccount} simulations (the limit): delete one first`,
      );
    }
    const scenario = resolveScenarioInput(input, this.packs, this.examples);
    const id = newId('sim');
    this.catalog.insertSimulation({
      id,
      account_id: account.id,
      name: input.name ?? scenario.name,
      pack: scenario.pack,
      example: input.example ?? null,
      scenario_json: canonicalJson(scenario),
      seed: input.seed ?? scenario.seed,
      parent_id: null,
      fork_time: null,
      status: 'ready',
      sim_time: 0,
      duration_s: scenario.durationS,
      start_iso: scenario.start,
      timezone: scenario.timezone,
      created_at: new Date().toISOString(),
    });
    try {
      await this.host(id);
    } catch (error) {
      this.catalog.deleteSimulation(id);
      throw locatedStorageFailure(error, this.ledgerPath(id));
    }
    return this.catalog.simulation(id) as SimulationRow;
  }

  /** The live worker of a simulation, started (and brought back to its last sim time) on first use. */
  async host(simId: string): Promise<SimulationHost> {
    const live = this.hosts.get(simId);
    this.lastUse.set(simId, Date.now());
    if (live !== undefined && live.alive) return live;
    const row = this.catalog.simulation(simId);
    if (row === null) throw notFound(`Simulation ${simId}`);
    // A failed simulation still opens (at the head it failed at): its ledger, past states and branches are there.
    // One whose re-execution fails again is not retried until the server restarts.
    const unopenable = this.unopenable.get(simId);
    if (row.status === 'failed' && unopenable !== undefined) throw unopenable;
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
    return remote<SimulationApi>(async (method, args) => {
      this.checkOpen();
      if (RUN_OPS.has(method) && !this.isLoaded(simId)) {
        // Refused without re-executing the failed run (which may fail the same way again).
        const row = this.catalog.simulation(simId);
        if (row?.status === 'failed') throw failedError(simId, row.error);
      }
      // A call waits for a busy worker (or one re-executing its history) at most the request timeout.
      const timeoutMs = this.config.limits.requestTimeoutMs;
      return withinDeadline(
        this.host(simId).then((host) => host.call(method, args as never)),
        simId,
        timeoutMs,
      ).catch((error: unknown) => {
        throw locatedStorageFailure(error, this.ledgerPath(simId));
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
    const parent = this.catalog.simulation(parentId);
    if (parent === null) throw notFound(`Simulation ${parentId}`);
    if (this.catalog.countSimulations(account.id) >= this.config.limits.maxSimulationsPerAccount) {
      throw new ServerError(ServerErrorCode.LimitExceeded, `Account ${account.name} is at its simulation limit`);
    }
    const parentSim = this.simulation(parentId);
    const info = await parentSim.info();
    if (!(t >= 0 && t <= info.now)) {
      throw new ServerError(ServerErrorCode.Validation, `Branch time ${t} s is outside [0, ${info.now}] s`, {
        issues: [{ path: 'body.t', message: `must be between 0 and ${info.now}`, found: String(t) }],
      });
    }
    const log = await parentSim.interventionLog(t);
    const id = newId('sim');
    this.catalog.insertSimulation({
      id,
      account_id: account.id,
      name: name ?? `${parent.name} (branch at ${t} s)`,
      pack: parent.pack,
      example: parent.example,
      scenario_json: parent.scenario_json,
      seed: parent.seed,
      parent_id: parentId,
      fork_time: t,
      status: 'paused',
      sim_time: t,
      duration_s: parent.duration_s,
      start_iso: parent.start_iso,
      timezone: parent.timezone,
      created_at: new Date().toISOString(),
    });
    try {
      // Inside the try: a branch whose log could not be stored is removed again, never left half-made.
      this.catalog.updateSimulation(id, { intervention_log: JSON.stringify(log) });
      const host = await this.host(id);
      for (const request of requests) await host.api.intervene({ ...request, at: request.at ?? t });
    } catch (error) {
      await this.delete(id);
      throw locatedStorageFailure(error, this.ledgerPath(id));
    }
    await this.persist(id);
    return this.catalog.simulation(id) as SimulationRow;
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
    if (this.catalog.countSimulations(account.id) >= this.config.limits.maxSimulationsPerAccount) {
      throw new ServerError(ServerErrorCode.LimitExceeded, `Account ${account.name} is at its simulation limit`);
    }
    const scenario = JSON.parse(input.scenarioJson) as ResolvedScenario;
    const id = newId('sim');
    this.catalog.insertSimulation({
      id,
      account_id: account.id,
      name: input.name,
      pack: scenario.pack,
      example: null,
      scenario_json: input.scenarioJson,
      seed: input.seed,
      parent_id: null,
      fork_time: null,
      status: 'paused',
      sim_time: Math.min(Math.max(0, input.t), scenario.durationS),
      duration_s: scenario.durationS,
      start_iso: scenario.start,
      timezone: scenario.timezone,
      created_at: new Date().toISOString(),
    });
    this.catalog.updateSimulation(id, { intervention_log: JSON.stringify(input.log) });
    try {
      await this.host(id);
    } catch (error) {
      await this.delete(id);
      throw error;
    }
    await this.persist(id);
    return this.catalog.simulation(id) as SimulationRow;
  }

  async delete(simId: string): Promise<void> {
    const host = this.hosts.get(simId);
    this.hosts.delete(simId);
    if (host !== undefined) await host.stop(2_000);
    this.catalog.deleteSimulation(simId);
    for (const listener of this.deleteListeners) listener(simId);
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(this.ledgerPath(simId) + suffix, { force: true });
      rmSync(this.webhookOutboxPath(simId) + suffix, { force: true });
    }
    rmSync(interventionJournalPath(this.ledgerPath(simId)), { force: true });
  }

  /** Writes a loaded simulation's status, head and intervention log to the catalog. */
  async persist(simId: string): Promise<void> {
    const host = this.hosts.get(simId);
    if (host === undefined || !host.alive) return;
    const log = await host.api.interventionLog();
    const info = host.info;
    this.catalog.updateSimulation(simId, {
      intervention_log: JSON.stringify(log),
      ...(info !== null ? this.infoFields(info) : {}),
    });
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
          this.catalog.updateSimulation(simId, { ...this.infoFields(last), status });
        }
        if (log !== null) this.catalog.updateSimulation(simId, { intervention_log: JSON.stringify(log) });
      }),
    );
    this.hosts.clear();
  }

  ledgerPath(simId: string): string {
    return join(this.config.dataDir, 'sims', `${simId}.sqlite`);
  }

  /** The simulation's webhook outbox: not derived from its inputs like the ledger, so a file of its own. */
  webhookOutboxPath(simId: string): string {
    return join(this.config.dataDir, 'sims', `${simId}.webhooks.sqlite`);
  }

  /** Ids of simulations with a webhook outbox on disk. */
  simulationsWithOutbox(): string[] {
    return readdirSync(join(this.config.dataDir, 'sims'))
      .map((name) => /^(.+)\.webhooks\.sqlite$/.exec(name)?.[1])
      .filter((id): id is string => id !== undefined);
  }

  private checkOpen(): void {
    if (this.closing) throw new ServerError(ServerErrorCode.ShuttingDown, 'The server is shutting down');
  }

  private async load(row: SimulationRow): Promise<SimulationHost> {
    await this.makeRoom(row.account_id);
    const limits = this.config.limits;
    const log = JSON.parse(row.intervention_log) as [];
    const host = new SimulationHost({
      init: {
        simId: row.id,
        name: row.name,
        scenarioJson: row.scenario_json,
        seed: row.seed,
        ledgerPath: this.ledgerPath(row.id),
        log: row.parent_id !== null || log.length > 0 ? log : undefined,
        runTo: row.sim_time,
        speed: row.speed,
        failed: row.status === 'failed' ? (row.error ?? 'the simulation failed') : undefined,
        createdAt: row.created_at,
        packModules: this.config.packModules,
        sliceEvents: limits.sliceEvents,
        maxEventsPerRun: limits.maxEventsPerRun,
        heartbeatMs: Math.max(20, Math.min(1_000, Math.floor(limits.workerHeartbeatTimeoutMs / 5))),
      },
      memoryMb: limits.workerMemoryMb,
      heartbeatTimeoutMs: limits.workerHeartbeatTimeoutMs,
      requestTimeoutMs: limits.requestTimeoutMs,
      onMessage: (message) => this.receive(row.id, message),
      onFailure: (error, info) => this.fail(row.id, error, info),
    });
    this.hosts.set(row.id, host);
    try {
      const info = await host.ready;
      this.record(row.id, this.infoFields(info));
    } catch (error) {
      this.hosts.delete(row.id);
      if (row.status === 'failed') this.unopenable.set(row.id, failedError(row.id, row.error));
      throw error;
    }
    return host;
  }

  /** Keeps an account within its live-worker limit by unloading its least recently used idle simulation. */
  private async makeRoom(accountId: string): Promise<void> {
    const mine = [...this.hosts.values()].filter(
      (host) => host.alive && this.catalog.simulation(host.simId)?.account_id === accountId,
    );
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
    await this.persist(victim.simId);
    this.hosts.delete(victim.simId);
    await victim.stop();
  }

  private receive(simId: string, message: WorkerMessage): void {
    if (message.type === 'status') this.record(simId, this.infoFields(message.info));
    for (const listener of this.listeners) listener(simId, message);
  }

  private fail(simId: string, error: ErrorPayload, info: SimInfo | null): void {
    this.hosts.delete(simId);
    if (this.catalog.simulation(simId) === null) return;
    this.record(simId, {
      status: 'failed',
      error: error.message,
      ...(info !== null ? { sim_time: info.now, head_seq: info.headSeq, head_hash: info.headHash } : {}),
    });
    const failedInfo = failedInfoOf(info, error.message);
    for (const listener of this.listeners) {
      listener(simId, { type: 'status', info: failedInfo, previous: info?.status ?? 'running' });
    }
  }

  /**
   * Writes live facts of a simulation to the catalog from a worker's message. A catalog that cannot be written
   * (a full or read-only disk) must not end the server: the facts stay live in the worker and in every reply, the
   * failure is logged, and the next write tries again.
   */
  private record(simId: string, fields: Parameters<Catalog['updateSimulation']>[1]): void {
    try {
      this.catalog.updateSimulation(simId, fields);
    } catch (error) {
      if (!isStorageFailure(error)) throw error;
      this.onStorageFailure(storageError(error, this.catalog.path, 'update the catalog'));
    }
  }

  /** Told of storage failures nobody is waiting for (set by the app: they are logged). */
  onStorageFailure: (error: ServerError) => void = () => undefined;

  private infoFields(info: SimInfo): CatalogFacts {
    return catalogFactsOf(info);
  }
}
