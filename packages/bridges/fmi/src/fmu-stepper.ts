import { FmiError, FmiErrorCode } from './errors.js';
import type { LoadedFmu } from './fmu-file.js';
import { exchangePlan, resourceLocation } from './instance.js';
import type { ModelVariable, ScalarValue } from './model-variables.js';
import { FmiStatus, type ExchangeVariable, type HostLog, type LoadRequest } from './protocol.js';
import { SyncHostProcess } from './sync-host.js';
import { valueItems } from './value-items.js';

export interface StepperOptions {
  /** Parameters and start values, set before initialisation. */
  readonly parameters?: Readonly<Record<string, ScalarValue>>;
  readonly startTime?: number;
  readonly stopTime?: number;
  /** Exchanged inputs and outputs, in order (default: every numeric input / output, model order). */
  readonly inputs?: readonly string[];
  readonly outputs?: readonly string[];
  /** Longest one call may take before the host is killed (default 10 s). */
  readonly callTimeoutMs?: number;
  readonly loggingOn?: boolean;
  readonly onLog?: (entry: HostLog) => void;
  readonly instanceName?: string;
}

const STARTUP_TIMEOUT_MS = 30_000;

/**
 * An FMU instance stepped synchronously, for models that step inside the engine's event loop: inputs set, `step(t,
 * dt)`, outputs read — the shape of the process pack's `SteppedModel`. `start` runs the calling sequence up to step
 * mode (instantiate, parameters, initialisation). The native code runs in its own host process as always; a crash,
 * a hang past the call timeout, an FMI error or a termination request throws a typed FmiError from `step`.
 */
export class FmuStepper {
  private readonly inputValues: Float64Array;
  private readonly outputValues: Float64Array;
  private readonly stepBody: Buffer;
  private readonly byName: ReadonlyMap<string, ModelVariable>;
  private open = true;
  /**
   * Whether the FMU's state can be saved as bytes and restored into another instance: it declares both
   * canGetAndSetFMUstate and canSerializeFMUstate (FMI 3.0: …FMUState).
   */
  readonly canSaveState: boolean;

  private constructor(
    readonly label: string,
    private readonly host: SyncHostProcess,
    readonly inputs: readonly ModelVariable[],
    readonly outputs: readonly ModelVariable[],
    private readonly exchangedOutputs: readonly ExchangeVariable[],
    fmu: LoadedFmu,
  ) {
    this.inputValues = new Float64Array(inputs.length);
    this.outputValues = new Float64Array(outputs.length);
    this.stepBody = Buffer.alloc(16 + 8 * inputs.length);
    this.byName = new Map(fmu.modelDescription.variables.map((variable) => [variable.name, variable]));
    const cs = fmu.modelDescription.coSimulation;
    this.canSaveState = cs.canGetAndSetFMUState && cs.canSerializeFMUState;
  }

  static start(fmu: LoadedFmu, options: StepperOptions = {}): FmuStepper {
    const md = fmu.modelDescription;
    const label = `${fmu.file} (${md.modelName})`;
    const { inputs, outputs, exchange } = exchangePlan(fmu, label, options);
    const byName = new Map(md.variables.map((variable) => [variable.name, variable]));
    const parameters = valueItems(byName, label, options.parameters ?? {}, 'instantiated');
    const host = new SyncHostProcess(label, outputs.length, options.callTimeoutMs ?? 10_000, options.onLog);
    const stepper = new FmuStepper(label, host, inputs, outputs, exchange.outputs, fmu);
    try {
      const load: LoadRequest = {
        op: 'load',
        fmiVersion: md.fmiVersion,
        binaryPath: fmu.unpacked.binaryPath,
        instanceName: options.instanceName ?? md.modelName,
        instantiationToken: md.instantiationToken,
        resourceLocation: resourceLocation(md.fmiVersion, fmu.unpacked.resourcesDir),
        loggingOn: options.loggingOn ?? false,
        inputs: exchange.inputs,
        outputs: exchange.outputs,
      };
      host.request(load, Math.max(options.callTimeoutMs ?? 0, STARTUP_TIMEOUT_MS));
      if (parameters.length > 0) host.request({ op: 'set', values: parameters });
      host.request({
        op: 'enterInitializationMode',
        startTime: options.startTime ?? 0,
        stopTime: options.stopTime ?? null,
        tolerance: md.defaultExperiment.tolerance ?? null,
      });
      host.request({ op: 'exitInitializationMode' });
      stepper.readOutputs();
    } catch (error) {
      host.close();
      throw error;
    }
    return stepper;
  }

  setInputs(u: ArrayLike<number>): void {
    for (let i = 0; i < this.inputValues.length; i++) this.inputValues[i] = u[i] ?? 0;
  }

  /** Sets tunable parameters or inputs by name between steps (the standard's step-mode rules). */
  set(values: Readonly<Record<string, ScalarValue>>): void {
    const items = valueItems(this.byName, this.label, values, 'step');
    if (items.length > 0) this.host.request({ op: 'set', values: items });
  }

  step(t: number, dt: number): void {
    const body = this.stepBody;
    body.writeDoubleLE(t, 0);
    body.writeDoubleLE(dt, 8);
    for (let i = 0; i < this.inputValues.length; i++) body.writeDoubleLE(this.inputValues[i], 16 + 8 * i);
    const outcome = this.host.step(body);
    if (outcome.outputs !== null) this.outputValues.set(outcome.outputs);
    if (outcome.status === FmiStatus.OK || outcome.status === FmiStatus.Warning) {
      if (!outcome.terminated) return;
    }
    const reason = outcome.terminated
      ? `the FMU asked to terminate at t=${outcome.lastSuccessfulTime}`
      : `doStep at t=${t} returned status ${outcome.status}`;
    throw new FmiError(FmiErrorCode.CallFailed, `${this.label}: ${reason}`, {
      time: t,
      status: outcome.status,
      terminated: outcome.terminated,
      lastSuccessfulTime: outcome.lastSuccessfulTime,
    });
  }

  /**
   * The FMU's state now as bytes (get, serialize, free): restorable with {@link restoreState} into any instance of
   * the same FMU, in another process. Only for FMUs whose {@link canSaveState} is true.
   */
  saveState(): Uint8Array {
    this.requireStates();
    const handle = this.host.request({ op: 'getState' }) as number;
    try {
      return Buffer.from(this.host.request({ op: 'serializeState', state: handle }) as string, 'base64');
    } finally {
      this.host.request({ op: 'freeState', state: handle });
    }
  }

  /** Puts this instance (in step mode) into a state saved by {@link saveState}; its outputs are then that state's. */
  restoreState(bytes: Uint8Array): void {
    this.requireStates();
    const encoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    const handle = this.host.request({ op: 'deserializeState', bytes: encoded }) as number;
    try {
      this.host.request({ op: 'setState', state: handle });
    } finally {
      this.host.request({ op: 'freeState', state: handle });
    }
    this.readOutputs();
  }

  private requireStates(): void {
    if (!this.canSaveState)
      throw new FmiError(
        FmiErrorCode.InvalidRequest,
        `${this.label}: the FMU does not declare canGetAndSetFMUstate and canSerializeFMUstate`,
      );
  }

  private readOutputs(): void {
    const values = this.host.request({ op: 'get', variables: this.exchangedOutputs }) as ScalarValue[];
    values.forEach((value, i) => (this.outputValues[i] = Number(value)));
  }

  getOutputs(y: Float64Array): void {
    y.set(this.outputValues.subarray(0, y.length));
  }

  /** Terminates and frees the instance (or kills its host after a failure); safe to call twice. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    if (!this.host.closed) {
      try {
        this.host.request({ op: 'terminate' }, 5000);
        this.host.request({ op: 'free' }, 5000);
      } catch {
        // The host failed on the way out: close() kills it below.
      }
    }
    this.host.close();
  }
}
