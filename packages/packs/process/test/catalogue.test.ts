import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandPortTemplate, processCatalogueSchema, type ProcessModelInput } from '@doppel/twin/contracts';
import { MemoryLedgerStore, resolveScenarioObject, Simulation, type ScenarioError } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { COMPONENT_TYPES, modelToScenario, processCatalogue } from '../src/index.js';
import { packs } from './helpers.js';

/** A heated tank as the catalog stores it: the seed's components (with ports) and connections. */
const catalogModel: ProcessModelInput = {
  components: [
    { id: 'tank1', type: 'tank', properties: { area_m2: 0.5 }, ports: [{ name: 'level' }] },
    { id: 'heater1', type: 'heater', name: 'Heater', properties: { max_power_w: 10_000 } },
    { id: 'sensor1', type: 'sensor', properties: { noise_sd: 0.05 } },
    { id: 'pid1', type: 'pid', properties: { kp: 1000, ki: 2, setpoint: 30, out_max: 10_000 } },
  ],
  connections: [
    { source_component_id: 'tank1', source_port: 'temperature', target_component_id: 'sensor1', target_port: 'value' },
    { source_component_id: 'sensor1', source_port: 'measured', target_component_id: 'pid1', target_port: 'pv' },
    { source_component_id: 'pid1', source_port: 'out', target_component_id: 'heater1', target_port: 'power' },
    { source_component_id: 'heater1', source_port: 'heat', target_component_id: 'tank1', target_port: 'heat' },
  ],
};

describe('the component catalogue', () => {
  it('describes every type by the wire contract: property JSON Schema, defaults, ports with units', () => {
    const catalogue = processCatalogueSchema.parse(processCatalogue());
    expect(catalogue.componentTypes.map((t) => t.type)).toEqual(COMPONENT_TYPES.map((t) => t.type));
    const pid = catalogue.componentTypes.find((t) => t.type === 'pid');
    expect(pid?.propertiesSchema).toMatchObject({ type: 'object', properties: { kp: { type: 'number', default: 1 } } });
    expect(pid?.ports.find((p) => p.name === 'pv')).toMatchObject({ direction: 'in', unit: '$u', feedthrough: true });
    expect(pid?.unitProperties).toEqual({ $u: 'unit', $y: 'output_unit' });
    const tank = catalogue.componentTypes.find((t) => t.type === 'tank');
    expect(tank?.ports.find((p) => p.name === 'level')).toMatchObject({ direction: 'out', unit: 'm' });
    expect(catalogue.units.find((u) => u.symbol === 'm3/s')?.dimension).toBe('m^3·s^-1');
    for (const type of COMPONENT_TYPES) {
      const described = catalogue.componentTypes.find((t) => t.type === type.type);
      expect(type.properties.safeParse(described?.defaults).success).toBe(true);
    }
  });

  it("ships each type's port template: expanded with any properties it gives the ports the model compiles with", () => {
    const catalogue = processCatalogueSchema.parse(processCatalogue());
    const cases: Record<string, Record<string, unknown>[]> = {
      mixer: [{ inlets: 2 }, { inlets: 5 }, { inlets: 8 }],
      scope: [{ inputs: 1 }, { inputs: 16 }],
    };
    for (const type of COMPONENT_TYPES) {
      const described = catalogue.componentTypes.find((t) => t.type === type.type);
      for (const props of [{}, ...(cases[type.type] ?? [])]) {
        const parsed = type.properties.parse(props);
        const expanded = expandPortTemplate(described?.portTemplate ?? [], { ...described?.defaults, ...props });
        expect(
          expanded.map((p) => `${p.direction} ${p.name} ${p.unit}`),
          `${type.type} ${JSON.stringify(props)}`,
        ).toEqual(type.ports(parsed).map((p) => `${p.direction} ${p.name} ${p.unit}`));
      }
    }
    const mixer = catalogue.componentTypes.find((t) => t.type === 'mixer');
    const five = expandPortTemplate(mixer?.portTemplate ?? [], { inlets: 5 });
    expect(five.filter((p) => p.direction === 'in').map((p) => p.name)).toEqual(
      [1, 2, 3, 4, 5].flatMap((i) => [`flow_${i}`, `temperature_${i}`]),
    );
    expect(five.find((p) => p.name === 'temperature_5')?.description).toBe('Temperature of inlet 5.');
  });

  it('the browser entry reaches no Node module and no simulation runtime', () => {
    const src = join(dirname(fileURLToPath(import.meta.url)), '../src');
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export) (type )?[^;]*? from '([^']+)';/gms)) {
        const [, typeOnly, spec] = m as unknown as [string, string | undefined, string];
        if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
        else if (typeOnly === undefined) expect(['zod', '@doppel/twin/contracts']).toContain(spec);
      }
    };
    visit(join(src, 'browser.ts'));
    expect(seen.size).toBeGreaterThan(5);
  });
});

describe('a catalog model as a scenario', () => {
  it('resolves into a frozen, hashed scenario and runs; the same model gives the same hash', async () => {
    const doc = modelToScenario(catalogModel, { name: 'heated', duration: '10m', seed: 2, step_s: 0.1 });
    const a = resolveScenarioObject(doc, { packs, fileName: 'model.json' });
    const b = resolveScenarioObject(
      modelToScenario(catalogModel, { name: 'heated', duration: '10m', seed: 2, step_s: 0.1 }),
      {
        packs,
        fileName: 'model.json',
      },
    );
    expect(a.sha256).toBe(b.sha256);
    expect(Object.isFrozen(a)).toBe(true);
    const sim = await Simulation.create({ scenario: a, packs, store: new MemoryLedgerStore() });
    sim.runToEnd();
    expect(sim.summary().status).toBe('finished');
    expect((sim.asset('tank1').state as { temperature: number }).temperature).toBeGreaterThan(20);
  });

  it('reports a catalog model problem at its place', () => {
    const broken: ProcessModelInput = {
      ...catalogModel,
      components: catalogModel.components.map((c) => (c.id === 'pid1' ? { ...c, properties: { kp: 'fast' } } : c)),
    };
    let error: ScenarioError | undefined;
    try {
      resolveScenarioObject(modelToScenario(broken, { name: 'x', duration: 10, seed: 1 }), {
        packs,
        fileName: 'model.json',
      });
    } catch (e) {
      error = e as ScenarioError;
    }
    expect(error?.message).toContain('process.components[3].properties.kp');
  });
});
