// PriorityResource and PreemptiveResource (SimPy semantics). Waiting requests are served by SimPy's key
// (priority, request time, not preempt), then insertion order: lower priority values first, FIFO among equals.
import type { Environment } from '../environment.js';
import type { Process, ProcessGenerator } from '../process.js';
import { RESOURCE_ERROR_CODES, ResourceError } from './errors.js';
import {
  checkRequestOptions,
  holding,
  removeUser,
  Request,
  Resource,
  type ResourceOptions,
  type WaitLine,
} from './resource.js';
import { HeapQueue } from './wait-queue.js';

export interface PriorityRequestOptions {
  /** Lower is more important; default 0. */
  priority?: number;
  /**
   * Default true (SimPy). On a PreemptiveResource: whether this request may take the unit of a less important
   * user. On both kinds it is part of the service order: at equal priority and request time, a preempting request
   * is served first (SimPy's key `(priority, time, not preempt)`).
   */
  preempt?: boolean;
}

/** The same options: SimPy's PriorityResource and PreemptiveResource share `request(priority, preempt)`. */
export type PreemptiveRequestOptions = PriorityRequestOptions;

const REQUEST_OPTIONS: readonly string[] = ['priority', 'preempt'];

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

function checkPriority(priority: unknown): number {
  if (typeof priority !== 'number' || !Number.isFinite(priority)) {
    throw new ResourceError(
      RESOURCE_ERROR_CODES.INVALID_REQUEST_PRIORITY,
      `Request priority must be a finite number, got ${String(priority)}.`,
      { priority: String(priority) },
    );
  }
  return priority;
}

function checkPreempt(preempt: unknown): boolean {
  if (typeof preempt !== 'boolean') {
    throw new ResourceError(
      RESOURCE_ERROR_CODES.INVALID_REQUEST_OPTIONS,
      `Request option "preempt" must be true or false, got ${String(preempt)}.`,
      { option: 'preempt', value: String(preempt) },
    );
  }
  return preempt;
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

  override request(options?: PriorityRequestOptions): PriorityRequest {
    checkRequestOptions(this, options, REQUEST_OPTIONS);
    const priority = checkPriority(options?.priority ?? 0);
    const preempt = checkPreempt(options?.preempt ?? true);
    return this._submit(new PriorityRequest(this, priority, preempt, this._seq++)) as PriorityRequest;
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
  /**
   * One trigger (SimPy's PreemptiveResource `_do_put` on the head of the line): if every unit is taken and the head
   * may preempt, the least important user is evicted when its key is strictly greater than the head's; then the
   * head gets the unit if one is free. SimPy's `_do_put` returns nothing, so the trigger ends there: the request
   * behind the head neither preempts nor is granted until the next trigger.
   */
  override _grant(): void {
    const head = this._waiting.peek() as PriorityRequest | undefined;
    if (head === undefined) return;
    if (this._users.length >= this.capacity && head.preempt) this._preemptFor(head);
    if (this._users.length < this.capacity) {
      this._waiting.shift();
      this._admit(head);
    }
  }

  private _preemptFor(request: PriorityRequest): void {
    const users = this._users as PriorityRequest[];
    let victimIndex = 0;
    for (let i = 1; i < users.length; i++) {
      // Ties on the key keep the later user (SimPy: last of a stable sort).
      if (compareKey(users[i], users[victimIndex]) >= 0) victimIndex = i;
    }
    const victim = users[victimIndex];
    if (victim === undefined || compareKey(victim, request) <= 0) return;
    const process = victim.process;
    if (process === null) {
      // SimPy fails here too (the request has no process to interrupt); evicting silently would lose the fact
      // that the holder never learns it lost the unit.
      throw new ResourceError(
        RESOURCE_ERROR_CODES.PREEMPT_WITHOUT_PROCESS,
        `A request made outside any process holds the unit that ${request} preempts at sim time ${this.env.now}: ` +
          'nobody could be told. Make preemptible requests from processes, or request with preempt: false.',
        { now: this.env.now, priority: victim.priority },
      );
    }
    removeUser(users, victim);
    victim._state = 'preempted';
    // A finished process cannot be interrupted: interrupt() throws DOPPEL_ERR_PROCESS_DEAD, as SimPy raises.
    process.interrupt(new Preempted(request.process, victim.usageSince, this));
  }
}
