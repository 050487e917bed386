import type {
  Breakpoint,
  BreakpointHit,
  DebugState,
  InterventionLogEntry,
  InterventionRecord,
  InterventionRequest,
  LedgerEvent,
  LedgerQuery,
  RunSummary,
  SimulationStatus,
  StopInfo,
  TelemetryRow,
} from '@doppel/twin';
import type { AssetView } from '@doppel/twin/contracts';
import type { ErrorPayload } from '../errors.js';

export type { AssetView } from '@doppel/twin/contracts';

/** What a simulation worker is started with (workerData). */
export interface WorkerInit {
  readonly simId: string;
  readonly name: string;
  /** Canonical JSON of the resolved scenario (checked against its hash in the worker). */
  readonly scenarioJson: string;
  readonly seed: number;
  readonly ledgerPath: string;
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
  readonly sliceEvents: number;
  readonly maxEventsPerRun: number;
  readonly heartbeatMs: number;
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

/** Requests the host makes of a worker, with their answers. */
export interface WorkerOps {
  info: { args: Record<string, never>; result: SimInfo };
  /** `debug`: debug mode's chunk in sim seconds for this and later runs, null = off, absent = unchanged. */
  play: { args: { factor: number | null; until?: number; debug?: number | null }; result: SimInfo };
  /** Acknowledges a debug pause; a run that debug mode paused goes on towards its target. */
  ack: { args: Record<string, never>; result: SimInfo };
  runUntil: { args: { t: number }; result: StopInfo };
  step: { args: { events: number } | { dt: number }; result: StopInfo };
  pause: { args: Record<string, never>; result: SimInfo };
  setSpeed: { args: { factor: number | null }; result: SimInfo };
  intervene: { args: { request: InterventionRequest; kind?: string }; result: InterventionRecord };
  cancelIntervention: { args: { id: string }; result: InterventionRecord };
  interventions: { args: Record<string, never>; result: InterventionRecord[] };
  intervention: { args: { id: string }; result: InterventionRecord };
  interventionLog: { args: { upTo?: number }; result: InterventionLogEntry[] };
  addBreakpoint: { args: { expression: string }; result: Breakpoint };
  removeBreakpoint: { args: { id: string }; result: null };
  breakpoints: { args: Record<string, never>; result: Breakpoint[] };
  asset: { args: { id: string }; result: AssetView };
  assets: { args: { kind?: string; detail: boolean }; result: AssetView[] };
  /**
   * The live head as the JSON text of `{simTime, assets}` (assets with status and KPIs), with the version it is
   * of; no text when the caller already holds that version (`have`).
   */
  liveState: { args: { kind?: string; have?: string }; result: { version: string; json: string | null } };
  /** Every asset (of a kind) as of sim time t: `{simTime, assets}` as UTF-8 JSON. */
  stateAt: { args: { t: number; kind?: string }; result: Uint8Array };
  kpis: { args: Record<string, never>; result: { simTime: number; values: Record<string, number> } };
  telemetry: { args: { fromTime?: number }; result: TelemetryRow[] };
  summary: { args: Record<string, never>; result: RunSummary };
  ledger: { args: { query: Omit<LedgerQuery, 'simId'> }; result: LedgerEvent[] };
  rewind: { args: { t: number }; result: SimInfo };
  flush: { args: Record<string, never>; result: SimInfo };
  shutdown: { args: Record<string, never>; result: SimInfo };
}
export type WorkerOp = keyof WorkerOps;

export interface WorkerRequest {
  readonly id: number;
  readonly op: WorkerOp;
  readonly args: unknown;
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
  | { readonly type: 'ledger'; readonly records: readonly LedgerEvent[] }
  | { readonly type: 'telemetry'; readonly row: TelemetryRow; readonly seq: number }
  | { readonly type: 'status'; readonly info: SimInfo; readonly previous: SimulationStatus }
  | { readonly type: 'intervention'; readonly record: InterventionRecord }
  | { readonly type: 'rewind'; readonly t: number; readonly seq: number }
  | { readonly type: 'failed'; readonly error: ErrorPayload; readonly info: SimInfo };

/** What a worker posts: one message, or several in order (those of one turn of its event loop). */
export type WorkerPost = WorkerMessage | readonly WorkerMessage[];

/** The append-only journal of a simulation's intervention log, next to its ledger file. */
export function interventionJournalPath(ledgerPath: string): string {
  return `${ledgerPath}.interventions.jsonl`;
}
