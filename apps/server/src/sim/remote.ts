import { ServerError, ServerErrorCode } from '../errors.js';

/**
 * A typed proxy over an interface whose implementation lives in another thread: every method of `T` is callable,
 * with the same arguments, and answers a promise of its result. Adding a method to the interface (and to its
 * implementation) is all it takes to add an operation; there is no table of operations to keep in step.
 */
export type Remote<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** The method names of an interface, as they cross a thread boundary. */
export type MethodOf<T> = keyof T & string;

/** The arguments and the answer of one method of `T`. */
export type ArgsOf<T, K extends keyof T> = T[K] extends (...args: infer A) => unknown ? A : never;
export type ResultOf<T, K extends keyof T> = T[K] extends (...args: never[]) => infer R ? Awaited<R> : never;

/** One call as it crosses to the implementing thread. */
export interface MethodCall {
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

/**
 * Builds a `Remote<T>` from a function that carries one call (method name and arguments) and answers its result.
 * Method names come from property access, so nothing else lists them. `then` is never a method: the proxy is not a
 * thenable, and `await`ing it by mistake resolves to it instead of calling a method named `then`.
 */
export function remote<T>(invoke: (method: MethodOf<T>, args: readonly unknown[]) => Promise<unknown>): Remote<T> {
  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy(Object.create(null) as Remote<T>, {
    get(_target, property) {
      if (typeof property !== 'string' || property === 'then') return undefined;
      let method = methods.get(property);
      if (method === undefined) {
        method = (...args: unknown[]) => invoke(property as MethodOf<T>, args);
        methods.set(property, method);
      }
      return method;
    },
  });
}

/** The answer to one call, posted back by the implementing thread. */
export type MethodReply<E> =
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: E };

/** A time limit on calls: past it a call is answered with `error(ms)` and its late reply is dropped. */
export interface CallTimeout {
  readonly ms: number;
  readonly error: (ms: number) => Error;
}

interface PendingCall {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout | null;
}

/**
 * The calling side of a `Remote<T>` over one worker: each call posts `{id, method, args}` and waits for the reply
 * with its id; `settle` hands a reply in, `fail` answers one call that could not be delivered, `rejectAll` fails
 * whatever still waits (the worker died or was stopped). A `post` that throws refuses that call with its error.
 */
export class RemoteCalls<T, E> {
  readonly api: Remote<T>;
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 1;

  constructor(
    private readonly post: (call: MethodCall) => void,
    private readonly toError: (error: E) => Error,
    private readonly timeout: CallTimeout | null = null,
  ) {
    this.api = remote<T>((method, args) => this.invoke(method, args));
  }

  /** Calls one method with a time limit other than the default one. */
  call<K extends MethodOf<T>>(method: K, args: ArgsOf<T, K>, timeoutMs?: number): Promise<ResultOf<T, K>> {
    return this.invoke(method, args, timeoutMs) as Promise<ResultOf<T, K>>;
  }

  private invoke(method: MethodOf<T>, args: readonly unknown[], timeoutMs?: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const limit = timeoutMs ?? this.timeout?.ms;
      const timer =
        limit === undefined
          ? null
          : setTimeout(
              () => this.fail(id, this.timeout?.error(limit) ?? new Error(`No answer within ${limit} ms`)),
              limit,
            );
      this.pending.set(id, { resolve, reject, timer });
      try {
        this.post({ id, method, args });
      } catch (error) {
        this.fail(id, error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  settle(reply: MethodReply<E>): void {
    const pending = this.take(reply.id);
    if (pending === undefined) return;
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(this.toError(reply.error));
  }

  /** Answers one waiting call with `error` (it timed out, or could not be delivered). */
  fail(id: number, error: Error): void {
    this.take(id)?.reject(error);
  }

  /** Fails every waiting call, each with an error of its own. */
  rejectAll(error: () => Error): void {
    for (const id of [...this.pending.keys()]) this.fail(id, error());
  }

  private take(id: number): PendingCall | undefined {
    const pending = this.pending.get(id);
    if (pending === undefined) return undefined;
    this.pending.delete(id);
    if (pending.timer !== null) clearTimeout(pending.timer);
    return pending;
  }
}

/**
 * Answers one call in the implementing thread: `callMethod`, then `post` of its reply (its value, or `toError` of
 * what it threw).
 */
export function answerCall<E>(
  target: object,
  api: object,
  call: MethodCall,
  post: (reply: MethodReply<E>) => void,
  toError: (error: unknown) => E,
): Promise<void> {
  return Promise.resolve()
    .then(() => callMethod(target, api, call))
    .then(
      (value) => post({ type: 'reply', id: call.id, ok: true, value }),
      (error: unknown) => post({ type: 'reply', id: call.id, ok: false, error: toError(error) }),
    );
}

/**
 * Calls `call.method` on `target` when it is a method of `api` (the prototype of the implementing class): its own
 * public methods only, never `constructor`, an inherited `Object` method, a field or an ES private helper. Anything
 * else is refused with a typed error, as a programming error between the two threads.
 */
export function callMethod(target: object, api: object, call: MethodCall): unknown {
  const method: unknown = Object.hasOwn(api, call.method) ? (api as Record<string, unknown>)[call.method] : undefined;
  if (call.method === 'constructor' || typeof method !== 'function') {
    throw new ServerError(ServerErrorCode.Internal, `The simulation has no operation "${call.method}"`);
  }
  if (!Array.isArray(call.args)) {
    throw new ServerError(ServerErrorCode.Internal, `The arguments of "${call.method}" are not a list`);
  }
  return (method as (...args: unknown[]) => unknown).apply(target, call.args);
}
