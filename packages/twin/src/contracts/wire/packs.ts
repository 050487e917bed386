import { z } from 'zod';
import { wireRecord } from './record.js';

export const kpiDefinitionSchema = wireRecord('KpiDefinition', {
  name: z.string().describe('snake_case with unit suffix where ambiguous: wait_p95_s, energy_kwh'),
  description: z.string(),
  unit: z.string(),
  kind: z
    .enum(['counter', 'gauge'])
    .describe('Counters are cumulative, reported as increments per telemetry interval; gauges as snapshots'),
});
export type KpiDefinition = z.infer<typeof kpiDefinitionSchema>;

const jsonSchemaDocument = z.record(z.string(), z.unknown());

export const interventionDescriptionSchema = wireRecord('InterventionDescription', {
  name: z.string(),
  description: z.string(),
  argsSchema: jsonSchemaDocument.describe('JSON Schema (draft 2020-12) of the arguments: generate forms from it'),
});
export type InterventionDescription = z.infer<typeof interventionDescriptionSchema>;

export const assetKindDescriptionSchema = wireRecord('AssetKindDescription', {
  kind: z.string(),
  title: z.string(),
  description: z.string(),
  stateSchema: jsonSchemaDocument,
  kpis: z.array(kpiDefinitionSchema).readonly(),
  interventions: z.array(interventionDescriptionSchema).readonly(),
});
export type AssetKindDescription = z.infer<typeof assetKindDescriptionSchema>;

/** JSON description of a pack for the server and the UI (forms are generated from the JSON Schemas). */
export const packDescriptionSchema = wireRecord('PackDescription', {
  name: z.string(),
  title: z.string(),
  version: z.string(),
  kpis: z.array(kpiDefinitionSchema).readonly(),
  inputs: z.array(z.object({ name: z.string(), description: z.string() }).readonly()).readonly(),
  assetKinds: z.array(assetKindDescriptionSchema).readonly(),
});
export type PackDescription = z.infer<typeof packDescriptionSchema>;

export const exampleInfoSchema = wireRecord('Example', {
  id: z.string(),
  title: z.string(),
  pack: z.string(),
  description: z.string(),
  format: z.enum(['file', 'config-dir']),
});
export type ExampleInfo = z.infer<typeof exampleInfoSchema>;
