import { FmiError, FmiErrorCode } from './errors.js';
import type { LoadedFmu } from './fmu-file.js';
import type { HostOptions } from './host-process.js';
import { rowAt, type InputTable } from './input-table.js';
import { FmuInstance, type PlannedStep } from './instance.js';
import type { ScalarValue } from './model-variables.js';
import { FmiStatus, type StepOutcome } from './protocol.js';

export interface SimulationOptions extends HostOptions {
  readonly startTime?: number;
  readonly stopTime?: number;
  readonly outputInterval?: number;
  /** Parameters and start values, set before initialisation (strings are parsed by the variable's type). */
  readonly parameters?: Readonly<Record<string, ScalarValue>>;
  readonly input?: InputTable;
  readonly loggingOn?: boolean;
  /**
   * Most steps sent to the host per round trip (inputs are known in advance; default 512). Batches start at one step
   * and grow while a batch takes under a tenth of the call timeout, so a slow FMU is never cut off by batching.
   */
  readonly batch?: number;
}

export interface SimulationResult {
  /** `time` then the outputs in modelDescription order. */
  readonly columns: readonly string[];
  readonly rows: readonly (readonly ScalarValue[])[];
  /** completed: reached the stop time; terminated: the FMU asked to stop; discarded: a step could not be completed. */
  readonly end: 'completed' | 'terminated' | 'discarded';
  readonly lastTime: number;
  readonly experiment: { readonly startTime: number; readonly stopTime: number; readonly outputInterval: number };
}

function invalid(message: string): FmiError {
  return new FmiError(FmiErrorCode.InvalidRequest, message);
}

/** The experiment: explicit options, then the default experiment, then the standard fallbacks (0, 1, 1/500). */
export function resolveExperiment(
  fmu: LoadedFmu,
  options: SimulationOptions,
): { startTime: number; stopTime: number; outputInterval: number; tolerance?: number } {
  const de = fmu.modelDescription.defaultExperiment;
  const startTime = options.startTime ?? de.startTime ?? 0;
  const stopTime = options.stopTime ?? de.stopTime ?? startTime + 1;
  const outputInterval = options.outputInterval ?? de.stepSize ?? (stopTime - startTime) / 500;
  if (!Number.isFinite(startTime) || !Number.isFinite(stopTime) || !(stopTime > startTime))
    throw invalid(`the stop time (${stopTime}) must be after the start time (${startTime})`);
  if (!(outputInterval > 0) || !Number.isFinite(outputInterval))
    throw invalid(`the output interval must be a positive number, found ${outputInterval}`);
  if ((stopTime - startTime) / outputInterval > 1e8)
    throw invalid(`(stop - start) / output interval is more than 1e8 communication points`);
  return { startTime, stopTime, outputInterval, ...(de.tolerance !== undefined ? { tolerance: de.tolerance } : {}) };
}

/**
 * Runs one FMU alone like a reference simulator: parameters before initialisation, inputs held between CSV rows,
 * outputs at every communication point. A termination request or a discarded step ends the run at the last
 * successful time; an FMI error, a crash or a hang throws a typed FmiError. The instance is always freed.
 */
export async function simulateFmu(fmu: LoadedFmu, options: SimulationOptions = {}): Promise<SimulationResult> {
  const experiment = resolveExperiment(fmu, options);
  const { startTime, stopTime, outputInterval } = experiment;
  const md = fmu.modelDescription;
  const outputs = md.variables.filter((variable) => variable.causality === 'output');
  const stepped = outputs.filter((variable) => variable.kind !== null && variable.kind !== 'string');
  const stringOutputs = outputs.filter((variable) => variable.kind === 'string');
  for (const variable of outputs)
    if (variable.kind === null)
      throw invalid(`${fmu.file}: output "${variable.name}" has type ${variable.type}, which Doppel cannot read`);
  const input = options.input;
  const instance = await FmuInstance.instantiate(fmu, {
    ...options,
    inputs: input?.names ?? [],
    outputs: stepped.map((variable) => variable.name),
  });
  const rows: ScalarValue[][] = [];
  const record = async (time: number, values: Float64Array | null): Promise<void> => {
    const byName = new Map<string, ScalarValue>();
    stepped.forEach((variable, i) => {
      const value = values?.[i] ?? NaN;
      byName.set(variable.name, variable.kind === 'boolean' ? value !== 0 : value);
    });
    if (stringOutputs.length > 0) {
      const strings = await instance.get(stringOutputs.map((variable) => variable.name));
      stringOutputs.forEach((variable, i) => byName.set(variable.name, strings[i]));
    }
    rows.push([time, ...outputs.map((variable) => byName.get(variable.name) ?? NaN)]);
  };
  try {
    await instance.set({ ...(options.parameters ?? {}) });
    if (input !== undefined)
      await instance.set(Object.fromEntries(input.names.map((name, i) => [name, rowAt(input, startTime)[i]])));
    await instance.enterInitializationMode({
      startTime,
      stopTime,
      ...(experiment.tolerance !== undefined ? { tolerance: experiment.tolerance } : {}),
    });
    await instance.exitInitializationMode();
    const initial = await instance.get(stepped.map((variable) => variable.name));
    await record(startTime, Float64Array.from(initial.map((value) => Number(value))));
    const steps = Math.ceil((stopTime - startTime) / outputInterval - 1e-9);
    const pointAt = (k: number): number => (k >= steps ? stopTime : startTime + k * outputInterval);
    const maxBatch = stringOutputs.length > 0 ? 1 : Math.max(1, options.batch ?? 512);
    let batch = 1;
    let nextBatch = 1;
    let end: SimulationResult['end'] = 'completed';
    let lastTime = startTime;
    for (let k = 0; k < steps && end === 'completed'; k += batch) {
      batch = nextBatch;
      const planned: PlannedStep[] = [];
      for (let j = k; j < Math.min(steps, k + batch); j++) {
        const time = pointAt(j);
        planned.push({ time, stepSize: pointAt(j + 1) - time, inputs: input !== undefined ? rowAt(input, time) : [] });
      }
      const started = performance.now();
      const outcomes: StepOutcome[] = await instance.doSteps(planned);
      const perStepMs = (performance.now() - started) / planned.length;
      nextBatch = Math.max(
        1,
        Math.min(maxBatch, Math.floor((0.1 * instance.callTimeoutMs) / Math.max(perStepMs, 1e-6))),
      );
      for (let j = 0; j < outcomes.length; j++) {
        const outcome = outcomes[j];
        const target = planned[j].time + planned[j].stepSize;
        if (outcome.status === FmiStatus.OK || outcome.status === FmiStatus.Warning) {
          await record(target, outcome.outputs);
          lastTime = target;
          if (outcome.terminated) end = 'terminated';
          continue;
        }
        if (outcome.status === FmiStatus.Discard) {
          if (outcome.lastSuccessfulTime > planned[j].time) {
            await record(outcome.lastSuccessfulTime, outcome.outputs);
            lastTime = outcome.lastSuccessfulTime;
          }
          end = outcome.terminated ? 'terminated' : 'discarded';
          break;
        }
        throw new FmiError(
          FmiErrorCode.CallFailed,
          `${instance.label}: doStep at t=${planned[j].time} returned status ${outcome.status === FmiStatus.Fatal ? 'Fatal' : outcome.status === FmiStatus.Pending ? 'Pending' : 'Error'}`,
          { time: planned[j].time, status: outcome.status },
        );
      }
    }
    await instance.terminate();
    return {
      columns: ['time', ...outputs.map((variable) => variable.name)],
      rows,
      end,
      lastTime,
      experiment: { startTime, stopTime, outputInterval },
    };
  } finally {
    await instance.free();
  }
}
