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

/** @internal Anything that can sit in an event's callback slot as an object. */
export interface Notifiable {
  _notify(event: Event): void;
}

/**
 * @internal An engine object that reacts to events itself (a process, a condition): it sits in an event's callback
 * slot as an object, so waiting costs no closure. It becomes a function (created once, cached) only when the
 * event's callbacks are handed out through `callbacks`.
 */
export interface EventListener extends Notifiable {
  _callback(): EventCallback;
  /** The cached function form, null until `_callback()` made it. */
  readonly _callbackFn: EventCallback | null;
}

/** @internal Bit of `Event._flags`: the event failed (its value is the error). */
export const FAILED = 1;
/** @internal Bit of `Event._flags`: a failure that is considered handled. */
export const DEFUSED = 2;

/** @internal Callback slot marker of a processed event. */
export const PROCESSED: Notifiable = Object.freeze({ _notify(): void {} });

/** @internal Several callbacks of one event, in order; entries stay listener objects until handed out. */
export class CallbackList implements Notifiable {
  declare readonly entries: (EventCallback | EventListener)[];
  /** True once `entries` was handed out as `callbacks`: from then on it holds functions only. */
  declare exposed: boolean;

  constructor(entries: (EventCallback | EventListener)[]) {
    this.entries = entries;
    this.exposed = false;
  }

  _notify(event: Event): void {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (typeof entry === 'function') entry(event);
      else entry._notify(event);
    }
  }

  add(entry: EventCallback | EventListener): void {
    this.entries.push(this.exposed && typeof entry !== 'function' ? entry._callback() : entry);
  }

  /** Removes the first entry that is `target` or whose function form is `target`. */
  remove(target: EventCallback | EventListener): boolean {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (entry === target || (typeof entry !== 'function' && entry._callbackFn === target)) {
        entries.splice(i, 1);
        return true;
      }
    }
    if (typeof target !== 'function' && target._callbackFn !== null) {
      const i = entries.indexOf(target._callbackFn);
      if (i >= 0) {
        entries.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /** The entries as the live `callbacks` array of functions. */
  expose(): EventCallback[] {
    const entries = this.entries;
    if (!this.exposed) {
      this.exposed = true;
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        if (typeof entry !== 'function') entries[i] = entry._callback();
      }
    }
    return entries as EventCallback[];
  }
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
  // the same hidden class in one pass. Four fields only: events are the most allocated objects of a run, and
  // their size sets how often the young generation is collected and how much each collection copies.
  declare readonly env: Environment;
  /** @internal PENDING until triggered; then the value, or the error of a failed event. */
  declare _value: unknown;
  /** @internal FAILED | DEFUSED bits. */
  declare _flags: number;
  /**
   * @internal The callbacks: null, one callback, one engine listener (a waiting process or condition: no
   * closure), a CallbackList once there are several, and PROCESSED once they have run.
   */
  declare _cb: EventCallback | Notifiable | null;

  constructor(env: Environment) {
    (this as { env: Environment }).env = env;
    this._value = PENDING;
    this._flags = 0;
    this._cb = null;
  }

  /**
   * Functions called with this event when it is processed, in order (SimPy's `callbacks`); null once
   * processed. The array is live: push to it to add a callback (or use `addCallback`).
   */
  get callbacks(): EventCallback[] | null {
    const cb = this._cb;
    if (cb === PROCESSED) return null;
    if (cb instanceof CallbackList) return cb.expose();
    const list = new CallbackList(cb === null ? [] : [cb as EventCallback | EventListener]);
    this._cb = list;
    return list.expose();
  }

  /** Adds a callback (same as `callbacks.push`, without allocating for the first one). */
  addCallback(callback: EventCallback): void {
    const cb = this._cb;
    if (cb === null) this._cb = callback;
    else if (cb === PROCESSED) {
      throw new DoppelError(ENGINE_ERROR_CODES.EVENT_ALREADY_PROCESSED, `${this} has already been processed.`);
    } else if (cb instanceof CallbackList) cb.add(callback);
    else this._cb = new CallbackList([cb as EventCallback | EventListener, callback]);
  }

  /** @internal Adds an engine listener (the event must not be processed yet). */
  _listen(listener: EventListener): void {
    const cb = this._cb;
    if (cb === null) this._cb = listener;
    else if (cb instanceof CallbackList) cb.add(listener);
    else this._cb = new CallbackList([cb as EventCallback | EventListener, listener]);
  }

  /** @internal Removes an engine listener added with `_listen` (in either form). */
  _unlisten(listener: EventListener): void {
    const cb = this._cb;
    if (cb === listener) this._cb = null;
    else if (cb instanceof CallbackList) cb.remove(listener);
    else if (cb !== null && cb === listener._callbackFn) this._cb = null;
  }

  /** Removes the first occurrence of a callback; returns whether it was there. */
  removeCallback(callback: EventCallback): boolean {
    const cb = this._cb;
    if (cb === null || cb === PROCESSED) return false;
    if (cb instanceof CallbackList) return cb.remove(callback);
    if (cb === callback || (typeof cb !== 'function' && (cb as EventListener)._callbackFn === callback)) {
      this._cb = null;
      return true;
    }
    return false;
  }

  /** True once the event has a value and sits in (or has left) the queue. */
  get triggered(): boolean {
    return this._value !== PENDING;
  }

  /** True once the event's callbacks have run. */
  get processed(): boolean {
    return this._cb === PROCESSED;
  }

  /** Whether the event succeeded. Throws if it has not been triggered yet (like SimPy). */
  get ok(): boolean {
    if (this._value === PENDING) throw notTriggered(this, 'ok');
    return (this._flags & FAILED) === 0;
  }

  /** The event's value (the error for a failed event). Throws if it has not been triggered yet. */
  get value(): T {
    if (this._value === PENDING) throw notTriggered(this, 'value');
    return this._value as T;
  }

  /** A failed event that is defused does not stop the simulation when nobody handles it. */
  get defused(): boolean {
    return (this._flags & DEFUSED) !== 0;
  }

  set defused(value: boolean) {
    this._flags = value ? this._flags | DEFUSED : this._flags & ~DEFUSED;
  }

  succeed(value?: T, priority: Priority = NORMAL): this {
    if (this._value !== PENDING) throw alreadyTriggered(this);
    this._flags &= ~FAILED;
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
    this._flags |= FAILED;
    this._value = error;
    this.env.schedule(this, priority);
    return this;
  }

  /** Triggers this event with the state (ok and value) of `other`; usable as a callback. */
  trigger(other: Event): void {
    if (this._value !== PENDING) throw alreadyTriggered(this);
    this._flags = (this._flags & ~FAILED) | (other._flags & FAILED);
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
    this._flags = ok ? this._flags & ~FAILED : this._flags | FAILED;
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
