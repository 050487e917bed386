import type { AnyPack } from '../contracts/pack.js';
import type { InterventionLogEntry, InterventionRecord } from '../contracts/interventions.js';
import type { LedgerEvent, LedgerStore } from '../contracts/ledger.js';
import type { ResolvedScenario } from '../contracts/scenario.js';
import type { PackRegistry } from '../assets/pack-registry.js';
import type { BreakpointHit } from './breakpoints.js';
import type { TelemetryRow } from './telemetry.js';

import type { SimulationStatus } from '../contracts/wire/simulation.js';

export type { RunSummary, SimulationStatus } from '../contracts/wire/simulation.js';

/**
 * Why a run call returned: it reached its time (`until`), processed its events (`events`), hit a breakpoint,
 * reached the horizon (`end`), or was paused (paced runs).
 */
export type StopReason = 'until' | 'events' | 'breakpoint' | 'end' | 'paused' | 'debug';

/** What became of one request of `Simulation.interveneAll`: its record, or the error that refused it. */
export type InterventionOutcome =
  { readonly ok: true; readonly record: InterventionRecord } | { readonly ok: false; readonly error: unknown };

export interface StopInfo {
  readonly reason: StopReason;
  readonly status: SimulationStatus;
  readonly now: number;
  readonly eventsProcessed: number;
  readonly breakpoint?: BreakpointHit;
}

export interface SimulationCreateOptions {
  readonly scenario: ResolvedScenario;
  readonly packs: PackRegistry | readonly AnyPack[];
  /** Overrides scenario.seed. */
  readonly seed?: number;
  /** Default: derived from the scenario hash and the seed. */
  readonly simId?: string;
  readonly name?: string;
  /** Where the ledger goes; without one the simulation keeps only hashes (stateAt then re-executes). */
  readonly store?: LedgerStore | null;
  /**
   * The full intervention log to replay (entries are submitted when the run reaches their event counts). Default:
   * the scenario's scheduled interventions, logged at t=0 with origin `schedule`.
   */
  readonly interventionLog?: readonly InterventionLogEntry[];
  /**
   * Receives the new entries of the intervention log before they take effect (a durable journal), those made
   * together in one call: when it throws, they are refused and the simulation is left exactly as it was.
   */
  readonly journal?: (entries: readonly InterventionLogEntry[]) => void;
  /** For a branch: the parent simulation and the seq up to which the ledger is shared. */
  readonly parent?: { readonly simId: string; readonly forkSeq: number };
  /** Catalog timestamp (ISO); the twin core reads no wall clock, so the caller supplies it. Default: scenario.start. */
  readonly createdAt?: string;
  /** Validate every state update against its schema (tests, debugging). */
  readonly validateUpdates?: boolean;
  /** Ledger records per store append. */
  readonly batchSize?: number;
  /**
   * Full-state snapshots (for fast stateAt) are written at telemetry boundaries once this many records were
   * appended since the last one. Default: max(4096, 8 x number of assets). 1 = at every boundary.
   */
  readonly snapshotEveryRecords?: number;
}

export interface PlayOptions {
  /** Sim seconds per wall second; Infinity (default) = as fast as possible, in slices. */
  readonly factor?: number;
  readonly clock?: import('../ports/clock.js').Clock;
  /** Stop at this sim time (default: the horizon). */
  readonly until?: number;
  /** Events per slice between two looks at the clock, pause requests and the event loop (default 20 000). */
  readonly sliceEvents?: number;
}

export interface StatusChange {
  readonly status: SimulationStatus;
  readonly previous: SimulationStatus;
  readonly now: number;
}

/** Events a session publishes (ledger batches, telemetry rows, status changes, intervention updates...). */
export interface SimulationEventMap {
  /** A batch of records and their canonical texts, in the same order. */
  ledger: { readonly records: readonly LedgerEvent[]; readonly texts: readonly string[] };
  telemetry: TelemetryRow;
  status: StatusChange;
  intervention: InterventionRecord;
  breakpoint: BreakpointHit;
  /** The simulation went back in time: listeners should drop what they hold after `seq`. */
  rewind: { readonly t: number; readonly seq: number };
}

export type SimulationEventName = keyof SimulationEventMap;
