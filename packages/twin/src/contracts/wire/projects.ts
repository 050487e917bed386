import { z } from 'zod';
import { processModelSchema } from './process.js';

/** Modelling projects on a server and the machine models they hold (components and connections of the process pack). */

const name = z.string().trim().min(1).max(200);
const description = z.string().max(2000).nullable();

export const projectInputSchema = z
  .strictObject({ name, description: description.optional() })
  .readonly()
  .meta({ id: 'NewProject' });
export type ProjectInput = z.infer<typeof projectInputSchema>;

export const projectPatchSchema = z
  .strictObject({ name: name.optional(), description: description.optional() })
  .readonly()
  .meta({ id: 'ProjectPatch' });
export type ProjectPatch = z.infer<typeof projectPatchSchema>;

export const projectSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .readonly()
  .meta({ id: 'Project' });
export type Project = z.infer<typeof projectSchema>;

export const machineModelInputSchema = z
  .strictObject({
    name,
    description: description.optional(),
    components: processModelSchema.shape.components.default([]),
    connections: processModelSchema.shape.connections.default([]),
  })
  .readonly()
  .meta({ id: 'NewMachineModel' });
export type MachineModelInput = z.input<typeof machineModelInputSchema>;

export const machineModelSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    components: processModelSchema.shape.components,
    connections: processModelSchema.shape.connections,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .readonly()
  .meta({ id: 'MachineModel' });
export type MachineModel = z.infer<typeof machineModelSchema>;
