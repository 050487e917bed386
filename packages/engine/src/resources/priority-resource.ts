// PriorityResource and PreemptiveResource (SimPy semantics). Waiting requests are served by
// (priority, request time, preempt ? 0 : 1, insertion order): lower priority values first, FIFO among equals.
import type { Environment } from '../environment.js';
import type { Process, ProcessGenerator } from '../process.js';
import { RESOURCE_ERROR_CODES, ResourceError } from './errors.js';
import { holding, removeUser, Request, Resource, type ResourceOptions, type WaitLine } from './resource.js';
import { HeapQueue } from './wait-queue.js';

export interface PriorityRequestOptions {
  /** Lower is more important; default 0. */
  priority?: number;
}

export interface PreemptiveRequestOptions extends PriorityRequestOptions {
  /** Whether this request may take the unit of a less important user; default true. */
  preempt?: boolean;
}

/** A request with a priority (SimPy's PriorityRequest); served by (priority, time, not preempt, insertion order). */
export class PriorityRequest extends Request {
  /** Simulation time at which the request was made. */
  declare readonly time: number;
  /** Lower is more important. */
  declare readonly priority: number;
  /** Whether this request may preempt a less important user (PreemptiveResource only). */
  declare readonly preempt: boolean;
  /** Insertion order within the resource: the final FIFO tiebreak. */
  declare readonly seq: number;

  constructor(resource: PriorityResource, priority: number, preempt: boolean, seq: number) {
    super(resource);
    this.time = resource.env._now;
    this.priority = priority;
    this.preempt = preempt;
    this.seq = seq;
  }

  override toString(): string {
    return `PriorityRequest(${this._state}, priority=${this.priority})`;
  }
}

/** SimPy's ordering key without the insertion tiebreak: (priority, time, not preempt). */
function compareKey(a: PriorityRequest, b: PriorityRequest): number {
  if (a.priority !== b.priority) return a.priority < b.priority ? -1 : 1;
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.preempt !== b.preempt) return a.preempt ? -1 : 1;
  return 0;
}

function servedBefore(a: PriorityRequest, b: PriorityRequest): boolean {
  const c = compareKey(a, b);
  return c !== 0 ? c < 0 : a.seq < b.seq;
}

function checkPriority(priority: number): number {
  if (!Number.isFinite(priority)) {
    throw new ResourceError(
      RESOURCE_ERROR_CODES.INVALID_REQUEST_PRIORITY,
      `Request priority must be a finite number, got ${String(priority)}.`,
      { priority },
    );
  }
  return priority;
}

export class PriorityResource extends Resource {
  /** @internal */
  protected _seq = 0;

  constructor(env: Environment, options: ResourceOptions = {}) {
    super(env, options);
  }

  protected override _createWaitLine(): WaitLine<Request> {
    // Only PriorityRequests ever enter this line (request() is the only way in).
    return new HeapQueue<PriorityRequest>(servedBefore) as unknown as WaitLine<Request>;
  }

  override get users(): readonly PriorityRequest[] {
    return this._users as PriorityRequest[];
  }

  override get queue(): readonly PriorityRequest[] {
    return this._waiting.toArray() as PriorityRequest[];
  }

  override request(options: PriorityRequestOptions = {}): PriorityRequest {
    return this._submit(
      new PriorityRequest(this, checkPriority(options.priority ?? 0), false, this._seq++),
    ) as PriorityRequest;
  }

  override using<R>(
    body: (request: PriorityRequest) => ProcessGenerator<R>,
    options: PriorityRequestOptions = {},
  ): ProcessGenerator<R> {
    return holding(this.request(options), body as (request: Request) => ProcessGenerator<R>);
  }
}

/** Cause of the Interrupt a preempted user's process receives (SimPy's `Preempted`). */
export class Preempted {
  constructor(
    /** The process whose request took the unit (null if it was made outside a process). */
    readonly by: Process<unknown> | null,
    /** When the preempted request had been granted. */
    readonly usageSince: number,
    readonly resource: PreemptiveResource,
  ) {}

  toString(): string {
    return `Preempted(by=${this.by?.name ?? 'null'}, usageSince=${this.usageSince})`;
  }
}

export class PreemptiveResource extends PriorityResource {
  override request(options: PreemptiveRequestOptions = {}): PriorityRequest {
    const priority = checkPriority(options.priority ?? 0);
    return this._submit(new PriorityRequest(this, priority, options.preempt ?? true, this._seq++)) as PriorityRequest;
  }

  override using<R>(
    body: (request: PriorityRequest) => ProcessGenerator<R>,
    options: PreemptiveRequestOptions = {},
  ): ProcessGenerator<R> {
    return holding(this.request(options), body as (request: Request) => ProcessGenerator<R>);
  }

  /** Before granting, the most important waiting request may evict the least important user (SimPy's rule). */
  override _grant(): void {
    const users = this._users;
    const waiting = this._waiting;
    for (;;) {
      const head = waiting.peek() as PriorityRequest | undefined;
      if (head === undefined) return;
      if (users.length >= this.capacity) {
        if (!head.preempt || !this._preemptFor(head)) return;
      }
      waiting.shift();
      this._admit(head);
    }
  }

  private _preemptFor(request: PriorityRequest): boolean {
    const users = this._users as PriorityRequest[];
    let victimIndex = 0;
    for (let i = 1; i < users.length; i++) {
      // Ties on the key keep the later user (SimPy: last of a stable sort).
      if (compareKey(users[i], users[victimIndex]) >= 0) victimIndex = i;
    }
    const victim = users[victimIndex];
    if (victim === undefined || compareKey(victim, request) <= 0) return false;
    removeUser(users, victim);
    victim._state = 'preempted';
    const process = victim.process;
    if (process !== null && process.isAlive) {
      process.interrupt(new Preempted(request.process, victim.usageSince, this));
    }
    return true;
  }
}
