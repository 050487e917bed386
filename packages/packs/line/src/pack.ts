import type { AssetKindDefinition, Pack } from '@doppel/twin';
import { lineConfigSchema, type LineConfig } from './config.js';
import { BUFFER_INTERVENTIONS, LINE_INTERVENTIONS, MACHINE_INTERVENTIONS } from './interventions.js';
import { BUFFER_KPIS, LINE_KPIS, MACHINE_KPIS } from './kpis.js';
import { LineModel } from './model.js';
import { bufferStateSchema, lineStateSchema, machineStateSchema } from './state.js';

export const machineKind: AssetKindDefinition = {
  kind: 'machine',
  title: 'Machine',
  description:
    'A station running the phase cycle (collect, breakdown, microstop, execute, transform, inspect); states STARVED, EXECUTE, DOWN, JAMMED, BLOCKED.',
  state: machineStateSchema,
  interventions: MACHINE_INTERVENTIONS,
  kpis: MACHINE_KPIS,
};

export const bufferKind: AssetKindDefinition = {
  kind: 'buffer',
  title: 'Buffer',
  description: 'A conveyor or accumulation table between two stations, with a capacity; it can be blocked or drained.',
  state: bufferStateSchema,
  interventions: BUFFER_INTERVENTIONS,
  kpis: BUFFER_KPIS,
};

export const lineKind: AssetKindDefinition = {
  kind: 'line',
  title: 'Production line',
  description: 'The line as a whole: the SKU it runs, its production, OEE and economics.',
  state: lineStateSchema,
  interventions: LINE_INTERVENTIONS,
  kpis: LINE_KPIS,
};

/** The production-line pack (seed 002). */
export const linePack: Pack<LineConfig, LineModel> = {
  name: 'line',
  title: 'Production line',
  version: '0.1.0',
  config: lineConfigSchema,
  assetKinds: [lineKind, machineKind, bufferKind],
  kpis: LINE_KPIS,
  build: (context) => new LineModel(context),
};
