/** A value crossing a binding: analog signals are numbers, digital ones booleans. */
export type SignalValue = number | boolean;

/** A device as the loop sees it: something that reads and writes values at addresses. */
export interface DevicePort {
  read(address: string): Promise<SignalValue>;
  write(address: string, value: SignalValue): Promise<void>;
  /**
   * Calls `listener` whenever the connection to the device has been established again: the device may have restarted
   * and lost what it was written. Returns the unsubscribe function. Absent for ports that never reconnect.
   */
  onReconnect?(listener: () => void): () => void;
}

/** What an input does while its device cannot be read. */
export type LossPolicy =
  | { readonly policy: 'hold' }
  | { readonly policy: 'default'; readonly value: SignalValue }
  | { readonly policy: 'pause' };

/** Model value = device value × scale + offset (and the inverse on the way out); booleans scaled become numbers. */
export interface Scaling {
  readonly scale?: number;
  readonly offset?: number;
}

/**
 * One signal between a model and a device: `input` reads the device into the model, `output` writes the model's value
 * to the device. This is the shape a catalog binding row maps onto.
 */
export interface Binding extends Scaling {
  /** The model's name for the signal (a component port or an asset field). */
  readonly signal: string;
  readonly direction: 'input' | 'output';
  readonly port: DevicePort;
  /** The device address: an OPC UA NodeId or a Modbus address, as the port understands it. */
  readonly address: string;
  /** Inputs: read at most this often (ms); the last value is used between samples. Every cycle when absent. */
  readonly samplingMs?: number;
  /** Numbers: an output is written only when it moved more than this since the last write; an input ignores smaller moves. */
  readonly deadband?: number;
  /** Inputs: what happens while the device cannot be read; `hold` by default. */
  readonly onLoss?: LossPolicy;
  /** Outputs: written when the loop stops, so the device is left safe. */
  readonly safeValue?: SignalValue;
}

/**
 * Engineering value of a device value. A digital value stays a boolean unless the binding scales it: then it is an
 * analog one, true being 1 and false 0 (a PLC's heater-on coil × 20,000 is the heater's power in W).
 */
export function toModel(binding: Scaling, value: SignalValue): SignalValue {
  if (typeof value === 'boolean' && binding.scale === undefined && binding.offset === undefined) return value;
  return Number(value) * (binding.scale ?? 1) + (binding.offset ?? 0);
}

/** Device value of an engineering value. */
export function toDevice(binding: Scaling, value: SignalValue): SignalValue {
  if (typeof value === 'boolean') return value;
  return (value - (binding.offset ?? 0)) / (binding.scale ?? 1);
}

/** True when `next` differs from `previous` by more than the binding's deadband (always for booleans and firsts). */
export function movedBeyondDeadband(binding: Binding, previous: SignalValue | undefined, next: SignalValue): boolean {
  if (previous === undefined || typeof previous !== typeof next) return true;
  if (typeof next === 'boolean') return previous !== next;
  return Math.abs(next - (previous as number)) > (binding.deadband ?? 0);
}
