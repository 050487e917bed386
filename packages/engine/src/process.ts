import type { Environment } from './environment.js';
import { DoppelError, ENGINE_ERROR_CODES, Interrupt } from './errors.js';
import {
  DEFUSED,
  Event,
  FAILED,
  NORMAL,
  PENDING,
  PROCESSED,
  URGENT,
  type EventCallback,
  type EventListener,
} from './events.js';

/**
 * What a process body is: a generator that yields events and returns the process value.
 * The value sent back by `yield` is the yielded event's value, typed `unknown`; use `waitFor` for a typed one.
 */
export type ProcessGenerator<R = unknown> = Generator<Event<unknown>, R, unknown>;
export type ProcessFunction<R = unknown> = () => ProcessGenerator<R>;

/**
 * Typed wait: `const v = yield* waitFor(env.timeout(1, 5))` gives `v: number`.
 * Same semantics as `yield ev`, at the cost of one delegated generator.
 */
export function* waitFor<T>(event: Event<T>): Generator<Event<T>, T, unknown> {
  return (yield event) as T;
}

/** Starts a process: scheduled URGENT at creation time so the process runs before NORMAL events at `now`. */
export class Initialize extends Event<undefined> {
  constructor(env: Environment, process: Process<unknown>) {
    super(env);
    this._value = undefined;
    this._cb = process;
    env._enqueue(this, URGENT, 0);
  }
}

/** Delivers an Interrupt to a process, ahead of NORMAL events at the same time. */
export class Interruption extends Event<Interrupt> {
  declare readonly process: Process<unknown>;

  constructor(process: Process<unknown>, cause: unknown) {
    super(process.env);
    (this as { process: Process<unknown> }).process = process;
    this._value = new Interrupt(cause);
    // Never "unhandled": the interrupt is thrown into the process, which must handle it or die.
    this._flags = FAILED | DEFUSED;
    this._cb = deliverInterrupt;
    process.env._enqueue(this, URGENT, 0);
  }
}

function deliverInterrupt(event: Event): void {
  const process = (event as Interruption).process;
  // Several interrupts may be queued; once the process died handling one, later ones are ignored.
  if (process._value !== PENDING) return;
  const target = process._target;
  if (target !== null && target._cb !== PROCESSED) target._unlisten(process);
  process._step(event);
}

/**
 * A process: a generator driven by the events it yields (SimPy's `Process`). It is itself an event that is
 * triggered when the generator returns (value = return value) or throws (failed, value = the error).
 */
export class Process<R = unknown> extends Event<R> implements EventListener {
  // Declared, assigned in the constructor: define-semantics class fields cost more per allocation in V8.
  declare readonly name: string;
  /** @internal */
  declare _generator: ProcessGenerator<R>;
  /** @internal The event the process waits for; null once it has terminated. */
  declare _target: Event | null;
  /**
   * @internal The process waits on events as a listener object (no closure); this function form is made only
   * when an event it waits for already has other callbacks.
   */
  declare _callbackFn: EventCallback | null;

  constructor(env: Environment, generator: ProcessGenerator<R> | ProcessFunction<R>, name?: string) {
    super(env);
    let gen: unknown = generator;
    let defaultName: string | undefined;
    if (typeof generator === 'function') {
      defaultName = generator.name || undefined;
      gen = generator();
    }
    if (!isGenerator(gen)) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.INVALID_GENERATOR,
        `env.process() needs a generator or a generator function, got ${describeValue(generator)} (sim time ${env.now}).`,
      );
    }
    this._generator = gen as ProcessGenerator<R>;
    (this as { name: string }).name = name ?? defaultName ?? `process-${++env._processCount}`;
    this._callbackFn = null;
    this._target = new Initialize(env, this as Process<unknown>);
  }

  /** True until the generator has returned or thrown. */
  get isAlive(): boolean {
    return this._value === PENDING;
  }

  /** The event this process is waiting for (null once terminated). */
  get target(): Event | null {
    return this._target;
  }

  /** Throws an `Interrupt(cause)` into the process at the current time, ahead of NORMAL events. */
  interrupt(cause?: unknown): void {
    const env = this.env;
    if (this._value !== PENDING) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.PROCESS_DEAD,
        `Process "${this.name}" has terminated and cannot be interrupted (sim time ${env.now}).`,
        { process: this.name, now: env.now },
      );
    }
    if (env.activeProcess === (this as Process<unknown>)) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.SELF_INTERRUPT,
        `Process "${this.name}" is not allowed to interrupt itself (sim time ${env.now}).`,
        { process: this.name, now: env.now },
      );
    }
    new Interruption(this as Process<unknown>, cause);
  }

  /** @internal */
  _notify(event: Event): void {
    this._step(event);
  }

  /** @internal */
  _callback(): EventCallback {
    let fn = this._callbackFn;
    if (fn === null) {
      fn = (event: Event) => this._step(event);
      this._callbackFn = fn;
    }
    return fn;
  }

  /** @internal Resumes the generator with `event`'s outcome until it waits for a pending event or ends. */
  _step(event: Event): void {
    const env = this.env;
    const gen = this._generator;
    env._activeProcess = this as Process<unknown>;
    let ev = event;
    for (;;) {
      let next: IteratorResult<Event<unknown>, R>;
      try {
        if ((ev._flags & FAILED) === 0) {
          next = gen.next(ev._value);
        } else {
          // The process handles the failure (or dies of it), so it is no longer unhandled.
          ev._flags |= DEFUSED;
          next = gen.throw(ev._value);
        }
      } catch (error) {
        this._target = null;
        this._flags |= FAILED;
        this._value = error;
        env._enqueue(this, NORMAL, 0);
        break;
      }
      if (next.done === true) {
        this._target = null;
        this._flags &= ~FAILED;
        this._value = next.value;
        env._enqueue(this, NORMAL, 0);
        break;
      }
      const yielded: unknown = next.value;
      if (!(yielded instanceof Event)) {
        env._activeProcess = null;
        throw new DoppelError(
          ENGINE_ERROR_CODES.INVALID_YIELD,
          `Process "${this.name}" yielded ${describeValue(yielded)}, which is not an Event (sim time ${env.now}).`,
          { process: this.name, now: env.now },
        );
      }
      const cb = yielded._cb;
      if (cb !== PROCESSED) {
        // Inline addCallback: this is the hottest path of every model.
        if (cb === null) yielded._cb = this;
        else yielded._listen(this);
        this._target = yielded;
        break;
      }
      // Already processed: SimPy resumes the process immediately with that event's outcome.
      ev = yielded;
    }
    env._activeProcess = null;
  }

  override toString(): string {
    return `Process(${this.name})`;
  }
}

function isGenerator(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { next?: unknown }).next === 'function' &&
    typeof (value as { throw?: unknown }).throw === 'function'
  );
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  return `${typeof value} ${String(value)}`;
}
