import koffi from 'koffi';
import { FmiStatus, type ExchangeKind } from '../protocol.js';
import { bindStates, NativeCallError, type NativeFmu, type NativeOptions, type NativeStates } from './native.js';

const STATE_FUNCTIONS = {
  get: 'fmi3GetFMUState',
  set: 'fmi3SetFMUState',
  free: 'fmi3FreeFMUState',
  size: 'fmi3SerializedFMUStateSize',
  serialize: 'fmi3SerializeFMUState',
  deserialize: 'fmi3DeserializeFMUState',
};

// Declarations written from the FMI 3.0 standard (section 2.2, 4.2); fmi3Boolean is a C99 bool (one byte).
const LogMessage = koffi.proto(
  'void doppel_fmi3LogMessage(void *env, int status, const char *category, const char *message)',
);

/** Loads an FMI 3.0 co-simulation binary; the log callback stays registered until free(). */
export function loadFmi3(options: NativeOptions): NativeFmu {
  const lib = koffi.load(options.binaryPath);
  const fn = (signature: string) => {
    try {
      return lib.func(signature);
    } catch (error) {
      throw new NativeCallError(`the binary does not export a required function: ${(error as Error).message}`);
    }
  };
  const version = fn('const char *fmi3GetVersion()');
  const instantiateFn = fn(
    'void *fmi3InstantiateCoSimulation(const char *name, const char *token, const char *resourcePath, bool visible, bool loggingOn, bool eventModeUsed, bool earlyReturnAllowed, const uint32_t *required, size_t nRequired, void *env, void *logMessage, void *intermediateUpdate)',
  );
  const freeInstance = fn('void fmi3FreeInstance(void *c)');
  const enterInit = fn(
    'int fmi3EnterInitializationMode(void *c, bool toleranceDefined, double tolerance, double startTime, bool stopTimeDefined, double stopTime)',
  );
  const exitInit = fn('int fmi3ExitInitializationMode(void *c)');
  const terminateFn = fn('int fmi3Terminate(void *c)');
  const getFloat64 = fn('int fmi3GetFloat64(void *c, const uint32_t *vr, size_t n, _Out_ double *v, size_t nv)');
  const setFloat64 = fn('int fmi3SetFloat64(void *c, const uint32_t *vr, size_t n, const double *v, size_t nv)');
  const getInt32 = fn('int fmi3GetInt32(void *c, const uint32_t *vr, size_t n, _Out_ int32_t *v, size_t nv)');
  const setInt32 = fn('int fmi3SetInt32(void *c, const uint32_t *vr, size_t n, const int32_t *v, size_t nv)');
  const getBoolean = fn('int fmi3GetBoolean(void *c, const uint32_t *vr, size_t n, _Out_ uint8_t *v, size_t nv)');
  const setBoolean = fn('int fmi3SetBoolean(void *c, const uint32_t *vr, size_t n, const uint8_t *v, size_t nv)');
  const optional = (signature: string) => {
    try {
      return lib.func(signature);
    } catch {
      return null;
    }
  };
  const getString = optional('int fmi3GetString(void *c, const uint32_t *vr, size_t n, void *v, size_t nv)');
  const setString = optional('int fmi3SetString(void *c, const uint32_t *vr, size_t n, const char **v, size_t nv)');
  const doStepFn = fn(
    'int fmi3DoStep(void *c, double t, double h, bool noSetFMUStatePriorToCurrentPoint, _Out_ uint8_t *eventHandlingNeeded, _Out_ uint8_t *terminateSimulation, _Out_ uint8_t *earlyReturn, _Out_ double *lastSuccessfulTime)',
  );

  const reported = version() as string | null;
  if (reported === null || !/^3\./.test(reported))
    throw new NativeCallError(`fmi3GetVersion() returned "${String(reported)}", expected "3.x"`);

  const logger = koffi.register(
    (_env: unknown, status: number, category: string | null, message: string | null) =>
      options.log({ status, category: category ?? '', message: message ?? '' }),
    koffi.pointer(LogMessage),
  );
  let instance: unknown = null;
  let states: NativeStates | null = null;
  const scratchInt = new Map<number, Int32Array>();
  const scratchBool = new Map<number, Uint8Array>();
  const scratch = <T>(cache: Map<number, T>, n: number, make: (n: number) => T): T => {
    let array = cache.get(n);
    if (array === undefined) cache.set(n, (array = make(n)));
    return array;
  };
  const flags = new Uint8Array(3);
  const last = new Float64Array(1);
  const noString = () => {
    throw new NativeCallError('the binary does not export fmi3GetString/fmi3SetString');
  };

  return {
    instantiate() {
      instance = instantiateFn(
        options.instanceName,
        options.instantiationToken,
        options.resourceLocation,
        false,
        options.loggingOn,
        false,
        false,
        null,
        0,
        null,
        logger,
        null,
      );
      if (instance === null) throw new NativeCallError('fmi3InstantiateCoSimulation returned NULL', FmiStatus.Error);
    },
    enterInitializationMode: (tolerance, startTime, stopTime) =>
      enterInit(instance, tolerance !== null, tolerance ?? 0, startTime, stopTime !== null, stopTime ?? 0) as number,
    exitInitializationMode: () => exitInit(instance) as number,
    setNumbers(kind: ExchangeKind, vrs, values) {
      const n = vrs.length;
      if (kind === 'float64') return setFloat64(instance, vrs, n, values, n) as number;
      if (kind === 'int32') {
        const converted = scratch(scratchInt, n, (k) => new Int32Array(k));
        for (let i = 0; i < n; i++) converted[i] = values[i];
        return setInt32(instance, vrs, n, converted, n) as number;
      }
      const converted = scratch(scratchBool, n, (k) => new Uint8Array(k));
      for (let i = 0; i < n; i++) converted[i] = values[i] !== 0 ? 1 : 0;
      return setBoolean(instance, vrs, n, converted, n) as number;
    },
    getNumbers(kind: ExchangeKind, vrs, into) {
      const n = vrs.length;
      if (kind === 'float64') return getFloat64(instance, vrs, n, into, n) as number;
      if (kind === 'int32') {
        const raw = scratch(scratchInt, n, (k) => new Int32Array(k));
        const status = getInt32(instance, vrs, n, raw, n) as number;
        for (let i = 0; i < n; i++) into[i] = raw[i];
        return status;
      }
      const raw = scratch(scratchBool, n, (k) => new Uint8Array(k));
      const status = getBoolean(instance, vrs, n, raw, n) as number;
      for (let i = 0; i < n; i++) into[i] = raw[i] !== 0 ? 1 : 0;
      return status;
    },
    setStrings(vrs, values) {
      if (setString === null) return noString();
      return setString(instance, vrs, vrs.length, [...values], vrs.length) as number;
    },
    getStrings(vrs) {
      if (getString === null) return noString();
      const slots = Buffer.alloc(8 * Math.max(1, vrs.length));
      const status = getString(instance, vrs, vrs.length, slots, vrs.length) as number;
      const values: string[] = [];
      if (status < FmiStatus.Error)
        for (let i = 0; i < vrs.length; i++) values.push((koffi.decode(slots, 8 * i, 'const char *') as string) ?? '');
      return { status, values };
    },
    doStep(t, h, step) {
      const status = doStepFn(
        instance,
        t,
        h,
        true,
        flags.subarray(0, 1),
        flags.subarray(1, 2),
        flags.subarray(2, 3),
        last,
      ) as number;
      step[0] = status;
      step[1] = flags[1];
      step[2] = status <= FmiStatus.Discard ? last[0] : t;
    },
    terminate: () => terminateFn(instance) as number,
    states: () => (states ??= bindStates(fn, STATE_FUNCTIONS, () => instance)),
    free() {
      if (instance !== null) freeInstance(instance);
      instance = null;
      koffi.unregister(logger);
    },
  };
}
