import { z } from 'zod';
import { strictWireRecord, wireRecord } from './record.js';
import { processModelSchema } from './process.js';

/** Modelling projects on a server and the machine models they hold (components and connections of the process pack). */

const name = z.string().trim().min(1).max(200);
const description = z.string().max(2000).nullable();

export const projectInputSchema = strictWireRecord('NewProject', { name, description: description.optional() });
export type ProjectInput = z.infer<typeof projectInputSchema>;

export const projectPatchSchema = strictWireRecord('ProjectPatch', {
  name: name.optional(),
  description: description.optional(),
});
export type ProjectPatch = z.infer<typeof projectPatchSchema>;

export const projectSchema = wireRecord('Project', {
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Project = z.infer<typeof projectSchema>;

const coordinate = z.number().min(-1e6).max(1e6);

/**
 * How the canvas draws a model: each component's place (by component id) and the view onto the canvas. It changes
 * nothing the model computes, so it is saved without compiling the model; every id it names must be a component.
 */
export const modelLayoutSchema = z
  .strictObject({
    nodes: z
      .record(z.string().min(1).max(64), z.strictObject({ x: coordinate, y: coordinate }))
      .refine((nodes) => Object.keys(nodes).length <= 5000, 'at most 5000 components')
      .default({})
      .describe("Each component's top-left corner on the canvas, by component id"),
    viewport: z
      .strictObject({ x: coordinate, y: coordinate, zoom: z.number().min(0.01).max(100) })
      .nullable()
      .default(null)
      .describe('The pan and zoom the model was left at (null: fit the model in view)'),
  })
  .meta({ id: 'ModelLayout' });
export type ModelLayout = z.infer<typeof modelLayoutSchema>;
export type ModelLayoutInput = z.input<typeof modelLayoutSchema>;

export const machineModelInputSchema = strictWireRecord('NewMachineModel', {
  name,
  description: description.optional(),
  components: processModelSchema.shape.components.default([]),
  connections: processModelSchema.shape.connections.default([]),
  layout: modelLayoutSchema.optional().describe('Omitted: the stored layout stays (of its components still there)'),
});
export type MachineModelInput = z.input<typeof machineModelInputSchema>;

export const machineModelSchema = wireRecord('MachineModel', {
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  components: processModelSchema.shape.components,
  connections: processModelSchema.shape.connections,
  layout: modelLayoutSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MachineModel = z.infer<typeof machineModelSchema>;

/** How a machine model runs (`POST /api/v1/simulation/start/{model_id}`): everything has a default. */
export const modelRunInputSchema = strictWireRecord('ModelRunInput', {
  name: name.optional().describe("The simulation's name (default: the model's)"),
  duration: z
    .union([z.string().min(1).max(40), z.number().positive()])
    .default('1h')
    .describe('Sim time to run: "30m", "2h", or seconds'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1)
    .describe('Seed of the random streams (sensor noise): same model, seed and interventions, same ledger'),
  step_s: z.number().min(1e-4).max(60).optional().describe('Integration step in sim seconds (default 0.1)'),
  method: z.enum(['rk4', 'euler']).optional(),
  speed: z
    .number()
    .positive()
    .nullable()
    .default(1)
    .describe('Sim seconds per wall second (1 = real time); null = as fast as possible'),
  paused: z.boolean().default(false).describe('Create it paused at t = 0 (then step or run it)'),
});
export type ModelRunInput = z.input<typeof modelRunInputSchema>;

/** One step of a model's simulation: N engine events, or Δt sim seconds; `{}` is one integration step. */
export const modelStepInputSchema = z
  .union([
    z.strictObject({ events: z.number().int().min(1).max(1_000_000) }),
    z.strictObject({ seconds: z.number().positive() }),
    z.strictObject({}),
  ])
  .meta({ id: 'ModelStepInput' });
export type ModelStepInput = z.infer<typeof modelStepInputSchema>;
