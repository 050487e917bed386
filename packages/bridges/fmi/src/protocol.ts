/**
 * The wire between an FMU instance and its host process: length-prefixed frames over the child's stdin/stdout.
 * Control calls travel as JSON; the per-step exchange (set inputs, doStep, get outputs) is one binary frame each way,
 * so a co-simulation step costs one round trip and no JSON. Every exchanged value is a float64 on the wire (int32
 * and boolean values are exact in a double); strings go through the JSON `get`/`set` calls.
 *
 * Frame: u32 LE body length, u8 frame type, body.
 */
export const FrameType = {
  /** Either way: UTF-8 JSON (a {@link HostRequest} to the host, a {@link HostReply} back). */
  Json: 1,
  /** To the host: f64 t, f64 h, f64 × inputs. Back: a {@link StepOutcome} (see encode/decodeStepReply). */
  Step: 2,
  /** To the host: u32 n, then n × (f64 t, f64 h, f64 × inputs). Back: u32 k, then k step replies (k < n: stopped). */
  Steps: 3,
  /** From the host, any time before a reply: a log message of the FMU (JSON {@link HostLog}). */
  Log: 4,
} as const;

export const HEADER_BYTES = 5;

export type ValueKind = 'float64' | 'int32' | 'boolean' | 'string';
export type ExchangeKind = Exclude<ValueKind, 'string'>;

export interface ExchangeVariable {
  readonly valueReference: number;
  readonly kind: ExchangeKind;
}

export interface LoadRequest {
  readonly op: 'load';
  readonly fmiVersion: '2.0' | '3.0';
  readonly binaryPath: string;
  readonly instanceName: string;
  readonly instantiationToken: string;
  /** FMI 2.0: the file:// URI of the resources folder; FMI 3.0: its absolute path with a trailing separator. */
  readonly resourceLocation: string;
  readonly loggingOn: boolean;
  readonly inputs: readonly ExchangeVariable[];
  readonly outputs: readonly ExchangeVariable[];
}

export interface ValueItem {
  readonly valueReference: number;
  readonly kind: ValueKind;
  readonly value: number | boolean | string;
}

export type HostRequest =
  | LoadRequest
  | { readonly op: 'set'; readonly values: readonly ValueItem[] }
  | { readonly op: 'get'; readonly variables: readonly { valueReference: number; kind: ValueKind }[] }
  | {
      readonly op: 'enterInitializationMode';
      readonly tolerance: number | null;
      readonly startTime: number;
      readonly stopTime: number | null;
    }
  | { readonly op: 'exitInitializationMode' }
  /** Saves the FMU's state in the host (fmi2GetFMUstate / fmi3GetFMUState); the result is its handle number. */
  | { readonly op: 'getState' }
  | { readonly op: 'setState'; readonly state: number }
  | { readonly op: 'freeState'; readonly state: number }
  /** The saved state as bytes (result: base64), restorable into another instance of the same FMU. */
  | { readonly op: 'serializeState'; readonly state: number }
  /** Bytes of a serialized state (base64) back into a saved state of this instance; the result is its handle. */
  | { readonly op: 'deserializeState'; readonly bytes: string }
  | { readonly op: 'terminate' }
  | { readonly op: 'free' };

export type HostReply =
  | { readonly ok: true; readonly result?: unknown }
  | { readonly ok: false; readonly message: string; readonly status?: number };

export interface HostLog {
  readonly status: number;
  readonly category: string;
  readonly message: string;
}

/** FMI status values shared by 2.0 and 3.0 (3.0 has no Pending). */
export const FmiStatus = { OK: 0, Warning: 1, Discard: 2, Error: 3, Fatal: 4, Pending: 5 } as const;

export interface StepOutcome {
  readonly status: number;
  /** The FMU asked to end the simulation (fmi2Terminated / fmi3 terminateSimulation). */
  readonly terminated: boolean;
  /** Where the FMU's time is after the call (the end of the step unless it was discarded). */
  readonly lastSuccessfulTime: number;
  /** Output values in exchange order; present when status is OK or Warning. */
  readonly outputs: Float64Array | null;
}

/** Bytes of one step reply with `outputs` values: u8 status, u8 terminated, u8 hasOutputs, 5 pad, f64 time, values. */
export const stepReplyBytes = (outputs: number): number => 16 + 8 * outputs;

export function frame(type: number, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt8(type, 4);
  out.set(body, HEADER_BYTES);
  return out;
}

export function jsonFrame(type: number, value: unknown): Buffer {
  return frame(type, Buffer.from(JSON.stringify(value), 'utf8'));
}

export function decodeStepReply(view: DataView, offset: number, outputs: number): StepOutcome {
  const status = view.getUint8(offset);
  const terminated = view.getUint8(offset + 1) === 1;
  const hasOutputs = view.getUint8(offset + 2) === 1;
  const lastSuccessfulTime = view.getFloat64(offset + 8, true);
  let values: Float64Array | null = null;
  if (hasOutputs) {
    values = new Float64Array(outputs);
    for (let i = 0; i < outputs; i++) values[i] = view.getFloat64(offset + 16 + 8 * i, true);
  }
  return { status, terminated, lastSuccessfulTime, outputs: values };
}

/**
 * Splits a byte stream into frames. Calls `onFrame(type, body)` for each complete frame; the body is a view valid
 * only during the call.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  constructor(
    private readonly onFrame: (type: number, body: Buffer) => void,
    private readonly maxFrameBytes = 256 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    while (this.buffer.length - offset >= HEADER_BYTES) {
      const length = this.buffer.readUInt32LE(offset);
      if (length > this.maxFrameBytes) throw new Error(`frame of ${length} bytes exceeds the limit`);
      if (this.buffer.length - offset < HEADER_BYTES + length) break;
      const type = this.buffer.readUInt8(offset + 4);
      this.onFrame(type, this.buffer.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length));
      offset += HEADER_BYTES + length;
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
  }
}
