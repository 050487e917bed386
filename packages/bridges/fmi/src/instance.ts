import { pathToFileURL } from 'node:url';
import { FmiError, FmiErrorCode } from './errors.js';
import type { LoadedFmu } from './fmu-file.js';
import { HostProcess, type HostOptions } from './host-process.js';
import type { ModelVariable, ScalarValue } from './model-variables.js';
import { valueItems, type InstancePhase } from './value-items.js';
import type { ExchangeKind, ExchangeVariable, LoadRequest, StepOutcome, ValueKind } from './protocol.js';

/** Allowance for spawning the host, loading the binary and fmi2Instantiate / fmi3InstantiateCoSimulation. */
const STARTUP_TIMEOUT_MS = 30_000;

export interface InstanceOptions extends HostOptions {
  readonly instanceName?: string;
  readonly loggingOn?: boolean;
  /** Names of the inputs exchanged at every step, in order (default: every numeric input, model order). */
  readonly inputs?: readonly string[];
  /** Names of the outputs read at every step, in order (default: every numeric output, model order). */
  readonly outputs?: readonly string[];
}

/** One step whose inputs are known in advance (for batched stepping). */
export interface PlannedStep {
  readonly time: number;
  readonly stepSize: number;
  readonly inputs: ArrayLike<number>;
}

/**
 * The resource location the standard asks for: FMI 2.0 a file:// URI of the resources folder, FMI 3.0 its absolute
 * path with a trailing separator.
 */
export function resourceLocation(fmiVersion: '2.0' | '3.0', resourcesDir: string): string {
  return fmiVersion === '2.0' ? pathToFileURL(resourcesDir).href : `${resourcesDir.replace(/\/+$/, '')}/`;
}

function exchangeKind(variable: ModelVariable, label: string): ExchangeKind {
  if (variable.kind === null || variable.kind === 'string')
    throw new FmiError(
      FmiErrorCode.InvalidRequest,
      `${label}: variable "${variable.name}" of type ${variable.type} cannot be exchanged at every step`,
      { variable: variable.name },
    );
  return variable.kind;
}

/** The variables exchanged at every step: the named ones, or every numeric input and output in model order. */
export function exchangePlan(
  fmu: LoadedFmu,
  label: string,
  options: { readonly inputs?: readonly string[]; readonly outputs?: readonly string[] },
): {
  inputs: ModelVariable[];
  outputs: ModelVariable[];
  exchange: { inputs: ExchangeVariable[]; outputs: ExchangeVariable[] };
} {
  const md = fmu.modelDescription;
  const byName = new Map(md.variables.map((variable) => [variable.name, variable]));
  const pick = (names: readonly string[] | undefined, causality: 'input' | 'output'): ModelVariable[] => {
    if (names === undefined)
      return md.variables.filter((v) => v.causality === causality && v.kind !== null && v.kind !== 'string');
    return names.map((name) => {
      const variable = byName.get(name);
      if (variable === undefined || variable.causality !== causality)
        throw new FmiError(FmiErrorCode.InvalidRequest, `${label}: "${name}" is not an ${causality} of the model`, {
          variable: name,
        });
      return variable;
    });
  };
  const inputs = pick(options.inputs, 'input');
  const outputs = pick(options.outputs, 'output');
  const wire = (variables: ModelVariable[]): ExchangeVariable[] =>
    variables.map((variable) => ({ valueReference: variable.valueReference, kind: exchangeKind(variable, label) }));
  return { inputs, outputs, exchange: { inputs: wire(inputs), outputs: wire(outputs) } };
}

/**
 * One running FMU instance in its own host process, driven in the standard's calling sequence:
 * instantiate → set start values → enterInitializationMode (2.0: setupExperiment first) → exitInitializationMode →
 * doStep loop (inputs set before outputs are read) → terminate → free. Names, values and phases are checked against
 * the model description before anything reaches the native code.
 */
export class FmuInstance {
  private state: InstancePhase = 'instantiated';
  private readonly byName: ReadonlyMap<string, ModelVariable>;
  private readonly stepBody: Buffer;

  private constructor(
    readonly fmu: LoadedFmu,
    readonly label: string,
    private readonly host: HostProcess,
    readonly inputs: readonly ModelVariable[],
    readonly outputs: readonly ModelVariable[],
  ) {
    this.byName = new Map(fmu.modelDescription.variables.map((variable) => [variable.name, variable]));
    this.stepBody = Buffer.alloc(16 + 8 * inputs.length);
  }

  static async instantiate(fmu: LoadedFmu, options: InstanceOptions = {}): Promise<FmuInstance> {
    const md = fmu.modelDescription;
    const label = `${fmu.file} (${md.modelName})`;
    const { inputs, outputs, exchange } = exchangePlan(fmu, label, options);
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
    const host = new HostProcess(label, load, options);
    const instance = new FmuInstance(fmu, label, host, inputs, outputs);
    try {
      // Starting the host process is part of this call: it gets at least the start-up allowance.
      await host.request(load, Math.max(host.callTimeoutMs, STARTUP_TIMEOUT_MS));
    } catch (error) {
      await host.kill();
      throw error;
    }
    return instance;
  }

  get phase(): InstancePhase {
    return this.state;
  }

  variable(name: string): ModelVariable {
    const variable = this.byName.get(name);
    if (variable === undefined)
      throw new FmiError(FmiErrorCode.InvalidRequest, `${this.label}: no variable named "${name}"`, { variable: name });
    return variable;
  }

  /** Sets variables by name; each must be settable in the current phase (the standard's rules). */
  async set(values: Readonly<Record<string, ScalarValue>>): Promise<void> {
    const items = valueItems(this.byName, this.label, values, this.state);
    if (items.length > 0) await this.host.request({ op: 'set', values: items });
  }

  /** Reads variables by name (any phase after instantiation). */
  async get(names: readonly string[]): Promise<ScalarValue[]> {
    const variables = names.map((name) => this.variable(name));
    const kinds = variables.map((variable) => {
      if (variable.kind === null)
        throw new FmiError(
          FmiErrorCode.InvalidRequest,
          `${this.label}: "${variable.name}" has type ${variable.type}, which Doppel cannot read`,
        );
      return { valueReference: variable.valueReference, kind: variable.kind as ValueKind };
    });
    return (await this.host.request({ op: 'get', variables: kinds })) as ScalarValue[];
  }

  async enterInitializationMode(experiment: {
    startTime: number;
    stopTime?: number;
    tolerance?: number;
  }): Promise<void> {
    this.expect('instantiated', 'enterInitializationMode');
    await this.host.request({
      op: 'enterInitializationMode',
      startTime: experiment.startTime,
      stopTime: experiment.stopTime ?? null,
      tolerance: experiment.tolerance ?? null,
    });
    this.state = 'initialization';
  }

  async exitInitializationMode(): Promise<void> {
    this.expect('initialization', 'exitInitializationMode');
    await this.host.request({ op: 'exitInitializationMode' });
    this.state = 'step';
  }

  /** Sets the inputs (exchange order), steps from `time` by `stepSize` and reads the outputs, in one round trip. */
  async doStep(time: number, stepSize: number, inputs: ArrayLike<number> = []): Promise<StepOutcome> {
    this.expect('step', 'doStep');
    const body = this.stepBody;
    body.writeDoubleLE(time, 0);
    body.writeDoubleLE(stepSize, 8);
    for (let i = 0; i < this.inputs.length; i++) body.writeDoubleLE(inputs[i] ?? 0, 16 + 8 * i);
    return this.host.step(body);
  }

  /** Steps whose inputs are known in advance, in one round trip; stops early at the first step that is not OK. */
  async doSteps(steps: readonly PlannedStep[]): Promise<StepOutcome[]> {
    this.expect('step', 'doStep');
    const stride = 16 + 8 * this.inputs.length;
    const body = Buffer.alloc(4 + steps.length * stride);
    body.writeUInt32LE(steps.length, 0);
    steps.forEach((step, k) => {
      const at = 4 + k * stride;
      body.writeDoubleLE(step.time, at);
      body.writeDoubleLE(step.stepSize, at + 8);
      for (let i = 0; i < this.inputs.length; i++) body.writeDoubleLE(step.inputs[i] ?? 0, at + 16 + 8 * i);
    });
    return this.host.steps(body);
  }

  async terminate(): Promise<void> {
    if (this.state !== 'step' && this.state !== 'initialization') return;
    await this.host.request({ op: 'terminate' });
    this.state = 'terminated';
  }

  /** Frees the instance and ends its host; safe to call in any phase, also after a crash or a timeout. */
  async free(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.host.closed) {
      await this.host.kill();
      return;
    }
    try {
      await this.host.request({ op: 'free' }, 5000);
      await this.host.waitForExit();
    } catch {
      await this.host.kill();
    }
  }

  /** The longest a call (or a batch of steps) may take before the host is killed. */
  get callTimeoutMs(): number {
    return this.host.callTimeoutMs;
  }

  /** The host's process id (diagnostics, tests). */
  get hostPid(): number | undefined {
    return this.host.pid;
  }

  private expect(phase: InstancePhase, call: string): void {
    if (this.host.closed && this.state !== 'closed')
      throw new FmiError(FmiErrorCode.InstanceClosed, `${this.label}: ${call} on an instance whose host has ended`, {
        call,
      });
    if (this.state !== phase)
      throw new FmiError(
        FmiErrorCode.InvalidRequest,
        `${this.label}: ${call} needs phase ${phase}, the instance is in ${this.state}`,
        {
          call,
          phase: this.state,
        },
      );
  }
}
