// Debug mode (seed 000 §3): a run goes in chunks of sim time and pauses after each until the user acknowledges.
// Pauses and acknowledgements are entries of the intervention log (ops `debug_pause`, `debug_ack`), so that a
// re-execution of (scenario, seed, log) writes their ledger records at the same seq and the ledger stays
// bit-identical across rewinds, branches and restarts.
import type { InterventionLogEntry } from '../contracts/interventions.js';
import type { JsonObject } from '../contracts/json.js';
import type { LedgerOrigin } from '../contracts/ledger.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import { formatSimTime } from '../scenario/duration.js';

/**
 * The refusal of any run while a debug pause waits for its acknowledgement. Both the simulation and the server's
 * worker (which refuses before it reaches the simulation) answer with it.
 */
export function awaitingAckError(simId: string, pausedAt: number): TwinError {
  return new TwinError(
    TwinErrorCode.AwaitingAck,
    `Simulation ${simId} is paused by debug mode at ${formatSimTime(pausedAt)}: acknowledge (POST /api/v1/simulations/${simId}/ack) to continue`,
    { simId, pausedAt },
  );
}

/** Ledger event types of debug mode. */
export const DEBUG_PAUSED = 'DEBUG_PAUSED';
export const DEBUG_ACKNOWLEDGED = 'DEBUG_ACKNOWLEDGED';
/** The asset id of ledger records about the simulation as a whole (not one of the pack's assets). */
export const SIMULATION_ASSET_ID = 'simulation';

/** What a client needs to show debug mode: the chunk size and whether a pause waits for acknowledgement. */
export interface DebugState {
  /** Seconds of sim time per chunk; null when debug mode was turned off while a pause waits. */
  readonly chunkS: number | null;
  /** True while the run is paused after a chunk and waits for `acknowledge()` (POST …/ack). */
  readonly awaitingAck: boolean;
  /** Sim time of the pause waiting for acknowledgement, else null. */
  readonly pausedAt: number | null;
}

export function isDebugEntry(entry: InterventionLogEntry): boolean {
  return entry.op === 'debug_pause' || entry.op === 'debug_ack';
}

/** The ledger record a debug log entry writes (at the entry's time, which is where the run paused). */
export function debugRecord(entry: InterventionLogEntry): {
  readonly eventType: string;
  readonly meta: JsonObject;
  readonly origin: LedgerOrigin;
} {
  return entry.op === 'debug_pause'
    ? { eventType: DEBUG_PAUSED, meta: entry.args, origin: 'sim' }
    : { eventType: DEBUG_ACKNOWLEDGED, meta: { ...entry.args, by: entry.origin }, origin: 'intervention' };
}

/** The sim times at which the log paused and acknowledged: rebuilt from the log, updated as entries are logged. */
export class DebugMarks {
  private readonly paused = new Set<number>();
  private readonly acked = new Set<number>();

  reset(log: readonly InterventionLogEntry[]): void {
    this.paused.clear();
    this.acked.clear();
    for (const entry of log) this.note(entry);
  }

  note(entry: InterventionLogEntry): void {
    if (entry.op === 'debug_pause') this.paused.add(entry.effectiveAt);
    else if (entry.op === 'debug_ack') this.acked.add(entry.effectiveAt);
  }

  /** True when the run paused at t and nobody acknowledged yet. */
  awaiting(t: number): boolean {
    return this.paused.has(t) && !this.acked.has(t);
  }

  pausedAt(t: number): boolean {
    return this.paused.has(t);
  }

  /**
   * Where a run from `now` towards `limit` must stop for debug mode: the first chunk boundary after now that was
   * not acknowledged yet (a re-run over logged history passes its acknowledged pauses), if it comes before both
   * `limit` (inclusive) and the horizon; else null.
   */
  nextPause(now: number, limit: number, horizon: number, chunkS: number): number | null {
    let boundary = (Math.floor(now / chunkS) + 1) * chunkS;
    while (this.acked.has(boundary)) boundary += chunkS;
    return boundary <= limit && boundary < horizon ? boundary : null;
  }
}
