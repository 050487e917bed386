import { z } from 'zod';

export const kpiDefinitionSchema = z
  .object({
    name: z.string().describe('snake_case with unit suffix where ambiguous: wait_p95_s, energy_kwh'),
    description: z.string(),
    unit: z.string(),
    kind: z
      .enum(['counter', 'gauge'])
      .describe('Counters are cumulative, reported as increments per telemetry interval; gauges as snapshots'),
  })
  .readonly()
  .meta({ id: 'KpiDefinition' });
export type KpiDefinition = z.infer<typeof kpiDefinitionSchema>;

const jsonSchemaDocument = z.record(z.string(), z.unknown());

export const interventionDescriptionSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    argsSchema: jsonSchemaDocument.describe('JSON Schema (draft 2020-12) of the arguments: generate forms from it'),
  })
  .readonly()
  .meta({ id: 'InterventionDescription' });
export type InterventionDescription = z.infer<typeof interventionDescriptionSchema>;

export const assetKindDescriptionSchema = z
  .object({
    kind: z.string(),
    title: z.string(),
    description: z.string(),
    stateSchema: jsonSchemaDocument,
    kpis: z.array(kpiDefinitionSchema).readonly(),
    interventions: z.array(interventionDescriptionSchema).readonly(),
  })
  .readonly()
  .meta({ id: 'AssetKindDescription' });
export type AssetKindDescription = z.infer<typeof assetKindDescriptionSchema>;

/** JSON description of a pack for the server and the UI (forms are generated from the JSON Schemas). */
export const packDescriptionSchema = z
  .object({
    name: z.string(),
    title: z.string(),
    version: z.string(),
    kpis: z.array(kpiDefinitionSchema).readonly(),
    inputs: z.array(z.object({ name: z.string(), description: z.string() }).readonly()).readonly(),
    assetKinds: z.array(assetKindDescriptionSchema).readonly(),
  })
  .readonly()
  .meta({ id: 'PackDescription' });
export type PackDescription = z.infer<typeof packDescriptionSchema>;

export const exampleInfoSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    pack: z.string(),
    description: z.string(),
    format: z.enum(['file', 'config-dir']),
  })
  .readonly()
  .meta({ id: 'Example' });
export type ExampleInfo = z.infer<typeof exampleInfoSchema>;
