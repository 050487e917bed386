import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fmu, FmuVariable } from '@doppel/client';
import { fmuFormValues, fmuPropertiesOf } from '../src/views/models/fmu-properties.js';
import {
  portsOf,
  refusal,
  unitOf,
  withProperties,
  type ModelCatalogue,
  type ModelDoc,
} from '../src/views/models/model-doc.js';

const variable = (v: Partial<FmuVariable> & Pick<FmuVariable, 'name' | 'causality'>): FmuVariable => ({
  valueReference: 0,
  variability: v.causality === 'parameter' ? 'fixed' : 'continuous',
  type: 'Real',
  ...v,
});

const FMU: Fmu = {
  id: 'fmu_lag',
  name: 'lag.fmu',
  fmiVersion: '2.0',
  modelName: 'lag',
  instantiationToken: '{0}',
  description: null,
  generationTool: null,
  capabilities: {
    modelIdentifier: 'lag',
    canHandleVariableCommunicationStepSize: true,
    canGetAndSetFMUState: false,
    canSerializeFMUState: false,
    canBeInstantiatedOnlyOncePerProcess: false,
    needsExecutionTool: false,
  },
  defaultExperiment: { stepSize: 0.1 },
  sizeBytes: 5000,
  sha256: 'a'.repeat(64),
  createdAt: '2026-01-01T00:00:00.000Z',
  variables: [
    variable({ name: 'u', causality: 'input', start: 1 }),
    variable({ name: 'y', causality: 'output', unit: 'K' }),
    variable({ name: 'flow', causality: 'output', unit: 'furlong/fortnight' }),
    variable({ name: 'on', causality: 'input', type: 'Boolean', start: true }),
    variable({ name: 'label', causality: 'input', type: 'String', start: 'x' }),
    variable({ name: 'T', causality: 'parameter', start: 1, unit: 's' }),
    variable({ name: 'n', causality: 'parameter', type: 'Integer', variability: 'tunable', start: 3 }),
    variable({ name: 'pi', causality: 'parameter', variability: 'constant', start: 3.14 }),
    variable({ name: 'time', causality: 'independent' }),
  ],
};

const CATALOGUE: ModelCatalogue = {
  componentTypes: [],
  units: [{ symbol: 'K', title: 'kelvin', dimension: 'K' }],
  fmus: new Map([[FMU.id, FMU]]),
};
const lag = { id: 'lag_1', type: 'fmu', properties: { fmu: FMU.id } };

describe('an FMU component on the canvas', () => {
  it("has its FMU's numeric and Boolean inputs and outputs as ports, in modelDescription order", () => {
    const ports = portsOf(CATALOGUE, lag);
    expect(ports.map((p) => `${p.direction} ${p.name} ${p.unit}`)).toEqual([
      'in u $u',
      'out y K',
      'out flow $flow',
      'in on bool',
    ]);
    // An input reads its start value while unconnected; a unit Doppel does not know is said, and left free.
    expect(ports[0]).toMatchObject({ default: 1, feedthrough: false });
    expect(ports[2]?.description).toContain('unit furlong/fortnight: takes the unit of its connection');
    expect(unitOf(CATALOGUE, lag, ports[1] as never)).toBe('K');
    expect(unitOf(CATALOGUE, lag, ports[0] as never)).toBeNull();
  });

  it('has no ports while its FMU is unknown, and a wire into an output is refused', () => {
    expect(portsOf(CATALOGUE, { ...lag, properties: { fmu: 'fmu_gone' } })).toEqual([]);
    const doc: ModelDoc = { components: [{ component: lag, x: 0, y: 0 }], connections: [] };
    const wire = { source_component_id: 'lag_1', source_port: 'flow', target_component_id: 'lag_1', target_port: 'y' };
    expect(refusal(CATALOGUE, doc, wire)).toBe('lag_1 has no input "y"');
  });

  it('keeps from its form the parameters that differ from their start values, and the step', () => {
    expect(fmuPropertiesOf(FMU, { 'parameter:T': 2, 'parameter:n': 3, step_s: 0.5 })).toEqual({
      fmu: FMU.id,
      parameters: { T: 2 },
      step_s: 0.5,
    });
    // A constant is no parameter a model sets (the server refuses it); an empty step is every model step.
    expect(fmuPropertiesOf(FMU, { 'parameter:pi': 3 })).toEqual({ fmu: FMU.id, parameters: {} });
  });

  it('reads back through its form what it was given', () => {
    fc.assert(
      fc.property(
        fc.record({ T: fc.double({ noNaN: true }), n: fc.integer() }, { requiredKeys: [] }),
        fc.option(fc.double({ min: 0.001, max: 3600, noNaN: true }), { nil: undefined }),
        (parameters, step) => {
          const changed = Object.fromEntries(
            Object.entries(parameters).filter(([k, v]) => v !== FMU.variables.find((x) => x.name === k)?.start),
          );
          const properties = { fmu: FMU.id, parameters: changed, ...(step === undefined ? {} : { step_s: step }) };
          expect(fmuPropertiesOf(FMU, fmuFormValues(properties))).toEqual(properties);
        },
      ),
    );
  });
});

describe('wires of an FMU component', () => {
  it('stay while its FMU is unknown here (loading, or deleted), so editing another component keeps them', () => {
    const known = { ...lag, id: 'lag_2' };
    const doc: ModelDoc = {
      components: [
        { component: known, x: 0, y: 0 },
        { component: { ...lag, properties: { fmu: 'fmu_gone' } }, x: 0, y: 0 },
      ],
      connections: [{ source_component_id: 'lag_1', source_port: 'y', target_component_id: 'lag_2', target_port: 'u' }],
    };
    expect(withProperties(CATALOGUE, doc, 'lag_2', { fmu: FMU.id, parameters: { T: 3 } }).doc.connections).toHaveLength(
      1,
    );
    // With its FMU known, a wire to a port it does not have goes.
    const wrong = { ...doc, connections: [{ ...doc.connections[0]!, target_port: 'v' }] };
    expect(withProperties(CATALOGUE, wrong, 'lag_2', { fmu: FMU.id }).doc.connections).toEqual([]);
  });
});
