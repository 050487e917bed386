/**
 * The host process of one FMU instance: loads the binary with koffi and serves the frames of protocol.ts on
 * stdin/stdout. Native code that crashes or hangs takes down this process only; its parent reports a typed error.
 */
import { readSync, writeSync } from 'node:fs';
import koffi from 'koffi';
import {
  FmiStatus,
  FrameReader,
  FrameType,
  HEADER_BYTES,
  frame,
  jsonFrame,
  stepReplyBytes,
  type ExchangeKind,
  type ExchangeVariable,
  type HostReply,
  type HostRequest,
  type LoadRequest,
} from '../protocol.js';
import { loadFmi2 } from './native-fmi2.js';
import { loadFmi3 } from './native-fmi3.js';
import { NativeCallError, type NativeFmu } from './native.js';

interface Group {
  readonly kind: ExchangeKind;
  readonly vrs: Uint32Array;
  /** Position of each value in the wire order. */
  readonly positions: readonly number[];
  readonly values: Float64Array;
}

const STATUS_NAMES = ['OK', 'Warning', 'Discard', 'Error', 'Fatal', 'Pending'];

let fmu: NativeFmu | null = null;
let prefix = 'fmi2';
let inputs: Group[] = [];
let outputs: Group[] = [];
let inputCount = 0;
let outputCount = 0;
const stepResult = new Float64Array(3);
/** Saved FMU states by handle number (the FMU's pointers never leave this process). */
const savedStates = new Map<number, unknown>();
let nextState = 1;

function savedState(handle: number): unknown {
  const state = savedStates.get(handle);
  if (state === undefined) throw new NativeCallError(`no saved FMU state ${handle} in this host`);
  return state;
}

function keepState(state: unknown): number {
  const handle = nextState++;
  savedStates.set(handle, state);
  return handle;
}

function groups(variables: readonly ExchangeVariable[]): Group[] {
  const kinds: ExchangeKind[] = ['float64', 'int32', 'boolean'];
  return kinds
    .map((kind) => {
      const positions = variables.flatMap((variable, index) => (variable.kind === kind ? [index] : []));
      return {
        kind,
        vrs: Uint32Array.from(positions.map((index) => variables[index].valueReference)),
        positions,
        values: new Float64Array(positions.length),
      };
    })
    .filter((group) => group.positions.length > 0);
}

/**
 * Two ways to be spoken to: over stdin/stdout (the default), or — for callers that must step synchronously — over the
 * pipe on fd 3 (requests) and fd 4 (replies), read here with blocking reads.
 */
const SYNC = process.env.DOPPEL_FMU_HOST_SYNC === '1';
const IN_FD = SYNC ? 3 : 0;
const OUT_FD = SYNC ? 4 : 1;

// Replies go out with a blocking write: no stream machinery on the per-step path, and the order of log
// frames (written from inside FMI calls) and replies is the order of the writes.
function write(bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(OUT_FD, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

function send(type: number, body: Uint8Array): void {
  write(frame(type, body));
}

function check(call: string, status: number): void {
  if (status >= FmiStatus.Error)
    throw new NativeCallError(`${prefix}${call} returned ${prefix}${STATUS_NAMES[status] ?? status}`, status);
}

function current(): NativeFmu {
  if (fmu === null) throw new NativeCallError('no FMU is loaded in this host');
  return fmu;
}

function load(request: LoadRequest): void {
  if (fmu !== null) throw new NativeCallError('this host already runs an FMU instance');
  prefix = request.fmiVersion === '2.0' ? 'fmi2' : 'fmi3';
  const options = {
    binaryPath: request.binaryPath,
    instanceName: request.instanceName,
    instantiationToken: request.instantiationToken,
    resourceLocation: request.resourceLocation,
    loggingOn: request.loggingOn,
    log: (entry: { status: number; category: string; message: string }) =>
      send(FrameType.Log, Buffer.from(JSON.stringify(entry))),
  };
  const loaded = request.fmiVersion === '2.0' ? loadFmi2(options) : loadFmi3(options);
  loaded.instantiate();
  fmu = loaded;
  inputs = groups(request.inputs);
  outputs = groups(request.outputs);
  inputCount = request.inputs.length;
  outputCount = request.outputs.length;
}

function handleJson(request: HostRequest): unknown {
  switch (request.op) {
    case 'load':
      return load(request);
    case 'set': {
      const native = current();
      for (const kind of ['float64', 'int32', 'boolean'] as const) {
        const items = request.values.filter((item) => item.kind === kind);
        if (items.length === 0) continue;
        const vrs = Uint32Array.from(items.map((item) => item.valueReference));
        const values = Float64Array.from(items.map((item) => Number(item.value)));
        check(
          kind === 'float64'
            ? prefix === 'fmi2'
              ? 'SetReal'
              : 'SetFloat64'
            : kind === 'int32'
              ? prefix === 'fmi2'
                ? 'SetInteger'
                : 'SetInt32'
              : 'SetBoolean',
          native.setNumbers(kind, vrs, values),
        );
      }
      const strings = request.values.filter((item) => item.kind === 'string');
      if (strings.length > 0)
        check(
          'SetString',
          native.setStrings(
            Uint32Array.from(strings.map((item) => item.valueReference)),
            strings.map((item) => String(item.value)),
          ),
        );
      return undefined;
    }
    case 'get': {
      const native = current();
      return request.variables.map((variable) => {
        const vrs = Uint32Array.of(variable.valueReference);
        if (variable.kind === 'string') {
          const { status, values } = native.getStrings(vrs);
          check('GetString', status);
          return values[0];
        }
        const into = new Float64Array(1);
        check(`Get(${variable.kind})`, native.getNumbers(variable.kind, vrs, into));
        return variable.kind === 'boolean' ? into[0] !== 0 : into[0];
      });
    }
    case 'enterInitializationMode':
      check(
        'EnterInitializationMode',
        current().enterInitializationMode(request.tolerance, request.startTime, request.stopTime),
      );
      return undefined;
    case 'exitInitializationMode':
      check('ExitInitializationMode', current().exitInitializationMode());
      return undefined;
    case 'terminate':
      check('Terminate', current().terminate());
      return undefined;
    case 'getState':
      return keepState(current().states().get());
    case 'setState':
      current().states().set(savedState(request.state));
      return undefined;
    case 'freeState':
      current().states().free(savedState(request.state));
      savedStates.delete(request.state);
      return undefined;
    case 'serializeState':
      return Buffer.from(current().states().serialize(savedState(request.state))).toString('base64');
    case 'deserializeState':
      return keepState(current().states().deserialize(Buffer.from(request.bytes, 'base64')));
    case 'free':
      // The standard frees saved states before the instance they belong to.
      for (const state of savedStates.values()) fmu?.states().free(state);
      savedStates.clear();
      fmu?.free();
      fmu = null;
      return undefined;
  }
}

/** One step at `body[offset]`: inputs set, doStep, outputs read; the reply is written into `reply` at `at`. */
function step(body: Buffer, offset: number, reply: Buffer, at: number): number {
  const native = current();
  const t = body.readDoubleLE(offset);
  const h = body.readDoubleLE(offset + 8);
  for (const group of inputs) {
    for (let i = 0; i < group.positions.length; i++)
      group.values[i] = body.readDoubleLE(offset + 16 + 8 * group.positions[i]);
    check('Set', native.setNumbers(group.kind, group.vrs, group.values));
  }
  native.doStep(t, h, stepResult);
  const status = stepResult[0];
  let hasOutputs = status === FmiStatus.OK || status === FmiStatus.Warning || status === FmiStatus.Discard;
  if (hasOutputs)
    for (const group of outputs) {
      if (native.getNumbers(group.kind, group.vrs, group.values) >= FmiStatus.Error) {
        hasOutputs = false;
        break;
      }
      for (let i = 0; i < group.positions.length; i++)
        reply.writeDoubleLE(group.values[i], at + 16 + 8 * group.positions[i]);
    }
  reply.writeUInt8(status, at);
  reply.writeUInt8(stepResult[1] !== 0 ? 1 : 0, at + 1);
  reply.writeUInt8(hasOutputs ? 1 : 0, at + 2);
  reply.writeDoubleLE(stepResult[2], at + 8);
  return status;
}

/** The reply frame of a single step, header included, reused for every step. */
let stepFrame = Buffer.alloc(0);

function onFrame(type: number, body: Buffer): void {
  if (type === FrameType.Json) {
    const request = JSON.parse(body.toString('utf8')) as HostRequest;
    let reply: HostReply;
    try {
      const result = handleJson(request);
      reply = result === undefined ? { ok: true } : { ok: true, result };
    } catch (error) {
      const status = error instanceof NativeCallError ? error.status : undefined;
      reply = { ok: false, message: (error as Error).message, ...(status !== undefined ? { status } : {}) };
    }
    write(jsonFrame(FrameType.Json, reply));
    if (request.op === 'free') process.exit(0);
    return;
  }
  const stride = 16 + 8 * inputCount;
  const replyBytes = stepReplyBytes(outputCount);
  if (type === FrameType.Step) {
    if (stepFrame.length !== HEADER_BYTES + replyBytes) {
      stepFrame = Buffer.alloc(HEADER_BYTES + replyBytes);
      stepFrame.writeUInt32LE(replyBytes, 0);
      stepFrame.writeUInt8(FrameType.Step, 4);
    }
    stepFrame.fill(0, HEADER_BYTES);
    try {
      step(body, 0, stepFrame, HEADER_BYTES);
    } catch (error) {
      write(jsonFrame(FrameType.Json, { ok: false, message: (error as Error).message }));
      return;
    }
    write(stepFrame);
    return;
  }
  if (type === FrameType.Steps) {
    const n = body.readUInt32LE(0);
    const reply = Buffer.alloc(4 + n * replyBytes);
    let done = 0;
    try {
      for (; done < n; done++) {
        const status = step(body, 4 + done * stride, reply, 4 + done * replyBytes);
        const terminated = reply.readUInt8(4 + done * replyBytes + 1) === 1;
        if (status !== FmiStatus.OK && status !== FmiStatus.Warning) {
          done++;
          break;
        }
        if (terminated) {
          done++;
          break;
        }
      }
    } catch (error) {
      write(jsonFrame(FrameType.Json, { ok: false, message: (error as Error).message }));
      return;
    }
    reply.writeUInt32LE(done, 0);
    send(FrameType.Steps, reply.subarray(0, 4 + done * replyBytes));
  }
}

// Die with the parent: a host stuck in native code never reads the end of stdin, so the kernel must end it
// (prctl PR_SET_PDEATHSIG = 1, SIGKILL = 9). If the parent is already gone (we were re-parented before the call
// took effect), leave at once; the parent's pid comes from the environment, so a parent that is pid 1 works too.
const libc = koffi.load('libc.so.6');
libc.func('int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)')(
  1,
  9,
  0,
  0,
  0,
);
if (process.env.DOPPEL_FMU_PARENT_PID !== undefined && String(process.ppid) !== process.env.DOPPEL_FMU_PARENT_PID)
  process.exit(0);

function release(): never {
  try {
    fmu?.free();
  } finally {
    process.exit(0);
  }
}

const reader = new FrameReader(onFrame);
if (SYNC) {
  const chunk = Buffer.alloc(64 * 1024);
  for (;;) {
    let read: number;
    try {
      read = readSync(IN_FD, chunk, 0, chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw error;
    }
    // The caller closed its end: release the instance and leave.
    if (read === 0) release();
    reader.push(Buffer.from(chunk.subarray(0, read)));
  }
} else {
  process.stdin.on('data', (data: Buffer) => reader.push(data));
  // The parent went away: release the instance and leave.
  process.stdin.on('end', release);
}
