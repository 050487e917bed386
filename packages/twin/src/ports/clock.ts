/**
 * Wall-clock port for real-time pacing (session/pacing.ts): milliseconds on a monotonic clock and a sleep. The
 * simulation core never reads the wall clock; the session gets one injected (the system clock in apps, a manual
 * clock in tests).
 */
export interface Clock {
  /** Milliseconds on a monotonic wall clock. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock: performance.now() and setTimeout. The only place of the twin that may touch timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) setImmediate(resolve);
      else setTimeout(resolve, ms);
    }),
};

export interface ManualClockOptions {
  /** Initial reading in ms (default 0). */
  readonly startMs?: number;
  /**
   * When true, `sleep(ms)` moves the clock forward by `ms` and resolves at once: paced runs finish without waiting
   * while keeping exact wall-time accounting (useful in tests and for "what would it take" estimates).
   */
  readonly autoAdvance?: boolean;
}

interface Sleeper {
  readonly wakeAt: number;
  readonly order: number;
  readonly resolve: () => void;
}

/** A clock that only moves when told to (tests): `advance(ms)` wakes the sleepers that are due, in order. */
export class ManualClock implements Clock {
  private current: number;
  private readonly autoAdvance: boolean;
  private sleepers: Sleeper[] = [];
  private counter = 0;

  constructor(options: ManualClockOptions = {}) {
    this.current = options.startMs ?? 0;
    this.autoAdvance = options.autoAdvance ?? false;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    const duration = Math.max(0, ms);
    if (this.autoAdvance) {
      this.current += duration;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.sleepers.push({ wakeAt: this.current + duration, order: this.counter++, resolve });
    });
  }

  /** Number of sleeps waiting for the clock to move. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Moves the clock forward and resolves every sleep that is due. */
  advance(ms: number): void {
    this.current += Math.max(0, ms);
    const due = this.sleepers.filter((sleeper) => sleeper.wakeAt <= this.current);
    this.sleepers = this.sleepers.filter((sleeper) => sleeper.wakeAt > this.current);
    due.sort((a, b) => a.wakeAt - b.wakeAt || a.order - b.order);
    for (const sleeper of due) sleeper.resolve();
  }
}
