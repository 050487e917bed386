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

/**
 * The calling side of a `Remote<T>` over one worker: each call posts `{id, method, args}` and waits for the reply
 * with its id; `settle` hands a reply in, `rejectAll` fails whatever still waits (the worker died or was stopped).
 */
export class RemoteCalls<T, E> {
  readonly api: Remote<T>;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  constructor(
    post: (call: MethodCall) => void,
    private readonly toError: (error: E) => Error,
  ) {
    this.api = remote<T>(
      (method, args) =>
        new Promise((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject });
          post({ id, method, args });
        }),
    );
  }

  settle(reply: MethodReply<E>): void {
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return;
    this.pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(this.toError(reply.error));
  }

  rejectAll(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const call of pending) call.reject(error);
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
