import koffi from 'koffi';
import { FmiStatus, type ExchangeKind } from '../protocol.js';
import { bindStates, NativeCallError, type NativeFmu, type NativeOptions, type NativeStates } from './native.js';

// Declarations written from the FMI 2.0 standard (section 2.1, 4.2); fmi2Boolean is an int, fmi2Status an enum (int).
const Logger = koffi.proto(
  'void doppel_fmi2Logger(void *env, const char *instance, int status, const char *category, const char *message)',
);
const Allocate = koffi.proto('void *doppel_fmi2Allocate(size_t nobj, size_t size)');
const Release = koffi.proto('void doppel_fmi2Free(void *obj)');
const Callbacks = koffi.struct('doppel_fmi2CallbackFunctions', {
  logger: 'void *',
  allocateMemory: 'void *',
  freeMemory: 'void *',
  stepFinished: 'void *',
  componentEnvironment: 'void *',
});
const FMI2_COSIMULATION = 1;
const FMI2_LAST_SUCCESSFUL_TIME = 2;
const FMI2_TERMINATED = 3;
const STATE_FUNCTIONS = {
  get: 'fmi2GetFMUstate',
  set: 'fmi2SetFMUstate',
  free: 'fmi2FreeFMUstate',
  size: 'fmi2SerializedFMUstateSize',
  serialize: 'fmi2SerializeFMUstate',
  deserialize: 'fmi2DeSerializeFMUstate',
};

/**
 * Loads an FMI 2.0 co-simulation binary. The callback struct and the registered callbacks stay alive until free():
 * FMUs may keep the pointer they were given at instantiation.
 */
export function loadFmi2(options: NativeOptions): NativeFmu {
  const lib = koffi.load(options.binaryPath);
  const libc = koffi.load('libc.so.6');
  const calloc = libc.func('void *calloc(size_t nobj, size_t size)');
  const cfree = libc.func('void free(void *obj)');
  const fn = (signature: string) => {
    try {
      return lib.func(signature);
    } catch (error) {
      throw new NativeCallError(`the binary does not export a required function: ${(error as Error).message}`);
    }
  };
  const version = fn('const char *fmi2GetVersion()');
  const instantiateFn = fn(
    'void *fmi2Instantiate(const char *name, int type, const char *guid, const char *resourceLocation, void *functions, int visible, int loggingOn)',
  );
  const freeInstance = fn('void fmi2FreeInstance(void *c)');
  const setupExperiment = fn(
    'int fmi2SetupExperiment(void *c, int toleranceDefined, double tolerance, double startTime, int stopTimeDefined, double stopTime)',
  );
  const enterInit = fn('int fmi2EnterInitializationMode(void *c)');
  const exitInit = fn('int fmi2ExitInitializationMode(void *c)');
  const terminateFn = fn('int fmi2Terminate(void *c)');
  const getReal = fn('int fmi2GetReal(void *c, const uint32_t *vr, size_t n, _Out_ double *value)');
  const setReal = fn('int fmi2SetReal(void *c, const uint32_t *vr, size_t n, const double *value)');
  const getInteger = fn('int fmi2GetInteger(void *c, const uint32_t *vr, size_t n, _Out_ int32_t *value)');
  const setInteger = fn('int fmi2SetInteger(void *c, const uint32_t *vr, size_t n, const int32_t *value)');
  const getBoolean = fn('int fmi2GetBoolean(void *c, const uint32_t *vr, size_t n, _Out_ int32_t *value)');
  const setBoolean = fn('int fmi2SetBoolean(void *c, const uint32_t *vr, size_t n, const int32_t *value)');
  const getString = fn('int fmi2GetString(void *c, const uint32_t *vr, size_t n, void *value)');
  const setString = fn('int fmi2SetString(void *c, const uint32_t *vr, size_t n, const char **value)');
  const doStepFn = fn('int fmi2DoStep(void *c, double t, double h, int noSetFMUStatePriorToCurrentPoint)');
  const getBooleanStatus = fn('int fmi2GetBooleanStatus(void *c, int kind, _Out_ int32_t *value)');
  const getRealStatus = fn('int fmi2GetRealStatus(void *c, int kind, _Out_ double *value)');

  const reported = version() as string | null;
  if (reported !== '2.0') throw new NativeCallError(`fmi2GetVersion() returned "${String(reported)}", expected "2.0"`);

  const registered = [
    koffi.register(
      (_env: unknown, _instance: string, status: number, category: string | null, message: string | null) =>
        // The standard's logger is variadic; the message is passed on as given (format arguments are not expanded).
        options.log({ status, category: category ?? '', message: message ?? '' }),
      koffi.pointer(Logger),
    ),
    koffi.register((nobj: number, size: number) => calloc(nobj, size) as unknown, koffi.pointer(Allocate)),
    koffi.register((obj: unknown) => {
      if (obj !== null) cfree(obj);
    }, koffi.pointer(Release)),
  ];
  const callbacks = koffi.alloc(Callbacks, 1);
  koffi.encode(callbacks, Callbacks, {
    logger: registered[0],
    allocateMemory: registered[1],
    freeMemory: registered[2],
    stepFinished: null,
    componentEnvironment: null,
  });

  let component: unknown = null;
  let states: NativeStates | null = null;
  const int32Scratch = new Map<number, Int32Array>();
  const ints = (n: number): Int32Array => {
    let array = int32Scratch.get(n);
    if (array === undefined) int32Scratch.set(n, (array = new Int32Array(n)));
    return array;
  };
  const flag = new Int32Array(1);
  const time = new Float64Array(1);

  return {
    instantiate() {
      component = instantiateFn(
        options.instanceName,
        FMI2_COSIMULATION,
        options.instantiationToken,
        options.resourceLocation,
        callbacks,
        0,
        options.loggingOn ? 1 : 0,
      );
      if (component === null) throw new NativeCallError('fmi2Instantiate returned NULL', FmiStatus.Error);
    },
    enterInitializationMode(tolerance, startTime, stopTime) {
      const status = setupExperiment(
        component,
        tolerance === null ? 0 : 1,
        tolerance ?? 0,
        startTime,
        stopTime === null ? 0 : 1,
        stopTime ?? 0,
      ) as number;
      if (status >= FmiStatus.Error) return status;
      return enterInit(component) as number;
    },
    exitInitializationMode: () => exitInit(component) as number,
    setNumbers(kind: ExchangeKind, vrs, values) {
      if (kind === 'float64') return setReal(component, vrs, vrs.length, values) as number;
      const converted = ints(vrs.length);
      for (let i = 0; i < vrs.length; i++) converted[i] = kind === 'boolean' ? (values[i] !== 0 ? 1 : 0) : values[i];
      return (kind === 'int32' ? setInteger : setBoolean)(component, vrs, vrs.length, converted) as number;
    },
    getNumbers(kind: ExchangeKind, vrs, into) {
      if (kind === 'float64') return getReal(component, vrs, vrs.length, into) as number;
      const raw = ints(vrs.length);
      const status = (kind === 'int32' ? getInteger : getBoolean)(component, vrs, vrs.length, raw) as number;
      for (let i = 0; i < vrs.length; i++) into[i] = kind === 'boolean' ? (raw[i] !== 0 ? 1 : 0) : raw[i];
      return status;
    },
    setStrings: (vrs, values) => setString(component, vrs, vrs.length, [...values]) as number,
    getStrings(vrs) {
      const slots = Buffer.alloc(8 * Math.max(1, vrs.length));
      const status = getString(component, vrs, vrs.length, slots) as number;
      const values: string[] = [];
      if (status < FmiStatus.Error)
        for (let i = 0; i < vrs.length; i++) values.push((koffi.decode(slots, 8 * i, 'const char *') as string) ?? '');
      return { status, values };
    },
    doStep(t, h, step) {
      const status = doStepFn(component, t, h, 1) as number;
      let terminated = 0;
      let last = status === FmiStatus.OK || status === FmiStatus.Warning ? t + h : t;
      if (status === FmiStatus.Discard) {
        if ((getBooleanStatus(component, FMI2_TERMINATED, flag) as number) === FmiStatus.OK) terminated = flag[0];
        if ((getRealStatus(component, FMI2_LAST_SUCCESSFUL_TIME, time) as number) === FmiStatus.OK) last = time[0];
      }
      step[0] = status;
      step[1] = terminated;
      step[2] = last;
    },
    terminate: () => terminateFn(component) as number,
    states: () => (states ??= bindStates(fn, STATE_FUNCTIONS, () => component)),
    free() {
      if (component !== null) freeInstance(component);
      component = null;
      for (const callback of registered) koffi.unregister(callback);
      koffi.free(callbacks);
    },
  };
}
