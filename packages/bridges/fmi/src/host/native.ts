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
