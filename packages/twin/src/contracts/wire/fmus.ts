import { z } from 'zod';
import { wireRecord } from './record.js';

// FMUs uploaded to a server (`/api/v1/fmus`): what the catalog keeps of an archive's modelDescription.xml, so a
// client can list an account's FMUs, show their variables and draw their ports without reading the archive again.

export const fmuVariableSchema = wireRecord('FmuVariable', {
  name: z.string(),
  valueReference: z.number().int(),
  description: z.string().optional(),
  causality: z.enum([
    'parameter',
    'calculatedParameter',
    'structuralParameter',
    'input',
    'output',
    'local',
    'independent',
  ]),
  variability: z.enum(['constant', 'fixed', 'tunable', 'discrete', 'continuous']),
  initial: z.enum(['exact', 'approx', 'calculated']).optional(),
  type: z.string().describe('The element name of its type: Real, Integer… (FMI 2.0) or Float64, Int32… (FMI 3.0)'),
  start: z
    .union([z.number(), z.boolean(), z.string()])
    .optional()
    .describe('Start value; non-finite reals are written "INF", "-INF" or "NaN"'),
  unit: z.string().optional(),
});
export type FmuVariable = z.infer<typeof fmuVariableSchema>;

const fmuFields = {
  id: z.string(),
  name: z.string().describe('The file name it was uploaded under'),
  fmiVersion: z.enum(['2.0', '3.0']),
  modelName: z.string(),
  instantiationToken: z
    .string()
    .describe('FMI 2.0 guid or FMI 3.0 instantiationToken: checked by the binary, never an identity of the FMU'),
  description: z.string().nullable(),
  generationTool: z.string().nullable(),
  capabilities: z
    .object({
      modelIdentifier: z.string(),
      canHandleVariableCommunicationStepSize: z.boolean(),
      canGetAndSetFMUState: z.boolean(),
      canSerializeFMUState: z.boolean(),
      canBeInstantiatedOnlyOncePerProcess: z.boolean(),
      needsExecutionTool: z.boolean(),
    })
    .readonly(),
  defaultExperiment: z
    .object({
      startTime: z.number().optional(),
      stopTime: z.number().optional(),
      tolerance: z.number().optional(),
      stepSize: z.number().optional(),
    })
    .readonly(),
  sizeBytes: z.number().int().describe('Size of the archive as uploaded'),
  sha256: z.string().describe('SHA-256 of the archive as uploaded (hex)'),
  createdAt: z.string(),
};

/** An FMU in a list: everything but its variables (an FMU may have thousands). */
export const fmuSummarySchema = wireRecord('FmuSummary', { ...fmuFields, variableCount: z.number().int() });
export type FmuSummary = z.infer<typeof fmuSummarySchema>;

export const fmuSchema = wireRecord('Fmu', {
  ...fmuFields,
  variables: z.array(fmuVariableSchema).readonly().describe('In modelDescription order'),
});
export type Fmu = z.infer<typeof fmuSchema>;
