import type {
  Breakpoint,
  BreakpointHit,
  DebugState,
  InterventionLogEntry,
  InterventionRecord,
  InterventionRequest,
  LedgerQuery,
  RunSummary,
  SimulationStatus,
  StopInfo,
  TelemetryRow,
} from '@doppel/twin';
import type { FmuResume } from '@doppel/pack-process';
import type { AssetView } from '@doppel/twin/contracts';
import type { ErrorPayload } from '../errors.js';
import type { UserModuleDirs } from '../user-modules.js';

export type { AssetView } from '@doppel/twin/contracts';

/** What a simulation worker is started with (workerData). */
export interface WorkerInit {
  readonly simId: string;
  readonly name: string;
  /** Canonical JSON of the resolved scenario (checked against its hash in the worker). */
  readonly scenarioJson: string;
  readonly seed: number;
  /** The simulation's SQLite ledger file; its intervention journal sits beside it whatever the store. */
  readonly ledgerPath: string;
  /** The server's PostgreSQL ledger store (`--store`), or null for the SQLite file. */
  readonly storeUrl: string | null;
  /** Intervention log to replay (reload after a restart, branches). */
  readonly log?: readonly InterventionLogEntry[];
  /** Re-execute up to this sim time before answering (reload, branch). */
  readonly runTo?: number;
  /** Pacing factor of the next resume (the simulation's speed before it was unloaded); null = as fast as possible. */
  readonly speed?: number | null;
  /** The simulation failed earlier: it opens for reading, rewinding and branching, but does not run on. */
  readonly failed?: string;
  readonly parent?: { readonly simId: string; readonly forkSeq: number };
  readonly createdAt: string;
  readonly packModules: readonly string[];
  /** The server's directory of each kind of user-supplied module (null: none allowed). */
  readonly moduleDirs: UserModuleDirs;
  /** The user-supplied module the scenario runs ("Enactor module x.mjs"), named in the verdict on a stalled worker. */
  readonly userModule?: string;
  readonly sliceEvents: number;
  readonly maxEventsPerRun: number;
  readonly heartbeatMs: number;
  /** Where the server keeps uploaded FMUs (FMU components of process models run them from here). */
  readonly fmuDir: string;
  /** A branch's FMU components, by id: the parent's trace and FMU state to continue from instead of re-executing. */
  readonly fmuResumes?: Readonly<Record<string, FmuResume>>;
}

/** The FMU traces of a simulation now (for a branch), and its FMU components that have none. */
export interface FmuBranchState {
  readonly resumes: Record<string, FmuResume>;
  readonly untraced: readonly string[];
}

/** Live facts about a simulation, sent with every heartbeat and control reply. */
export interface SimInfo {
  readonly status: SimulationStatus;
  readonly now: number;
  readonly headSeq: number;
  readonly headHash: string;
  /** Pacing factor of the current or last paced run; null = as fast as possible. */
  readonly speed: number | null;
  readonly playing: boolean;
  readonly eventsProcessed: number;
  readonly breakpoint: BreakpointHit | null;
  /** Debug mode (null when off): chunk size and whether a pause waits for POST …/ack. */
  readonly debug: DebugState | null;
  readonly error: string | null;
}

/** How a paced run starts: pacing factor (null = as fast as possible), target time, debug mode chunk. */
export interface PlayOptions {
  readonly factor: number | null;
  readonly until?: number;
  /** Debug mode's chunk in sim seconds for this and later runs, null = off, absent = unchanged. */
  readonly debug?: number | null;
}

/**
 * The simulation's public interface, implemented in its worker thread (`SimulationService`) and called from the
 * server through a `Remote<SimulationApi>` (`sim/remote.ts`): adding an operation means adding a method here and
 * there. Arguments and results cross by structured clone; errors cross as their typed code.
 */
export interface SimulationApi {
  info(): SimInfo;
  play(options: PlayOptions): SimInfo;
  /** Acknowledges a debug pause; a run that debug mode paused goes on towards its target. */
  ack(): SimInfo;
  runUntil(t: number): Promise<StopInfo>;
  step(by: { readonly events: number } | { readonly dt: number }): Promise<StopInfo>;
  pause(): Promise<SimInfo>;
  setSpeed(factor: number | null): SimInfo;
  /**
   * Answers once the intervention is durable in the journal and applied. `kind`: the asset kind the request's path
   * names (an asset of another kind does not exist there).
   */
  intervene(request: InterventionRequest, kind?: string): Promise<InterventionRecord>;
  cancelIntervention(id: string): InterventionRecord;
  interventions(): InterventionRecord[];
  intervention(id: string): InterventionRecord;
  interventionLog(upTo?: number): InterventionLogEntry[];
  fmuBranchState(): FmuBranchState;
  addBreakpoint(expression: string): Breakpoint;
  removeBreakpoint(id: string): null;
  breakpoints(): Breakpoint[];
  asset(id: string): AssetView;
  assets(kind: string | undefined, detail: boolean): AssetView[];
  /**
   * The live head as the JSON text of `{simTime, assets}` (assets with status and KPIs), with the version it is
   * of; no text when the caller already holds that version (`have`).
   */
  liveState(kind?: string, have?: string): { version: string; json: string | null };
  /** Every asset (of a kind) as of sim time t: `{simTime, assets}` as UTF-8 JSON. */
  stateAt(t: number, kind?: string): Promise<Uint8Array>;
  kpis(): { simTime: number; values: Record<string, number> };
  telemetry(fromTime?: number): readonly TelemetryRow[];
  summary(): RunSummary;
  /**
   * The records a query selects, as the canonical texts the store keeps: they cross the thread boundary as one string
   * each, WebSocket catch-up splices them into frames as they are, and only a reader that needs objects decodes them.
   */
  ledger(query: Omit<LedgerQuery, 'simId'>): Promise<string[]>;
  rewind(t: number): Promise<SimInfo>;
  flush(): Promise<SimInfo>;
  shutdown(): Promise<SimInfo>;
}

/** Everything a worker posts to its host. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly info: SimInfo }
  | { readonly type: 'init-failed'; readonly error: ErrorPayload }
  /** `info` rides along with control replies only (hashing the ledger head is not free). */
  | {
      readonly type: 'reply';
      readonly id: number;
      readonly ok: true;
      readonly value: unknown;
      readonly info: SimInfo | null;
    }
  | {
      readonly type: 'reply';
      readonly id: number;
      readonly ok: false;
      readonly error: ErrorPayload;
      readonly info: SimInfo | null;
    }
  | { readonly type: 'heartbeat'; readonly info: SimInfo; readonly graceMs?: number }
  /**
   * A batch of ledger records as the canonical texts the ledger writer made (seqs firstSeq, firstSeq + 1, ...):
   * strings cross the thread boundary as one copy each, and fan-out splices them into frames and bodies as they are.
   */
  | { readonly type: 'ledger'; readonly firstSeq: number; readonly texts: readonly string[] }
  | { readonly type: 'telemetry'; readonly row: TelemetryRow; readonly seq: number }
  | { readonly type: 'status'; readonly info: SimInfo; readonly previous: SimulationStatus }
  | { readonly type: 'intervention'; readonly record: InterventionRecord }
  | { readonly type: 'rewind'; readonly t: number; readonly seq: number }
  /** Something the operator should know that is not part of the simulation's record (goes to the server's log). */
  | { readonly type: 'note'; readonly message: string }
  | { readonly type: 'failed'; readonly error: ErrorPayload; readonly info: SimInfo };

/** What a worker posts: one message, or several in order (those of one turn of its event loop). */
export type WorkerPost = WorkerMessage | readonly WorkerMessage[];

/** The append-only journal of a simulation's intervention log, next to its ledger file. */
export function interventionJournalPath(ledgerPath: string): string {
  return `${ledgerPath}.interventions.jsonl`;
}
