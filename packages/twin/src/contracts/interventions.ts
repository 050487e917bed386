import type { JsonObject } from './json.js';

import type { InterventionOriginKind } from './wire/interventions.js';

export type { InterventionOriginKind, InterventionRecord, InterventionStatus } from './wire/interventions.js';

/** What a caller asks for. `at` (sim seconds) defaults to now; it may not lie in the past. */
export interface InterventionRequest {
  readonly assetId: string;
  readonly action: string;
  readonly args?: JsonObject;
  readonly at?: number;
  readonly origin: InterventionOriginKind;
}

/**
 * One entry of a simulation's intervention log: with the scenario and seed, the log re-creates the run exactly.
 * `submittedAtEvent` is the number of engine events processed when the entry was logged: re-execution submits it at
 * the same point, so an intervention made while paused mid-instant lands exactly where it did the first time.
 */
export interface InterventionLogEntry {
  /** Deterministic per simulation: iv-1, iv-2, ... */
  readonly id: string;
  /**
   * `apply` and `cancel` act on interventions; `debug_pause` and `debug_ack` are debug mode's pauses and
   * acknowledgements, logged like interventions so a re-execution writes their ledger records at the same place.
   */
  readonly op: 'apply' | 'cancel' | 'debug_pause' | 'debug_ack';
  /** For `cancel`: the id of the intervention cancelled. */
  readonly targetId?: string;
  readonly assetId: string;
  readonly action: string;
  readonly args: JsonObject;
  readonly effectiveAt: number;
  readonly submittedAtEvent: number;
  /**
   * Sim time (`now`) when the entry was logged. Rewinding to t keeps the entries logged at or before t; absent in
   * logs written before this field existed (treated as 0).
   */
  readonly submittedAt?: number;
  readonly origin: InterventionOriginKind;
}
