// Resource: `capacity` identical units shared by processes, granted first come first served (SimPy's Resource).
// Requests are events triggered when granted; releases are events whose processing hands the unit to the next
// waiting request, exactly when SimPy does it, so sample paths match SimPy event for event.
import type { Environment } from '../environment.js';
import { Event } from '../events.js';
import type { Process, ProcessGenerator } from '../process.js';
import { grant } from './trigger.js';
import { checkCapacity, invariantViolated, RESOURCE_ERROR_CODES, ResourceError } from './errors.js';
import { FifoQueue, type Waiter } from './wait-queue.js';

/** Where a request is in its life. */
export type RequestState = 'waiting' | 'held' | 'released' | 'cancelled' | 'preempted';

/** Queue operations shared by the FIFO and the priority waiting lines. */
export interface WaitLine<T extends Waiter> {
  readonly length: number;
  push(item: T): void;
  peek(): T | undefined;
  shift(): T | undefined;
  remove(item: T): boolean;
  toArray(): T[];
}

/** A claim on one unit of a resource; triggered (value undefined) when the unit is granted. */
export class Request extends Event<undefined> implements Waiter {
  // Fields are declared and assigned in the constructor (not class-field initialisers): define-semantics fields on
  // hot event classes cost several times more per allocation in V8.
  declare readonly resource: Resource;
  /** The process that made the request (null outside a process). */
  declare readonly process: Process<unknown> | null;
  /** Time the unit was granted (NaN until then). */
  declare usageSince: number;
  /** @internal */
  declare _queued: boolean;
  /** @internal */
  declare _state: RequestState;

  constructor(resource: Resource) {
    super(resource.env);
    this.resource = resource;
    this.process = resource.env._activeProcess;
    this.usageSince = NaN;
    this._queued = false;
    this._state = 'waiting';
  }

  get state(): RequestState {
    return this._state;
  }

  /** Withdraws a request that is still waiting (SimPy: leaving `with` before the grant). No effect once granted. */
  cancel(): void {
    this.resource._cancel(this);
  }

  /** Same as `resource.release(this)`. */
  release(): Release {
    return this.resource.release(this);
  }

  override toString(): string {
    return `Request(${this._state})`;
  }
}

/** The event of giving a unit back; it succeeds at once, and its processing grants the next waiting request. */
export class Release extends Event<undefined> {
  declare readonly resource: Resource;
  declare readonly request: Request;

  constructor(resource: Resource, request: Request) {
    super(resource.env);
    this.resource = resource;
    this.request = request;
  }
}

export interface ResourceOptions {
  capacity?: number;
}

export class Resource {
  readonly env: Environment;
  readonly capacity: number;
  /** @internal */
  protected readonly _users: Request[] = [];
  /** @internal */
  protected readonly _waiting: WaitLine<Request>;
  /** One callback for all Release events of this resource: no closure per release. */
  private readonly _onRelease = (): void => this._grant();

  constructor(env: Environment, options: ResourceOptions = {}) {
    this.env = env;
    this.capacity = checkCapacity(this.constructor.name, options.capacity ?? 1, false);
    this._waiting = this._createWaitLine();
  }

  /** @internal The waiting line; subclasses order it differently. */
  protected _createWaitLine(): WaitLine<Request> {
    return new FifoQueue<Request>();
  }

  /** Number of units in use. */
  get count(): number {
    return this._users.length;
  }

  /** Granted requests that still hold their unit, in grant order (a live read-only view). */
  get users(): readonly Request[] {
    return this._users;
  }

  /** Waiting requests in the order they will be served (a snapshot). */
  get queue(): readonly Request[] {
    return this._waiting.toArray();
  }

  /** Asks for one unit; yield the returned event to wait for the grant. Takes no options (SimPy's Resource). */
  request(...options: readonly never[]): Request {
    checkRequestOptions(this, options[0], NO_OPTIONS);
    return this._submit(new Request(this));
  }

  /** Gives a held unit back. Releasing a preempted request is a no-op (its unit was already taken). */
  release(request: Request): Release {
    if (request.resource !== this) {
      throw new ResourceError(RESOURCE_ERROR_CODES.FOREIGN_REQUEST, `${request} belongs to another resource.`, {
        now: this.env.now,
      });
    }
    if (request._state !== 'held' && request._state !== 'preempted') {
      throw new ResourceError(
        RESOURCE_ERROR_CODES.RELEASE_NOT_HELD,
        `Cannot release a request that does not hold the resource (state ${request._state}, sim time ${this.env.now}).`,
        { state: request._state, now: this.env.now },
      );
    }
    return this._release(request);
  }

  /**
   * SimPy's `with resource.request() as req:` for generators: requests, waits for the grant, runs `body`, and
   * always gives the unit back (releases it if held, withdraws the request if still waiting), also when the
   * process is interrupted or `body` throws.
   *
   *     yield* resource.using(function* (req) { yield env.timeout(3); });
   */
  using<R>(body: (request: Request) => ProcessGenerator<R>): ProcessGenerator<R> {
    return holding(this.request(), body);
  }

  /**
   * @internal Withdraws a waiting request (SimPy's `cancel`): it leaves the line and nothing else happens; the
   * request behind it is served at the next trigger (a request or a processed release), as in SimPy.
   */
  _cancel(request: Request): void {
    if (request._state !== 'waiting') return;
    this._waiting.remove(request);
    request._state = 'cancelled';
  }

  /**
   * @internal The Release event of `request` (SimPy's Release: its creation frees the unit, its processing tries
   * the head of the line). Also made for a request that holds nothing, as SimPy's `with` does on leaving.
   */
  _release(request: Request): Release {
    if (request._state === 'held') {
      removeUser(this._users, request);
      request._state = 'released';
    }
    const release = new Release(this, request);
    release.addCallback(this._onRelease);
    grant(release, undefined);
    return release;
  }

  /** @internal */
  protected _submit(request: Request): Request {
    if (this._waiting.length === 0 && this._users.length < this.capacity) {
      this._admit(request); // the line is empty, so this request is its head and a unit is free
    } else {
      this._waiting.push(request);
      this._grant();
    }
    return request;
  }

  /**
   * @internal One trigger (SimPy's `_trigger_put`): the head of the line gets a unit if one is free. SimPy's
   * Resource `_do_put` returns nothing, so its loop stops after the head whatever happened: at most one grant per
   * request made or release processed, even when several units are free.
   */
  _grant(): void {
    if (this._users.length >= this.capacity) return;
    const request = this._waiting.shift();
    if (request !== undefined) this._admit(request);
  }

  /** @internal */
  protected _admit(request: Request): void {
    request._state = 'held';
    request.usageSince = this.env.now;
    this._users.push(request);
    if (this._users.length > this.capacity) {
      throw invariantViolated('count exceeds capacity', { count: this._users.length, capacity: this.capacity });
    }
    grant(request, undefined);
  }
}

/**
 * Runs `body` while holding `request`'s unit: waits for the grant first; afterwards releases the unit, or withdraws
 * the request if it was never granted (interrupt while waiting). Works for every kind of resource request.
 */
export function* holding<R>(request: Request, body: (request: Request) => ProcessGenerator<R>): ProcessGenerator<R> {
  try {
    yield request;
    return yield* body(request);
  } finally {
    // SimPy's Request.__exit__: cancel (if still waiting), then release, which makes a Release event in every
    // state; its processing serves the head of the line, so leaving the block is a trigger like any release.
    const resource = request.resource;
    resource._cancel(request);
    resource._release(request);
  }
}

const NO_OPTIONS: readonly string[] = [];

/**
 * Run-time check of request options (plain JavaScript callers get no type error): `options` must be undefined or
 * an object whose keys are all in `allowed`.
 */
export function checkRequestOptions(resource: Resource, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) return;
  const kind = resource.constructor.name;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ResourceError(
      RESOURCE_ERROR_CODES.INVALID_REQUEST_OPTIONS,
      `${kind}.request options must be an object${allowed.length === 0 ? ' (it takes none)' : ''}, got ${String(options)}.`,
      { options: String(options) },
    );
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new ResourceError(
        RESOURCE_ERROR_CODES.INVALID_REQUEST_OPTIONS,
        `${kind}.request does not take the option "${key}" (${allowed.length === 0 ? 'it takes none' : `expected ${allowed.join(', ')}`}).`,
        { option: key, allowed },
      );
    }
  }
}

/** Removes `request` from `users` keeping grant order, without splice's result-array allocation. */
export function removeUser(users: Request[], request: Request): void {
  const n = users.length;
  let i = 0;
  while (i < n && users[i] !== request) i++;
  if (i === n) throw invariantViolated('a held request is not among the users', { now: request.env.now });
  for (; i < n - 1; i++) users[i] = users[i + 1];
  users.pop();
}
