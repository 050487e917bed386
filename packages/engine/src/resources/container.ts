// Container: a continuous or discrete quantity (fuel, energy, parts count) between 0 and `capacity` (SimPy's
// Container). Puts and gets wait in FIFO lines; the head of a line blocks the ones behind it, as in SimPy. SimPy's
// triggers: a new put serves the put line, a processed put the get line, a new get the get line, a processed get
// the put line. Container's `_do_put`/`_do_get` return true on success, so one trigger serves its line from the head
// until the head does not fit.
import type { Environment } from '../environment.js';
import { Event } from '../events.js';
import { grant } from './trigger.js';
import { checkCapacity, invariantViolated, RESOURCE_ERROR_CODES, ResourceError } from './errors.js';
import { FifoQueue, type Waiter } from './wait-queue.js';

export interface ContainerOptions {
  capacity?: number;
  init?: number;
}

/** A pending or done deposit of `amount`; triggered once the amount is in the container. */
export class ContainerPut extends Event<undefined> implements Waiter {
  declare readonly container: Container;
  declare readonly amount: number;
  /** @internal */
  declare _queued: boolean;

  constructor(container: Container, amount: number) {
    super(container.env);
    this.container = container;
    this.amount = amount;
    this._queued = false;
  }

  /** Withdraws the put if it is still waiting; no effect once triggered. */
  cancel(): void {
    this.container._cancelPut(this);
  }
}

/** A pending or done withdrawal of `amount`; triggered (value = amount) once the amount was taken. */
export class ContainerGet extends Event<number> implements Waiter {
  declare readonly container: Container;
  declare readonly amount: number;
  /** @internal */
  declare _queued: boolean;

  constructor(container: Container, amount: number) {
    super(container.env);
    this.container = container;
    this.amount = amount;
    this._queued = false;
  }

  cancel(): void {
    this.container._cancelGet(this);
  }
}

export class Container {
  readonly env: Environment;
  readonly capacity: number;
  private _level: number;
  private readonly _puts = new FifoQueue<ContainerPut>();
  private readonly _gets = new FifoQueue<ContainerGet>();
  private readonly _onPutDone = (): void => this._serveGets();
  private readonly _onGetDone = (): void => this._servePuts();

  constructor(env: Environment, options: ContainerOptions = {}) {
    this.env = env;
    const capacity = options.capacity ?? Infinity;
    if (!(capacity > 0)) checkCapacity('Container', capacity, true);
    this.capacity = capacity;
    const init = options.init ?? 0;
    if (!(init >= 0 && init <= capacity && Number.isFinite(init))) {
      throw new ResourceError(
        RESOURCE_ERROR_CODES.INVALID_INIT,
        `Container init must be a finite number in [0, capacity=${capacity}], got ${String(init)}.`,
        { init, capacity },
      );
    }
    this._level = init;
  }

  /** The amount currently in the container. */
  get level(): number {
    return this._level;
  }

  /** Waiting puts, in service order (a snapshot). */
  get putQueue(): readonly ContainerPut[] {
    return this._puts.toArray();
  }

  /** Waiting gets, in service order (a snapshot). */
  get getQueue(): readonly ContainerGet[] {
    return this._gets.toArray();
  }

  put(amount: number): ContainerPut {
    this._checkAmount('put', amount);
    const event = new ContainerPut(this, amount);
    event.addCallback(this._onPutDone); // its processing serves the get line
    if (this._puts.length === 0 && this.capacity - this._level >= amount) {
      this._deposit(event); // the line is empty, so this put is its head and it fits
    } else {
      this._puts.push(event);
      this._servePuts();
    }
    return event;
  }

  get(amount: number): ContainerGet {
    this._checkAmount('get', amount);
    const event = new ContainerGet(this, amount);
    event.addCallback(this._onGetDone); // its processing serves the put line
    if (this._gets.length === 0 && this._level >= amount) {
      this._withdraw(event);
    } else {
      this._gets.push(event);
      this._serveGets();
    }
    return event;
  }

  /** @internal SimPy's cancel: the put leaves its line, nothing is served until the next trigger. */
  _cancelPut(event: ContainerPut): void {
    this._puts.remove(event);
  }

  /** @internal */
  _cancelGet(event: ContainerGet): void {
    this._gets.remove(event);
  }

  private _servePuts(): void {
    const puts = this._puts;
    for (;;) {
      const head = puts.peek();
      if (head === undefined || this.capacity - this._level < head.amount) return;
      puts.shift();
      this._deposit(head);
    }
  }

  private _serveGets(): void {
    const gets = this._gets;
    for (;;) {
      const head = gets.peek();
      if (head === undefined || this._level < head.amount) return;
      gets.shift();
      this._withdraw(head);
    }
  }

  private _deposit(put: ContainerPut): void {
    this._level += put.amount;
    if (this._level > this.capacity) {
      // capacity - level >= amount can still round level + amount one ulp above capacity.
      if (this._level - this.capacity > 1e-12 * this.capacity) {
        throw invariantViolated('container level exceeds capacity', { level: this._level, capacity: this.capacity });
      }
      this._level = this.capacity;
    }
    grant(put, undefined);
  }

  private _withdraw(get: ContainerGet): void {
    this._level -= get.amount;
    if (this._level < 0) throw invariantViolated('container level below 0', { level: this._level });
    grant(get, get.amount);
  }

  private _checkAmount(op: 'put' | 'get', amount: number): void {
    if (!(amount > 0 && amount < Infinity)) {
      throw new ResourceError(
        RESOURCE_ERROR_CODES.INVALID_AMOUNT,
        `Container ${op} amount must be a finite number > 0, got ${String(amount)}.`,
        { amount },
      );
    }
    if (amount > this.capacity) {
      throw new ResourceError(
        RESOURCE_ERROR_CODES.AMOUNT_EXCEEDS_CAPACITY,
        `Container ${op} of ${amount} exceeds its capacity ${this.capacity}: it could never complete.`,
        { amount, capacity: this.capacity },
      );
    }
  }
}
