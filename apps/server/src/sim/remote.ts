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
