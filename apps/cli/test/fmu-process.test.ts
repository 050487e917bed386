import { FmiErrorCode, FmuStepper, loadFmu, type LoadedFmu } from '@doppel/bridge-fmi';
import { testFmu } from '@doppel/bridge-fmi/testing';
import {
  componentType,
  ProcessSystem,
  steppedBlock,
  type AnyComponentType,
  type CompiledModel,
  type PortSpec,
} from '@doppel/pack-process';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

// An FMU as a block of the process pack, through the pack's own interface for externally stepped models
// (SteppedModel / steppedBlock): a built-in step source drives the FMU's input, a built-in scope records its output,
// all on the process model's clock.

const opened: LoadedFmu[] = [];
afterAll(() => opened.forEach((fmu) => fmu.dispose()));

function fmuComponent(stepper: FmuStepper): AnyComponentType {
  const ports: PortSpec[] = [
    ...stepper.inputs.map((v) => ({
      name: v.name,
      direction: 'in' as const,
      unit: v.unit ?? '1',
      description: '',
      feedthrough: false,
    })),
    ...stepper.outputs.map((v) => ({ name: v.name, direction: 'out' as const, unit: v.unit ?? '1', description: '' })),
  ];
  return {
    type: 'fmu',
    title: 'FMU',
    description: 'A co-simulation FMU stepped at the model step',
    category: 'process',
    properties: z.strictObject({}),
    ports: () => ports,
    create: () => steppedBlock(stepper),
  };
}

/** source → FMU → scope, wired by hand as the compiler would wire it. */
function model(stepper: FmuStepper): CompiledModel {
  const source = componentType('source');
  const scope = componentType('scope');
  const fmu = fmuComponent(stepper);
  if (source === undefined || scope === undefined) throw new Error('built-in types missing');
  const sourceProps = source.properties.parse({ kind: 'step', initial: 0, final: 2, start_s: 1, unit: 'K' });
  const scopeProps = scope.properties.parse({ inputs: 1, sample_s: 0 });
  const part = (index: number, id: string, type: AnyComponentType, props: unknown) => {
    const ports = type.ports(props);
    const inputs = ports.filter((p) => p.direction === 'in');
    const outputs = ports.filter((p) => p.direction === 'out');
    return {
      index,
      id,
      type,
      props,
      inputs,
      outputs,
      inputUnits: inputs.map(() => 'K'),
      outputUnits: outputs.map(() => 'K'),
    };
  };
  return {
    components: [part(0, 'src', source, sourceProps), part(1, 'lag', fmu, {}), part(2, 'scope', scope, scopeProps)],
    wires: [
      { connection: 0, from: 0, output: 0, to: 1, input: 0, gain: 1, bias: 0 },
      { connection: 1, from: 1, output: 0, to: 2, input: 0, gain: 1, bias: 0 },
    ],
    order: [0, 1, 2],
  };
}

const noRandomness = () => {
  throw new Error('this model draws no random numbers');
};

describe('an FMU among built-in process components', { timeout: 120_000 }, () => {
  it('steps on the model clock: a step of the source reaches the FMU, the scope records the analytic response', () => {
    const fmu = loadFmu(testFmu('lag'));
    opened.push(fmu);
    const stepper = FmuStepper.start(fmu, { parameters: { T: 0.5 }, inputs: ['u'], outputs: ['y'] });
    try {
      const dt = 0.01;
      const system = new ProcessSystem(model(stepper), { step: dt, rng: noRandomness });
      system.start(0);
      for (let k = 1; k <= 300; k++) system.afterStep(k * dt, system.state);
      const rows = (system.blocks[2] as unknown as { rows: number[][] }).rows;
      expect(rows).toHaveLength(301);
      // The FMU steps over [t - dt, t] with the source's value at t (co-simulation: inputs set, then doStep).
      const switchedAt = 1 - dt;
      for (const [t, y] of rows) {
        const expected = t < switchedAt + 1e-9 ? 0 : 2 * (1 - Math.exp(-(t - switchedAt) / 0.5));
        expect(Math.abs(y - expected)).toBeLessThan(1e-9);
      }
    } finally {
      stepper.close();
    }
  });

  it('a crashing FMU fails the step with a typed error, and the caller lives', () => {
    const fmu = loadFmu(testFmu('crash'));
    opened.push(fmu);
    const stepper = FmuStepper.start(fmu);
    const system = new ProcessSystem(model(stepper), { step: 0.1, rng: noRandomness });
    system.start(0);
    let caught: unknown;
    try {
      for (let k = 1; k <= 10; k++) system.afterStep(k * 0.1, system.state);
    } catch (error) {
      caught = error;
    } finally {
      stepper.close();
    }
    expect(caught).toMatchObject({ code: FmiErrorCode.HostCrashed });
  });

  it('a hanging FMU is cut off by the call timeout', () => {
    const fmu = loadFmu(testFmu('hang'));
    opened.push(fmu);
    const stepper = FmuStepper.start(fmu, { callTimeoutMs: 3000 });
    stepper.setInputs([1]);
    stepper.step(0, 0.1);
    const y = new Float64Array(1);
    stepper.getOutputs(y);
    expect(y[0]).toBe(1);
    expect(() => stepper.step(0.1, 0.5)).toThrow(expect.objectContaining({ code: FmiErrorCode.CallTimeout }));
    expect(() => stepper.step(0.6, 0.1)).toThrow(expect.objectContaining({ code: FmiErrorCode.InstanceClosed }));
    stepper.close();
  });
});
