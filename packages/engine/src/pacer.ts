import type { StopReason } from './control.js';
import type { Environment } from './environment.js';
import { DoppelError, ENGINE_ERROR_CODES } from './errors.js';

/**
 * Wall-clock port for real-time pacing. The engine never reads the wall clock itself: the caller injects one
 * (a system clock in the session, a fake clock in tests).
 */
export interface Clock {
  /** Milliseconds on a monotonic wall clock. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface PacerOptions {
  /** Sim time units per wall second (60 = one sim minute per second). Infinity = as fast as possible. */
  factor: number;
  /** Events processed between two checks of the wall clock, pause and breakpoints. */
  sliceEvents?: number;
  /** Longest single sleep, so pause() and setFactor() take effect promptly. */
  maxSleepMs?: number;
}

export interface PacedRunOptions {
  /** Breakpoint: stop right after the event that makes it true. */
  stopWhen?: () => boolean;
}

/**
 * Advances an environment in step with a wall clock: sim time = factor x wall time since the last anchor
 * (start, resume or factor change). Events are processed in slices; between slices the pacer sleeps on the
 * injected clock until the next event is due. Lives outside the deterministic core: pacing changes when
 * events are processed in wall time, never their order or their sim times.
 */
export class Pacer {
  private readonly env: Environment;
  private readonly clock: Clock;
  private currentFactor: number;
  private readonly sliceEvents: number;
  private readonly maxSleepMs: number;
  private anchorWall = 0;
  private anchorSim = 0;
  private pausedFlag = false;
  private wake: (() => void) | null = null;
  private running = false;

  constructor(env: Environment, clock: Clock, options: PacerOptions) {
    this.env = env;
    this.clock = clock;
    this.currentFactor = checkFactor(options.factor);
    this.sliceEvents = options.sliceEvents ?? 10_000;
    this.maxSleepMs = options.maxSleepMs ?? 100;
    if (!(this.sliceEvents >= 1) || !(this.maxSleepMs > 0)) {
      throw new DoppelError(ENGINE_ERROR_CODES.INVALID_OPTION, 'sliceEvents must be >= 1 and maxSleepMs > 0.');
    }
  }

  get factor(): number {
    return this.currentFactor;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Changes the speed from now on (sim time already elapsed is kept). */
  setFactor(factor: number): void {
    this.currentFactor = checkFactor(factor);
    this.reanchor();
  }

  /** Stops processing events at the next slice boundary until resume(). */
  pause(): void {
    this.pausedFlag = true;
  }

  resume(): void {
    if (!this.pausedFlag) return;
    this.pausedFlag = false;
    this.reanchor();
    const wake = this.wake;
    this.wake = null;
    if (wake !== null) wake();
  }

  /**
   * Runs to sim time `until` (same semantics as `Environment.advance({ until })`), paced by the wall clock.
   * Resolves with 'until', 'stopWhen' (checked after each event and between slices) or, for an infinite
   * `until` at factor Infinity, 'empty'. Errors raised by the simulation reject the promise.
   */
  async runUntil(until: number, options: PacedRunOptions = {}): Promise<StopReason> {
    if (this.running) {
      throw new DoppelError(ENGINE_ERROR_CODES.PACER_BUSY, 'This pacer is already running.');
    }
    const env = this.env;
    if (Number.isNaN(until) || until < env.now) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.UNTIL_IN_PAST,
        `until (${until}) must be >= the current simulation time (${env.now}).`,
        { until, now: env.now },
      );
    }
    this.running = true;
    this.reanchor();
    try {
      for (;;) {
        if (this.pausedFlag) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
          continue;
        }
        const factor = this.currentFactor;
        const due = factor === Infinity ? until : Math.min(until, this.simTimeAt(this.clock.now()));
        const reason = env.advance({
          until: Math.max(due, env.now),
          maxEvents: this.sliceEvents,
          stopWhen: options.stopWhen,
        });
        if (reason === 'stopWhen' || reason === 'empty') return reason;
        if (reason === 'until' && env.now >= until) return 'until';
        // Also checked between slices, so a breakpoint or stop request is seen even when no event is due.
        if (options.stopWhen !== undefined && options.stopWhen()) return 'stopWhen';
        if (reason === 'maxEvents') {
          // Let other tasks (pause, intervention requests) in between slices.
          await this.clock.sleep(0);
          continue;
        }
        // Caught up with the wall clock: sleep until the next event (or the end) is due.
        const nextSim = Math.min(env.peek(), until);
        const wakeWall = this.anchorWall + ((nextSim - this.anchorSim) / factor) * 1000;
        // At least 1 ms: an event due exactly at the current sim time is only processed once the clock moves on.
        const ms = Math.min(this.maxSleepMs, Math.max(1, wakeWall - this.clock.now()));
        await this.clock.sleep(ms);
      }
    } finally {
      this.running = false;
    }
  }

  private simTimeAt(wallMs: number): number {
    return this.anchorSim + ((wallMs - this.anchorWall) / 1000) * this.currentFactor;
  }

  private reanchor(): void {
    this.anchorWall = this.clock.now();
    this.anchorSim = this.env.now;
  }
}

function checkFactor(factor: number): number {
  if (!(factor > 0)) {
    throw new DoppelError(ENGINE_ERROR_CODES.INVALID_OPTION, `Pacing factor must be > 0 (or Infinity), got ${factor}.`);
  }
  return factor;
}
