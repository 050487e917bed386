// PriorityResource and PreemptiveResource (SimPy semantics). Waiting requests are served by
// (priority, request time, preempt ? 0 : 1, insertion order): lower priority values first, FIFO among equals.
import type { Environment } from '../environment.js';
import type { Process, ProcessGenerator } from '../process.js';
import { RESOURCE_ERROR_CODES, ResourceError } from './errors.js';
import { holding, Request, Resource, type ResourceOptions, type WaitLine } from './resource.js';
import { HeapQueue } from './wait-queue.js';

export interface PriorityRequestOptions {
  /** Lower is more important; default 0. */
  priority?: number;
}

export interface PreemptiveRequestOptions extends PriorityRequestOptions {
  /** Whether this request may take the unit of a less important user; default true. */
  preempt?: boolean;
}

/** SimPy's ordering key without the insertion tiebreak: (priority, time, not preempt). */
function compareKey(a: Request, b: Request): number {
  if (a.priority !== b.priority) return a.priority < b.priority ? -1 : 1;
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.preempt !== b.preempt) return a.preempt ? -1 : 1;
  return 0;
}

function servedBefore(a: Request, b: Request): boolean {
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
  constructor(env: Environment, options: ResourceOptions = {}) {
    super(env, options);
  }

  protected override _createWaitLine(): WaitLine<Request> {
    return new HeapQueue<Request>(servedBefore);
  }

  override request(options: PriorityRequestOptions = {}): Request {
    return this._submit(new Request(this, checkPriority(options.priority ?? 0), false, this._seq++));
  }

  override using<R>(
    body: (request: Request) => ProcessGenerator<R>,
    options: PriorityRequestOptions = {},
  ): ProcessGenerator<R> {
    return holding(this.request(options), body);
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
  override request(options: PreemptiveRequestOptions = {}): Request {
    return this._submit(new Request(this, checkPriority(options.priority ?? 0), options.preempt ?? true, this._seq++));
  }

  override using<R>(
    body: (request: Request) => ProcessGenerator<R>,
    options: PreemptiveRequestOptions = {},
  ): ProcessGenerator<R> {
    return holding(this.request(options), body);
  }

  /** Before granting, the most important waiting request may evict the least important user (SimPy's rule). */
  override _grant(): void {
    const users = this._users;
    const waiting = this._waiting;
    for (;;) {
      const head = waiting.peek();
      if (head === undefined) return;
      if (users.length >= this.capacity) {
        if (!head.preempt || !this._preemptFor(head)) return;
      }
      waiting.shift();
      this._admit(head);
    }
  }

  private _preemptFor(request: Request): boolean {
    const users = this._users;
    let victimIndex = 0;
    for (let i = 1; i < users.length; i++) {
      // Ties on the key keep the later user (SimPy: last of a stable sort).
      if (compareKey(users[i], users[victimIndex]) >= 0) victimIndex = i;
    }
    const victim = users[victimIndex];
    if (victim === undefined || compareKey(victim, request) <= 0) return false;
    users.splice(victimIndex, 1);
    victim._state = 'preempted';
    const process = victim.process;
    if (process !== null && process.isAlive) {
      process.interrupt(new Preempted(request.process, victim.usageSince, this));
    }
    return true;
  }
}
