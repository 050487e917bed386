import type { Environment } from './environment.js';
import { DoppelError, ENGINE_ERROR_CODES } from './errors.js';
import {
  CallbackList,
  DEFUSED,
  Event,
  FAILED,
  PENDING,
  PROCESSED,
  type EventCallback,
  type EventListener,
} from './events.js';

/** Conditions with at most this many direct members snapshot their value as a bit mask instead of a list. */
const MASK_MEMBERS = 30;

/**
 * The value of a fired Condition: the events (flattened through nested conditions) that had been processed
 * when the condition fired, in the order they were given, with their values (SimPy's `ConditionValue`).
 */
export class ConditionValue {
  // Most values are never read, so a flat condition's value only records which members had been processed (a bit
  // mask over them) and lists them on first use.
  declare private _list: Event[] | null;
  declare private _members: readonly Event[] | null;
  declare private _mask: number;

  constructor() {
    this._list = [];
    this._members = null;
    this._mask = 0;
  }

  /** @internal A value over `members` where bit i of `mask` says whether members[i] was processed. */
  static _fromMask(members: readonly Event[], mask: number): ConditionValue {
    const value = new ConditionValue();
    value._list = null;
    value._members = members;
    value._mask = mask;
    return value;
  }

  /** @internal The listed events (built from the mask on first use). */
  get _events(): Event[] {
    let list = this._list;
    if (list === null) {
      list = [];
      const members = this._members as readonly Event[];
      for (let i = 0; i < members.length; i++) if ((this._mask & (1 << i)) !== 0) list.push(members[i]);
      this._list = list;
      this._members = null;
    }
    return list;
  }

  get size(): number {
    return this._events.length;
  }

  has(event: Event): boolean {
    return this._events.includes(event);
  }

  get<T>(event: Event<T>): T {
    if (!this._events.includes(event)) {
      throw new DoppelError(
        ENGINE_ERROR_CODES.CONDITION_VALUE_MISSING,
        `${event} is not part of this condition value.`,
      );
    }
    return event._value as T;
  }

  events(): Event[] {
    return this._events.slice();
  }

  values(): unknown[] {
    return this._events.map((e) => e._value);
  }

  toArray(): [Event, unknown][] {
    return this._events.map((e) => [e, e._value]);
  }

  /** A Map view (event -> value), like SimPy's `todict()`. */
  toMap(): Map<Event, unknown> {
    return new Map(this.toArray());
  }

  [Symbol.iterator](): IterableIterator<[Event, unknown]> {
    return this.toArray()[Symbol.iterator]();
  }
}

export type ConditionMode = 'all' | 'any';

/**
 * Fires when all (`allOf`) or any (`anyOf`) of its events have fired; fails as soon as one of them fails
 * (that failure is then considered handled). An empty condition fires immediately.
 *
 * The condition listens to its members as an object (no closure per condition). Its own first callback is the
 * step that builds its value; while a single process waits for it, that process is kept beside the build step
 * (`_waiter`) instead of in a callbacks array.
 */
export class Condition extends Event<ConditionValue> implements EventListener {
  declare readonly mode: ConditionMode;
  /** @internal */
  declare readonly _events: readonly Event[];
  /** @internal */
  declare _callbackFn: EventCallback | null;
  /** @internal The one listener waiting for this condition while `_cb` is the condition's own build step. */
  declare _waiter: EventListener | null;
  declare private _count: number;
  declare private _nested: boolean;

  /** @internal `owned`: `events` is a fresh array the condition may keep (no copy). */
  constructor(env: Environment, mode: ConditionMode, events: Iterable<Event>, owned = false) {
    super(env);
    const list = owned ? (events as Event[]) : Array.from(events);
    (this as { mode: ConditionMode }).mode = mode;
    (this as { _events: readonly Event[] })._events = list;
    this._callbackFn = null;
    this._waiter = null;
    this._count = 0;
    this._nested = false;
    if (list.length === 0) {
      this.succeed(new ConditionValue());
      return;
    }
    for (let i = 0; i < list.length; i++) {
      const event = list[i];
      if (!(event instanceof Event)) {
        throw new DoppelError(
          ENGINE_ERROR_CODES.INVALID_YIELD,
          `Condition members must be events, got ${String(event)}.`,
        );
      }
      if (event.env !== env) {
        throw new DoppelError(
          ENGINE_ERROR_CODES.FOREIGN_EVENT,
          `Cannot mix events from different environments (${event}).`,
        );
      }
      if (event instanceof Condition) this._nested = true;
    }
    for (let i = 0; i < list.length; i++) {
      const event = list[i];
      if (event._cb === PROCESSED) this.check(event);
      else event._listen(this);
    }
    // Runs before any callback added later (e.g. a waiting process), so they see the built value.
    this._cb = this;
  }

  /** The member events (as given). */
  get events(): readonly Event[] {
    return this._events;
  }

  override get callbacks(): EventCallback[] | null {
    this._spill();
    return super.callbacks;
  }

  override addCallback(callback: EventCallback): void {
    this._spill();
    super.addCallback(callback);
  }

  override removeCallback(callback: EventCallback): boolean {
    this._spill();
    return super.removeCallback(callback);
  }

  /** @internal */
  override _listen(listener: EventListener): void {
    if (this._cb === this && this._waiter === null) this._waiter = listener;
    else {
      this._spill();
      super._listen(listener);
    }
  }

  /** @internal */
  override _unlisten(listener: EventListener): void {
    if (this._waiter === listener && this._cb === this) this._waiter = null;
    else {
      this._spill();
      super._unlisten(listener);
    }
  }

  /** @internal Called for member events, and for the condition itself when it is processed. */
  _notify(event: Event): void {
    if (event !== this) {
      this.check(event);
      return;
    }
    this._build();
    const waiter = this._waiter;
    if (waiter !== null) {
      this._waiter = null;
      waiter._notify(this);
    }
  }

  /** @internal */
  _callback(): EventCallback {
    let fn = this._callbackFn;
    if (fn === null) {
      fn = (event: Event) => this.check(event);
      this._callbackFn = fn;
    }
    return fn;
  }

  /** Moves the build step and the waiter into the plain callbacks representation, keeping their order. */
  private _spill(): void {
    if (this._cb !== this) return;
    const waiter = this._waiter;
    this._waiter = null;
    this._cb = new CallbackList(waiter === null ? [buildValue] : [buildValue, waiter]);
  }

  private check(event: Event): void {
    if (this._value !== PENDING) return;
    this._count++;
    if ((event._flags & FAILED) !== 0) {
      event._flags |= DEFUSED;
      this._settle(false, event._value, 1);
    } else if (this.mode === 'all' ? this._count === this._events.length : this._count > 0) {
      this._settle(true, undefined, 1);
    }
  }

  /** @internal Detaches from the members and, if the condition succeeded, snapshots its value. */
  _build(): void {
    this._removeChecks();
    if ((this._flags & FAILED) !== 0) return;
    const members = this._events;
    if (!this._nested && members.length <= MASK_MEMBERS) {
      let mask = 0;
      for (let i = 0; i < members.length; i++) if (members[i]._cb === PROCESSED) mask |= 1 << i;
      this._value = ConditionValue._fromMask(members, mask);
    } else {
      const value = new ConditionValue();
      this._populate(value._events);
      this._value = value;
    }
  }

  /** @internal */
  _populate(out: Event[]): void {
    for (const event of this._events) {
      if (event instanceof Condition) event._populate(out);
      else if (event._cb === PROCESSED) out.push(event);
    }
  }

  /** @internal Detaches from members that have not fired, so they do not keep this condition alive. */
  _removeChecks(): void {
    for (const event of this._events) {
      if (event._cb !== PROCESSED) event._unlisten(this);
      if (event instanceof Condition) event._removeChecks();
    }
  }
}

function buildValue(event: Event): void {
  (event as Condition)._build();
}
