import type { Environment } from './environment.js';
import { DoppelError, ENGINE_ERROR_CODES } from './errors.js';
import type { Condition } from './condition.js';

/** Priority of events that must run before NORMAL ones at the same time (process start, interrupts). */
export const URGENT = 0;
export const NORMAL = 1;
export type Priority = typeof URGENT | typeof NORMAL;

/** Simulation time: seconds by convention, but the engine is unit-agnostic. */
export type SimTime = number;

/** Marks an event whose value is not set yet (it has not been triggered). */
export const PENDING: unique symbol = Symbol('PENDING');

export type EventCallback = (event: Event) => void;

/**
 * @internal An engine object that reacts to events itself (a process, a condition): it sits in an event's callback
 * slot as an object, so waiting costs no closure. It becomes a function (created once, cached) only when it has to
 * share the `callbacks` array with other callbacks.
 */
export interface EventListener {
  _notify(event: Event): void;
  _callback(): EventCallback;
  /** The cached function form, null until `_callback()` made it. */
  readonly _callbackFn: EventCallback | null;
}

/** @internal The function form of a callback slot entry. */
export function asCallback(entry: EventCallback | EventListener): EventCallback {
  return typeof entry === 'function' ? entry : entry._callback();
}

/**
 * An event that may happen at some point in simulated time (SimPy's `Event`).
 *
 * Lifecycle: pending -> triggered (succeed/fail/trigger put it in the queue with a value) -> processed
 * (the environment popped it and ran its callbacks; `callbacks` is then null). Events are deliberately not
 * thenables: processes are resumed synchronously by the environment, never through promises.
 */
export class Event<T = unknown> {
  // Fields are assigned in the constructor (`declare`d, not initialised as class fields) so every event gets
  // the same hidden class in one pass: measurably faster on the per-event hot path.
  declare readonly env: Environment;
  /** @internal PENDING until triggered; then the value, or the error of a failed event. */
  declare _value: unknown;
  /** @internal */
  declare _ok: boolean;
  /** @internal */
  declare _defused: boolean;
  /** @internal True once the callbacks have run. */
  declare _processed: boolean;
  /**
   * @internal Callbacks live in a single slot until a second one arrives (or `callbacks` is read), so the
   * common case (one waiting process) allocates no array. Invariant: `_cbs !== null` implies `_cb === null`.
   * The slot may hold an engine listener object instead of a function (see EventListener).
   */
  declare _cb: EventCallback | EventListener | null;
  /** @internal */
  declare _cbs: EventCallback[] | null;

  constructor(env: Environment) {
    (this as { env: Environment }).env = env;
    this._value = PENDING;
    this._ok = true;
    this._defused = false;
    this._processed = false;
    this._cb = null;
    this._cbs = null;
  }

  /**
   * Functions called with this event when it is processed, in order (SimPy's `callbacks`); null once
   * processed. The array is live: push to it to add a callback (or use `addCallback`).
   */
  get callbacks(): EventCallback[] | null {
    if (this._processed) return null;
    let cbs = this._cbs;
    if (cbs === null) {
      cbs = this._cb === null ? [] : [asCallback(this._cb)];
      this._cb = null;
      this._cbs = cbs;
    }
    return cbs;
  }

  /** Adds a callback (same as `callbacks.push`, without allocating for the first one). */
  addCallback(callback: EventCallback): void {
    if (this._processed) {
      throw new DoppelError(ENGINE_ERROR_CODES.EVENT_ALREADY_PROCESSED, `${this} has already been processed.`);
    }
    if (this._cbs !== null) this._cbs.push(callback);
    else if (this._cb === null) this._cb = callback;
    else {
      this._cbs = [asCallback(this._cb), callback];
      this._cb = null;
    }
  }

  /** @internal Adds an engine listener; it stays an object while it is the only callback. */
  _listen(listener: EventListener): void {
    if (this._cbs !== null) this._cbs.push(listener._callback());
    else if (this._cb === null) this._cb = listener;
    else this.addCallback(listener._callback());
  }

  /** @internal Removes an engine listener added with `_listen` (in either form). */
  _unlisten(listener: EventListener): void {
    if (this._cb === listener) this._cb = null;
    else if (listener._callbackFn !== null) this.removeCallback(listener._callbackFn);
  }

  /** Removes the first occurrence of a callback; returns whether it was there. */
  removeCallback(callback: EventCallback): boolean {
    const cb = this._cb;
    if (cb === callback || (cb !== null && typeof cb !== 'function' && cb._callbackFn === callback)) {
      this._cb = null;
      return true;
    }
    const cbs = this._cbs;
    if (cbs === null) return false;
    const i = cbs.indexOf(callback);
    if (i < 0) return false;
    cbs.splice(i, 1);
    return true;
  }

  /** True once the event has a value and sits in (or has left) the queue. */
  get triggered(): boolean {
    return this._value !== PENDING;
  }

  /** True once the event's callbacks have run. */
  get processed(): boolean {
    return this._processed;
  }

  /** Whether the event succeeded. Throws if it has not been triggered yet (like SimPy). */
  get ok(): boolean {
    if (this._value === PENDING) throw notTriggered(this, 'ok');
    return this._ok;
  }

  /** The event's value (the error for a failed event). Throws if it has not been triggered yet. */
  get value(): T {
    if (this._value === PENDING) throw notTriggered(this, 'value');
    return this._value as T;
  }

  /** A failed event that is defused does not stop the simulation when nobody handles it. */
  get defused(): boolean {
    return this._defused;
  }

  set defused(value: boolean) {
    this._defused = value;
  }

  succeed(value?: T, priority: Priority = NORMAL): this {
    if (this._value !== PENDING) throw alreadyTriggered(this);
    this._ok = true;
    this._value = value;
    this.env.schedule(this, priority);
    return this;
  }

  fail(error: Error, priority: Priority = NORMAL): this {
    if (this._value !== PENDING) throw alreadyTriggered(this);
    if (!(error instanceof Error)) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.EVENT_NOT_ERROR,
        `${this} can only fail with an Error, got ${String(error)}.`,
      );
    }
    this._ok = false;
    this._value = error;
    this.env.schedule(this, priority);
    return this;
  }

  /** Triggers this event with the state (ok and value) of `other`; usable as a callback. */
  trigger(other: Event): void {
    if (this._value !== PENDING) throw alreadyTriggered(this);
    this._ok = other._ok;
    this._value = other._value;
    this.env.schedule(this, NORMAL);
  }

  /** SimPy's `a & b`: a condition that fires when both have fired. */
  and(other: Event): Condition {
    return this.env._condition('all', [this, other]);
  }

  /** SimPy's `a | b`: a condition that fires when either has fired. */
  or(other: Event): Condition {
    return this.env._condition('any', [this, other]);
  }

  /** @internal Triggers without the Error check (process failures may carry any thrown value). */
  _settle(ok: boolean, value: unknown, priority: Priority): void {
    if (this._value !== PENDING) throw alreadyTriggered(this);
    this._ok = ok;
    this._value = value;
    this.env.schedule(this, priority);
  }

  toString(): string {
    return `${this.constructor.name}()`;
  }
}

/** An event that is triggered after `delay` time units (SimPy's `env.timeout`). */
export class Timeout<T = undefined> extends Event<T> {
  declare readonly delay: number;

  constructor(env: Environment, delay: number, value?: T) {
    super(env);
    if (!(delay >= 0) || delay === Infinity) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.INVALID_DELAY,
        `Timeout delay must be a finite number >= 0, got ${delay} (sim time ${env.now}).`,
        { delay, now: env.now },
      );
    }
    (this as { delay: number }).delay = delay;
    this._value = value;
    env._enqueue(this, NORMAL, delay);
  }

  override toString(): string {
    return `Timeout(${this.delay}${this._value === undefined ? '' : `, value=${String(this._value)}`})`;
  }
}

function notTriggered(event: Event, what: string): DoppelError {
  return new DoppelError(
    ENGINE_ERROR_CODES.EVENT_NOT_TRIGGERED,
    `The ${what} of ${event} is not yet available: the event has not been triggered (sim time ${event.env.now}).`,
  );
}

function alreadyTriggered(event: Event): DoppelError {
  return new DoppelError(
    ENGINE_ERROR_CODES.EVENT_ALREADY_TRIGGERED,
    `${event} has already been triggered (sim time ${event.env.now}).`,
  );
}
