import type { ExchangeKind, HostLog } from '../protocol.js';

/** What the host needs of an FMU binary, the same for FMI 2.0 and 3.0. Calls return the FMI status. */
export interface NativeFmu {
  instantiate(): void;
  enterInitializationMode(tolerance: number | null, startTime: number, stopTime: number | null): number;
  exitInitializationMode(): number;
  setNumbers(kind: ExchangeKind, vrs: Uint32Array, values: Float64Array): number;
  getNumbers(kind: ExchangeKind, vrs: Uint32Array, into: Float64Array): number;
  setStrings(vrs: Uint32Array, values: readonly string[]): number;
  getStrings(vrs: Uint32Array): { status: number; values: string[] };
  /** Result in `step`: [status, terminated (0/1), lastSuccessfulTime]. */
  doStep(t: number, h: number, step: Float64Array): void;
  terminate(): number;
  free(): void;
  /** The FMU state functions (looked up on first use: only FMUs that declare the capability export them). */
  states(): NativeStates;
}

/** fmi2/fmi3 Get, Set, Free, Serialize and Deserialize FMU state; a state is the FMU's opaque pointer. */
export interface NativeStates {
  get(): unknown;
  set(state: unknown): void;
  free(state: unknown): void;
  serialize(state: unknown): Uint8Array;
  deserialize(bytes: Uint8Array): unknown;
}

/** The five state functions of a binary, FMI 2.0 or 3.0 spelling (`Get`, `Set`, `Free`, `Size`, `Serialize`, `Deserialize`). */
export interface StateFunctionNames {
  readonly get: string;
  readonly set: string;
  readonly free: string;
  readonly size: string;
  readonly serialize: string;
  readonly deserialize: string;
}

type NativeFunction = (...args: unknown[]) => unknown;

/**
 * Binds the state functions of a loaded binary with koffi. Every call's status is checked: a state call that fails
 * throws with the function's name and status.
 */
export function bindStates(
  lookup: (signature: string) => NativeFunction,
  names: StateFunctionNames,
  instance: () => unknown,
): NativeStates {
  const get = lookup(`int ${names.get}(void *c, _Inout_ void **state)`);
  const set = lookup(`int ${names.set}(void *c, void *state)`);
  const free = lookup(`int ${names.free}(void *c, _Inout_ void **state)`);
  const size = lookup(`int ${names.size}(void *c, void *state, _Out_ size_t *size)`);
  const serialize = lookup(`int ${names.serialize}(void *c, void *state, _Out_ uint8_t *bytes, size_t size)`);
  const deserialize = lookup(
    `int ${names.deserialize}(void *c, const uint8_t *bytes, size_t size, _Out_ void **state)`,
  );
  const check = (name: string, status: unknown): void => {
    if (typeof status !== 'number' || status >= 3)
      throw new NativeCallError(`${name} returned status ${String(status)}`, Number(status));
  };
  return {
    get() {
      const slot: unknown[] = [null];
      check(names.get, get(instance(), slot));
      return slot[0];
    },
    set: (state) => check(names.set, set(instance(), state)),
    free(state) {
      check(names.free, free(instance(), [state]));
    },
    serialize(state) {
      const length: number[] = [0];
      check(names.size, size(instance(), state, length));
      const bytes = new Uint8Array(Number(length[0]));
      check(names.serialize, serialize(instance(), state, bytes, bytes.length));
      return bytes;
    },
    deserialize(bytes) {
      const slot: unknown[] = [null];
      check(names.deserialize, deserialize(instance(), bytes, bytes.length, slot));
      return slot[0];
    },
  };
}

export interface NativeOptions {
  readonly binaryPath: string;
  readonly instanceName: string;
  readonly instantiationToken: string;
  readonly resourceLocation: string;
  readonly loggingOn: boolean;
  readonly log: (entry: HostLog) => void;
}

/** A failed FMI call inside the host: the function's name and status go back to the caller. */
export class NativeCallError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
