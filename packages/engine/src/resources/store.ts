// Stores of discrete items (SimPy's Store, FilterStore, PriorityStore). Puts wait while the store is full, gets while
// no (matching) item is available; both lines are FIFO. SimPy's triggers: a new put serves the put line, a processed
// put the get line, a new get the get line, a processed get the put line. Store's `_do_put`/`_do_get` return
// nothing, so a trigger tries only the head of its line (one item in or out per trigger); FilterStore's `_do_get`
// returns true, so a get trigger tries every waiting get. All put/get events can be withdrawn with cancel().
import type { Environment } from '../environment.js';
import { Event } from '../events.js';
import { grant } from './trigger.js';
import { checkCapacity, invariantViolated } from './errors.js';
import { Ring } from './ring.js';
import { FifoQueue, type Waiter } from './wait-queue.js';

export interface StoreOptions {
  capacity?: number;
}

interface StoreLike<T> {
  _cancelPut(event: StorePut<T>): void;
  _cancelGet(event: StoreGet<T>): void;
}

/** Triggered once `item` is in the store. */
export class StorePut<T> extends Event<undefined> implements Waiter {
  declare readonly item: T;
  /** @internal */
  declare _queued: boolean;
  declare private readonly store: StoreLike<T>;

  constructor(env: Environment, store: StoreLike<T>, item: T) {
    super(env);
    this.store = store;
    this.item = item;
    this._queued = false;
  }

  /** Withdraws the put if it is still waiting; no effect once triggered. */
  cancel(): void {
    this.store._cancelPut(this);
  }
}

/** Triggered with the item taken from the store. */
export class StoreGet<T> extends Event<T> implements Waiter {
  /** FilterStore only: which items this get accepts. */
  declare readonly filter: ((item: T) => boolean) | null;
  /** @internal */
  declare _queued: boolean;
  declare private readonly store: StoreLike<T>;

  constructor(env: Environment, store: StoreLike<T>, filter: ((item: T) => boolean) | null) {
    super(env);
    this.store = store;
    this.filter = filter;
    this._queued = false;
  }

  /** Withdraws the get if it is still waiting (e.g. after `yield get.or(timeout)` chose the timeout). */
  cancel(): void {
    this.store._cancelGet(this);
  }
}

abstract class BaseStore<T> implements StoreLike<T> {
  readonly env: Environment;
  readonly capacity: number;
  /** @internal */
  protected readonly _puts = new FifoQueue<StorePut<T>>();
  /** @internal */
  protected readonly _gets = new FifoQueue<StoreGet<T>>();
  private readonly _onPutDone = (): void => this._serveGets();
  /** @internal */
  protected readonly _onGetDone = (): void => this._servePuts();

  constructor(env: Environment, options: StoreOptions) {
    this.env = env;
    this.capacity = checkCapacity(this.constructor.name, options.capacity ?? Infinity, true);
  }

  /** Number of items in the store. */
  abstract get size(): number;
  /** The items, in the order gets receive them (a snapshot). */
  abstract get items(): readonly T[];
  protected abstract _add(item: T): void;
  /** @internal */
  protected abstract _serveGets(): void;

  /** Waiting puts, oldest first (a snapshot). */
  get putQueue(): readonly StorePut<T>[] {
    return this._puts.toArray();
  }

  /** Waiting gets, oldest first (a snapshot). */
  get getQueue(): readonly StoreGet<T>[] {
    return this._gets.toArray();
  }

  put(item: T): StorePut<T> {
    const event = new StorePut<T>(this.env, this, item);
    event.addCallback(this._onPutDone); // its processing serves the get line
    if (this._puts.length === 0 && this.size < this.capacity) {
      this._add(item); // the line is empty, so this put is its head and there is room
      grant(event, undefined);
    } else {
      this._puts.push(event);
      this._servePuts();
    }
    return event;
  }

  /** @internal */
  protected _newGet(filter: ((item: T) => boolean) | null): StoreGet<T> {
    const event = new StoreGet<T>(this.env, this, filter);
    event.addCallback(this._onGetDone);
    this._gets.push(event);
    this._serveGets();
    return event;
  }

  /** @internal SimPy's cancel: the put leaves its line, nothing is served until the next trigger. */
  _cancelPut(event: StorePut<T>): void {
    this._puts.remove(event);
  }

  /** @internal */
  _cancelGet(event: StoreGet<T>): void {
    this._gets.remove(event);
  }

  /** @internal One put trigger: the head of the put line goes in if there is room (SimPy's Store `_do_put`). */
  protected _servePuts(): void {
    if (this.size >= this.capacity) return;
    const put = this._puts.shift();
    if (put === undefined) return;
    this._add(put.item);
    if (this.size > this.capacity) {
      throw invariantViolated('store size exceeds capacity', { size: this.size, capacity: this.capacity });
    }
    grant(put, undefined);
  }
}

/** FIFO store: gets receive items in the order they were put. */
export class Store<T> extends BaseStore<T> {
  private readonly _items = new Ring<T>();

  constructor(env: Environment, options: StoreOptions = {}) {
    super(env, options);
  }

  get size(): number {
    return this._items.length;
  }

  get items(): readonly T[] {
    return this._items.toArray();
  }

  get(): StoreGet<T> {
    if (this._gets.length === 0 && this._items.length > 0) {
      // The line is empty, so this get is its head and an item is there: served on the spot.
      const event = new StoreGet<T>(this.env, this, null);
      event.addCallback(this._onGetDone);
      grant(event, this._items.shift());
      return event;
    }
    return this._newGet(null);
  }

  protected _add(item: T): void {
    this._items.push(item);
  }

  /** One get trigger: the head of the get line takes the oldest item (SimPy's Store `_do_get`). */
  protected _serveGets(): void {
    if (this._items.length === 0) return;
    const get = this._gets.shift();
    if (get !== undefined) grant(get, this._items.shift());
  }
}

/** Store whose gets take the first item (oldest first) that satisfies their filter. */
export class FilterStore<T> extends BaseStore<T> {
  private readonly _items: T[] = [];

  constructor(env: Environment, options: StoreOptions = {}) {
    super(env, options);
  }

  get size(): number {
    return this._items.length;
  }

  get items(): readonly T[] {
    return this._items.slice();
  }

  get(filter: (item: T) => boolean = () => true): StoreGet<T> {
    return this._newGet(filter);
  }

  protected _add(item: T): void {
    this._items.push(item);
  }

  /** Every waiting get is tried, in order: a get whose filter matches nothing does not block the ones behind it. */
  protected _serveGets(): void {
    const items = this._items;
    if (items.length === 0 || this._gets.length === 0) return;
    for (const get of this._gets.toArray()) {
      if (items.length === 0) return;
      const filter = get.filter as (item: T) => boolean;
      const index = items.findIndex(filter);
      if (index < 0) continue;
      const [item] = items.splice(index, 1);
      this._gets.remove(get);
      grant(get, item);
    }
  }
}

/** SimPy's PriorityItem: a value with an explicit priority for PriorityStore. */
export class PriorityItem<T> {
  constructor(
    readonly priority: number,
    readonly item: T,
  ) {}
}

export interface PriorityStoreOptions<T> extends StoreOptions {
  /** Priority of an item (lower leaves first). Default: the item itself if it is a number, else `item.priority`. */
  priority?: (item: T) => number;
}

function defaultPriority(item: unknown): number {
  return typeof item === 'number' ? item : (item as { priority: number }).priority;
}

interface Entry<T> {
  key: number;
  seq: number;
  item: T;
}

function entryBefore<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.key < b.key || (a.key === b.key && a.seq < b.seq);
}

/** Store whose gets take the item of lowest priority value; equal priorities leave in put order. */
export class PriorityStore<T> extends BaseStore<T> {
  private readonly _heap: Entry<T>[] = [];
  private readonly _priority: (item: T) => number;
  private _seq = 0;

  constructor(env: Environment, options: PriorityStoreOptions<T> = {}) {
    super(env, options);
    this._priority = options.priority ?? defaultPriority;
  }

  get size(): number {
    return this._heap.length;
  }

  get items(): readonly T[] {
    return this._heap
      .slice()
      .sort((a, b) => (entryBefore(a, b) ? -1 : 1))
      .map((e) => e.item);
  }

  get(): StoreGet<T> {
    if (this._gets.length === 0 && this._heap.length > 0) {
      const event = new StoreGet<T>(this.env, this, null);
      event.addCallback(this._onGetDone);
      grant(event, this._pop());
      return event;
    }
    return this._newGet(null);
  }

  protected _add(item: T): void {
    const heap = this._heap;
    const entry: Entry<T> = { key: this._priority(item), seq: this._seq++, item };
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!entryBefore(entry, heap[p])) break;
      heap[i] = heap[p];
      i = p;
    }
    heap[i] = entry;
  }

  /** One get trigger: the head of the get line takes the most important item (SimPy's PriorityStore `_do_get`). */
  protected _serveGets(): void {
    if (this._heap.length === 0) return;
    const get = this._gets.shift();
    if (get !== undefined) grant(get, this._pop());
  }

  private _pop(): T {
    const heap = this._heap;
    const top = heap[0];
    const last = heap.pop() as Entry<T>;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && entryBefore(heap[child + 1], heap[child])) child++;
        if (!entryBefore(heap[child], last)) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return top.item;
  }
}
