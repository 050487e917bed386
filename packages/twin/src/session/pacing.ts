import type { Clock } from '../ports/clock.js';
import { TwinError, TwinErrorCode } from '../errors.js';

/** What the pacing loop drives: one bounded slice at a time, then it looks at the clock. */
export interface PacedTarget {
  now(): number;
  /** Sim time of the next scheduled event (Infinity if none). */
  nextEventTime(): number;
  /**
   * Runs to `limit` (inclusive) processing at most `maxEvents`; returns 'done' when the play must end (breakpoint,
   * horizon, until reached), 'more' when the slice ran out of events to process before `limit`, 'caught-up' when
   * it reached `limit`.
   */
  slice(limit: number, maxEvents: number): 'done' | 'more' | 'caught-up';
}

/** Longest single sleep, so that pause() and setSpeed() act promptly. */
const MAX_SLEEP_MS = 100;

export function checkFactor(factor: number): number {
  if (typeof factor !== 'number' || !(factor > 0)) {
    throw new TwinError(TwinErrorCode.InvalidArguments, `Speed factor must be > 0 (or Infinity), got ${factor}`, {
      field: 'factor',
      found: factor,
    });
  }
  return factor;
}

/**
 * Real-time pacing on an injected clock: sim time = anchor + factor x wall time since the anchor (start, resume,
 * speed change). Pacing decides WHEN events are processed in wall time, never their order or their sim times.
 * Between slices it yields to the event loop, so a server stays responsive even at factor Infinity.
 */
export class Pacing {
  private readonly clock: Clock;
  private factorValue: number;
  private anchorWall = 0;
  private anchorSim = 0;
  private pauseRequested = false;

  constructor(clock: Clock, factor: number) {
    this.clock = clock;
    this.factorValue = checkFactor(factor);
  }

  get factor(): number {
    return this.factorValue;
  }

  setFactor(factor: number, now: number): void {
    this.factorValue = checkFactor(factor);
    this.anchor(now);
  }

  requestPause(): void {
    this.pauseRequested = true;
  }

  /** Runs until the target says done, `until` is reached, or a pause is requested (returns 'paused'). */
  async run(target: PacedTarget, until: number, sliceEvents: number): Promise<'done' | 'paused'> {
    this.anchor(target.now());
    for (;;) {
      if (this.pauseRequested) return 'paused';
      const factor = this.factorValue;
      const due = factor === Infinity ? until : Math.min(until, this.simTimeAt(this.clock.now()));
      const outcome = target.slice(Math.max(due, target.now()), sliceEvents);
      if (outcome === 'done') return 'done';
      if (outcome === 'more') {
        await this.clock.sleep(0);
        continue;
      }
      // Caught up with the wall clock: sleep until the next event is due (at most MAX_SLEEP_MS).
      const nextSim = Math.min(target.nextEventTime(), until);
      const wakeWall = this.anchorWall + ((nextSim - this.anchorSim) / factor) * 1000;
      await this.clock.sleep(Math.min(MAX_SLEEP_MS, Math.max(1, wakeWall - this.clock.now())));
    }
  }

  private simTimeAt(wallMs: number): number {
    return this.anchorSim + ((wallMs - this.anchorWall) / 1000) * this.factorValue;
  }

  private anchor(now: number): void {
    this.anchorWall = this.clock.now();
    this.anchorSim = now;
  }
}
