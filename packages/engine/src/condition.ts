import type { Environment } from './environment.js';
import { DoppelError, ENGINE_ERROR_CODES } from './errors.js';
import { Event, PENDING } from './events.js';

/**
 * The value of a fired Condition: the events (flattened through nested conditions) that had been processed
 * when the condition fired, in the order they were given, with their values (SimPy's `ConditionValue`).
 */
export class ConditionValue {
  /** @internal */
  readonly _events: Event[] = [];

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
 */
export class Condition extends Event<ConditionValue> {
  readonly mode: ConditionMode;
  /** @internal */
  readonly _events: Event[];
  private count = 0;
  private readonly checkFn: (event: Event) => void;

  constructor(env: Environment, mode: ConditionMode, events: Iterable<Event>) {
    super(env);
    this.mode = mode;
    this._events = Array.from(events);
    this.checkFn = (event: Event) => this.check(event);
    if (this._events.length === 0) {
      this.succeed(new ConditionValue());
      return;
    }
    for (const event of this._events) {
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
    }
    for (const event of this._events) {
      if (event._processed) this.check(event);
      else event.addCallback(this.checkFn);
    }
    // Runs before any callback added later (e.g. a waiting process), so they see the built value.
    this.addCallback(buildValue);
  }

  /** The member events (as given). */
  get events(): readonly Event[] {
    return this._events;
  }

  private check(event: Event): void {
    if (this._value !== PENDING) return;
    this.count++;
    if (!event._ok) {
      event._defused = true;
      this._settle(false, event._value, 1);
    } else if (this.mode === 'all' ? this.count === this._events.length : this.count > 0) {
      this._settle(true, undefined, 1);
    }
  }

  /** @internal */
  _populate(value: ConditionValue): void {
    for (const event of this._events) {
      if (event instanceof Condition) event._populate(value);
      else if (event._processed) value._events.push(event);
    }
  }

  /** @internal Detaches from members that have not fired, so they do not keep this condition alive. */
  _removeChecks(): void {
    for (const event of this._events) {
      if (!event._processed) event.removeCallback(this.checkFn);
      if (event instanceof Condition) event._removeChecks();
    }
  }
}

function buildValue(event: Event): void {
  const condition = event as Condition;
  condition._removeChecks();
  if (condition._ok) {
    const value = new ConditionValue();
    condition._populate(value);
    condition._value = value;
  }
}
