import { gaugeKpi, counterKpi, type AssetKindDefinition, type KpiDefinition, type Pack } from '@doppel/twin';
import { z } from 'zod';
import type { AnyComponentType } from './component.js';
import { fmuType } from './components/fmu.js';
import { COMPONENT_TYPES } from './components/index.js';
import { processConfigSchema, type ProcessConfig } from './config.js';
import { INTERVENTIONS_BY_TYPE } from './interventions.js';
import { ProcessModel } from './model.js';

export const PROCESS_KPIS: readonly KpiDefinition[] = [
  counterKpi('heater_energy_kwh', 'kWh', 'Electrical energy drawn by the heaters'),
  counterKpi('overflow_m3', 'm³', 'Liquid lost over the rims of the tanks'),
  gaugeKpi('faults', 'components', 'Components in a fault state (sensor, valve, pump, heater, actuator)'),
];

/** The ports a type has with its default properties (what the palette and the asset kind show). */
export function defaultPorts(type: AnyComponentType) {
  return type.ports(type.properties.parse({}));
}

function kindOf(type: AnyComponentType): AssetKindDefinition {
  const outputs = defaultPorts(type).filter((p) => p.direction === 'out');
  const shape: Record<string, z.ZodType> = {};
  for (const p of outputs) shape[p.name] = p.unit === 'bool' ? z.boolean() : z.number();
  Object.assign(shape, type.extraState ?? {});
  return {
    kind: type.type,
    title: type.title,
    description: type.description,
    state: z.strictObject(shape) as unknown as AssetKindDefinition['state'],
    interventions: INTERVENTIONS_BY_TYPE[type.type] ?? [],
    kpis: [
      ...outputs.map((p) => gaugeKpi(p.name, p.unit.startsWith('$') ? '' : p.unit, p.description)),
      ...(type.type === 'pid' ? [gaugeKpi('iae', '', 'Integral of the absolute error since the start')] : []),
    ],
  };
}

/** FMU components: their outputs are the FMU's, so their state is any set of numbers and on/off values. */
const fmuKind: AssetKindDefinition = {
  kind: fmuType.type,
  title: fmuType.title,
  description: fmuType.description,
  state: z.record(z.string(), z.union([z.number(), z.boolean()])) as unknown as AssetKindDefinition['state'],
  interventions: INTERVENTIONS_BY_TYPE[fmuType.type] ?? [],
  kpis: [],
};

/** The process pack: block models of process plants, one asset per component. */
export const processPack: Pack<ProcessConfig, ProcessModel> = {
  name: 'process',
  title: 'Process plant',
  version: '0.1.0',
  config: processConfigSchema,
  assetKinds: [...COMPONENT_TYPES.map(kindOf), fmuKind],
  kpis: PROCESS_KPIS,
  build: (context) => new ProcessModel(context),
};
