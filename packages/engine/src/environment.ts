import { Condition } from './condition.js';
import type { EventObserver, RunOptions, StopReason } from './control.js';
import { DoppelError, EmptySchedule, ENGINE_ERROR_CODES } from './errors.js';
import { DEFUSED, Event, FAILED, NORMAL, PENDING, PROCESSED, Timeout, URGENT, type Priority } from './events.js';
import { EventHeap } from './heap.js';
import { Process, type ProcessFunction, type ProcessGenerator } from './process.js';
import { createNamedStream, type RandomStream } from './rng/index.js';

export type RngChoice = 'default' | 'sfc32';
export type Seed = number | bigint | string;

export interface EnvironmentOptions {
  /** Required: every random draw of the run derives from it. */
  seed: Seed;
  initialTime?: number;
  rng?: RngChoice;
}

/**
 * The simulation environment (SimPy's `Environment`): virtual clock, event queue, processes and named RNG
 * streams. Deterministic: no wall clock, no global randomness; events at equal times run in
 * (priority, insertion) order.
 */
export class Environment {
  readonly seed: Seed;
  readonly rngAlgorithm: RngChoice;
  /** @internal */
  _now: number;
  /** @internal */
  _activeProcess: Process<unknown> | null = null;
  /** @internal Counter for default process names, per environment so names are reproducible. */
  _processCount = 0;
  private readonly queue = new EventHeap<Event>();
  private processedCount = 0;
  private observers: EventObserver[] | null = null;
  private readonly streams = new Map<string, RandomStream>();
  /** Set by the `until` event's callback of the current advance() call. */
  private untilHit = false;
  private runToken = 0;

  constructor(options: EnvironmentOptions) {
    const seed = (options as Partial<EnvironmentOptions> | undefined)?.seed;
    if (!isValidSeed(seed)) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.SEED_REQUIRED,
        `An Environment needs a seed (a safe integer, a bigint or a non-empty string), got ${String(seed)}.`,
        { seed: typeof seed === 'bigint' ? String(seed) : seed },
      );
    }
    const initialTime = options.initialTime ?? 0;
    if (!Number.isFinite(initialTime)) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.INVALID_TIME,
        `initialTime must be a finite number, got ${initialTime}.`,
      );
    }
    const rng = options.rng ?? 'default';
    if (rng !== 'default' && rng !== 'sfc32') {
      throw new DoppelError(ENGINE_ERROR_CODES.INVALID_OPTION, `rng must be 'default' or 'sfc32', got ${String(rng)}.`);
    }
    this.seed = seed;
    this.rngAlgorithm = rng;
    this._now = initialTime;
  }

  get now(): number {
    return this._now;
  }

  get activeProcess(): Process<unknown> | null {
    return this._activeProcess;
  }

  /** Number of events popped from the queue and processed so far. */
  get eventsProcessed(): number {
    return this.processedCount;
  }

  /** Number of events currently scheduled. */
  get queueSize(): number {
    return this.queue.size;
  }

  event<T = unknown>(): Event<T> {
    return new Event<T>(this);
  }

  timeout<T = undefined>(delay: number, value?: T): Timeout<T> {
    return new Timeout<T>(this, delay, value);
  }

  process<R>(generator: ProcessGenerator<R> | ProcessFunction<R>, name?: string): Process<R> {
    return new Process<R>(this, generator, name);
  }

  allOf(events: Iterable<Event>): Condition {
    return new Condition(this, 'all', events);
  }

  anyOf(events: Iterable<Event>): Condition {
    return new Condition(this, 'any', events);
  }

  /** @internal A condition over a fresh array that the condition may keep (SimPy's `a & b`, `a | b`). */
  _condition(mode: 'all' | 'any', events: Event[]): Condition {
    return new Condition(this, mode, events, true);
  }

  /** Named independent random stream derived from (seed, name); created on first use. */
  rng(name: string): RandomStream {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = createNamedStream(this.seed, name, this.rngAlgorithm);
      this.streams.set(name, stream);
    }
    return stream;
  }

  /** Puts a triggered event in the queue at now + delay. */
  schedule(event: Event, priority: Priority = NORMAL, delay = 0): void {
    if (!(delay >= 0) || delay === Infinity) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.INVALID_DELAY,
        `Schedule delay must be a finite number >= 0, got ${delay} (sim time ${this._now}).`,
        { delay, now: this._now },
      );
    }
    if (priority !== URGENT && priority !== NORMAL) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.INVALID_PRIORITY,
        `Priority must be URGENT (0) or NORMAL (1), got ${priority}.`,
      );
    }
    if (delay === 0) this.queue.pushNow(this._now, priority, event);
    else this.queue.push(this._now + delay, priority, event);
  }

  /**
   * Puts a triggered event in the queue at the absolute time `time` (>= now) with any finite priority. Lower
   * priorities run first at equal times, so a priority below URGENT (e.g. -1) precedes every model event: the
   * twin core applies interventions that way. An absolute time avoids `now + (time - now)` rounding, so an event
   * lands at exactly the same time whatever `now` was when it was scheduled.
   */
  scheduleAt(event: Event, time: number, priority: number = NORMAL): void {
    if (!(time >= this._now) || time === Infinity) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.INVALID_TIME,
        `scheduleAt time must be a finite number >= now (${this._now}), got ${time}.`,
        { time, now: this._now },
      );
    }
    if (!Number.isInteger(priority) || Math.abs(priority) > 1024) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.INVALID_PRIORITY,
        `scheduleAt priority must be an integer in [-1024, 1024], got ${priority}.`,
      );
    }
    // A plain event scheduled this way is triggered with the value undefined.
    if (event._value === PENDING) event._value = undefined;
    this.queue.push(time, priority, event);
  }

  /** @internal Unchecked schedule for engine code whose arguments are already valid. */
  _enqueue(event: Event, priority: Priority, delay: number): void {
    if (delay === 0) this.queue.pushNow(this._now, priority, event);
    else this.queue.push(this._now + delay, priority, event);
  }

  /** Time of the next scheduled event, Infinity if none. */
  peek(): number {
    return this.queue.peekTime();
  }

  /** Processes exactly one event. Throws EmptySchedule if there is none. */
  step(): void {
    if (this.queue.size === 0) throw new EmptySchedule(this._now);
    this.processNext();
  }

  /**
   * Registers a hook called after every processed event (before an unhandled failure is raised).
   * Returns a function that removes it. Costs one field check per event when none is registered.
   */
  observe(observer: EventObserver): () => void {
    this.observers = this.observers === null ? [observer] : [...this.observers, observer];
    return () => {
      if (this.observers === null) return;
      const rest = this.observers.filter((o) => o !== observer);
      this.observers = rest.length === 0 ? null : rest;
    };
  }

  /**
   * SimPy's `run`: with `until` a number, runs to that time; with `until` an event, runs until it is processed
   * and returns its value (throws its error if it failed, or if the schedule empties first); without `until`,
   * runs until no event is left. Also accepts `run(10)` and `run(event)`. To learn why a run stopped
   * (maxEvents, stopWhen), use `advance`.
   */
  run(options?: RunOptions | number | Event): unknown {
    const opts = normalizeRunOptions(options);
    const until = opts.until;
    if (typeof until === 'number' && !(until > this._now)) {
      throw untilInPast(until, this._now);
    }
    const reason = this.advance(opts);
    if (until instanceof Event) {
      if (reason === 'empty') {
        throw new DoppelError(
          ENGINE_ERROR_CODES.UNTIL_NOT_TRIGGERED,
          `No scheduled events left but the until event ${until} was not processed (sim time ${this._now}).`,
          { now: this._now },
        );
      }
      if (reason === 'event') {
        if ((until._flags & FAILED) !== 0) throw until._value;
        return until._value;
      }
    }
    return undefined;
  }

  /**
   * Processes events until a stop condition holds and returns which one stopped it. Unlike `run`,
   * `until` may equal `now` (nothing is processed) and an until-event that never fires yields 'empty'.
   * Errors raised while processing (unhandled failures, invalid yields) propagate.
   */
  advance(options: RunOptions = {}): StopReason {
    const { until, maxEvents, stopWhen } = options;
    let untilTime = Infinity;
    let untilKey = 0;
    let untilEvent: Event | null = null;
    let onUntil: ((e: Event) => void) | null = null;
    if (typeof until === 'number') {
      if (Number.isNaN(until))
        throw new DoppelError(ENGINE_ERROR_CODES.INVALID_TIME, `until must be a number, got NaN.`);
      if (until < this._now) throw untilInPast(until, this._now);
      if (until === this._now) return 'until';
      untilTime = until;
      // The stop is an URGENT entry at `until` that takes its insertion id now; it is compared against the
      // queue head instead of being pushed, so an interrupted advance leaves no stale stop event behind.
      untilKey = this.queue.reserveKey(URGENT);
    } else if (until !== undefined) {
      if (!(until instanceof Event)) {
        throw new DoppelError(ENGINE_ERROR_CODES.INVALID_OPTION, `until must be a number or an Event.`);
      }
      if (until.env !== this)
        throw new DoppelError(ENGINE_ERROR_CODES.FOREIGN_EVENT, `until event belongs to another environment.`);
      if (until._cb === PROCESSED) return 'event';
      untilEvent = until;
      const token = ++this.runToken;
      onUntil = () => {
        if (this.runToken === token) this.untilHit = true;
      };
      until.addCallback(onUntil);
    }
    if (maxEvents !== undefined && !(maxEvents >= 0)) {
      throw new DoppelError(ENGINE_ERROR_CODES.INVALID_OPTION, `maxEvents must be >= 0, got ${maxEvents}.`);
    }
    this.untilHit = false;
    const queue = this.queue;
    try {
      if (maxEvents === undefined && stopWhen === undefined) {
        // Hot loop: only the checks that cannot be avoided.
        for (;;) {
          if (queue.size === 0) break;
          const t = queue.peekTime();
          if (t > untilTime || (t === untilTime && queue.peekKey() > untilKey)) break;
          this.processNext();
          if (this.untilHit) return 'event';
        }
      } else {
        const limit = maxEvents ?? Infinity;
        let count = 0;
        for (;;) {
          if (count >= limit) return 'maxEvents';
          if (queue.size === 0) break;
          const t = queue.peekTime();
          if (t > untilTime || (t === untilTime && queue.peekKey() > untilKey)) break;
          this.processNext();
          count++;
          if (this.untilHit) return 'event';
          if (stopWhen !== undefined && stopWhen()) return 'stopWhen';
        }
      }
    } finally {
      this.untilHit = false;
      if (untilEvent !== null) {
        this.runToken++;
        if (untilEvent._cb !== PROCESSED && onUntil !== null) untilEvent.removeCallback(onUntil);
      }
    }
    if (untilTime !== Infinity) {
      this._now = untilTime;
      return 'until';
    }
    return 'empty';
  }

  private processNext(): void {
    const queue = this.queue;
    this._now = queue.peekTime();
    const event = queue.pop();
    this.processedCount++;
    const cb = event._cb;
    if (cb !== PROCESSED) {
      event._cb = PROCESSED;
      if (cb !== null) {
        if (typeof cb === 'function') cb(event);
        else cb._notify(event);
      }
    }
    if (this.observers !== null) this.notify(event);
    // Failed and not defused: nobody handled the failure.
    if ((event._flags & (FAILED | DEFUSED)) === FAILED) throw event._value;
  }

  private notify(event: Event): void {
    const observers = this.observers as EventObserver[];
    for (let i = 0; i < observers.length; i++) observers[i](event);
  }

  /** Scheduled events in queue order (for inspection and debugging tools). */
  scheduled(): { time: number; priority: Priority; event: Event }[] {
    return this.queue
      .toSortedArray()
      .map(({ time, priority, item }) => ({ time, priority: priority as Priority, event: item }));
  }
}

function normalizeRunOptions(options: RunOptions | number | Event | undefined): RunOptions {
  if (options === undefined) return {};
  if (typeof options === 'number' || options instanceof Event) return { until: options };
  return options;
}

function untilInPast(until: number, now: number): DoppelError {
  return new DoppelError(
    ENGINE_ERROR_CODES.UNTIL_IN_PAST,
    `until (${until}) must be greater than the current simulation time (${now}).`,
    { until, now },
  );
}

function isValidSeed(seed: unknown): seed is Seed {
  if (typeof seed === 'number') return Number.isSafeInteger(seed);
  if (typeof seed === 'bigint') return true;
  if (typeof seed === 'string') return seed.length > 0;
  return false;
}
