import { z } from 'zod';
import { compileModel, type ConnectionSpec, type ModelSpec } from './compile.js';
import { ProcessModelError } from './errors.js';

const name = z.string().min(1).max(64);

export const componentSchema = z
  .strictObject({
    id: name.describe('Unique id: letters, digits, _ and -, starting with a letter.'),
    type: name.describe('Component type (see the component catalogue).'),
    name: z.string().max(200).optional().describe('Display name.'),
    properties: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("The type's properties (defaults apply to what is left out)."),
  })
  .describe('A component of the model.');

const SHORTHAND = /^\s*([A-Za-z][\w-]*)\.(\w+)\s*->\s*([A-Za-z][\w-]*)\.(\w+)\s*$/;

export const connectionSchema = z
  .union([
    z.strictObject({
      source_component_id: name,
      source_port: name,
      target_component_id: name,
      target_port: name,
    }),
    z.string().regex(SHORTHAND, 'expected "source.port -> target.port"'),
  ])
  .describe('From an output port to an input port: the four catalogue fields, or "source.port -> target.port".');

/** A connection in its catalogue form, whichever way the scenario wrote it. */
export function connectionOf(c: z.infer<typeof connectionSchema>): ConnectionSpec {
  if (typeof c !== 'string') return c;
  const m = SHORTHAND.exec(c) as RegExpExecArray;
  return {
    source_component_id: m[1] as string,
    source_port: m[2] as string,
    target_component_id: m[3] as string,
    target_port: m[4] as string,
  };
}

export const processConfigSchema = z
  .strictObject({
    step_s: z
      .number()
      .min(1e-4)
      .max(60)
      .default(0.1)
      .describe('Fixed integration step (s); faults and interventions between steps land at their exact time.'),
    method: z.enum(['rk4', 'euler']).default('rk4').describe('Integration method of the continuous states.'),
    ledger: z
      .strictObject({
        interval_s: z
          .number()
          .min(0)
          .max(86_400)
          .default(1)
          .describe('Each component writes its state at most this often (0: every step); discrete changes at once.'),
        deadband: z
          .number()
          .min(0)
          .max(1)
          .default(0.01)
          .describe("Relative change of a value (or its unit's resolution) below which no record is written."),
      })
      .prefault({}),
    components: z.array(componentSchema).min(1).max(5000),
    connections: z.array(connectionSchema).max(20_000).default([]),
  })
  .superRefine((config, ctx) => {
    // The block diagram itself is checked here, so each problem is reported at its place in the file.
    try {
      compileModel(modelSpecOf(config));
    } catch (error) {
      if (!(error instanceof ProcessModelError)) throw error;
      for (const issue of error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [...issue.path] });
    }
  })
  .describe('The process pack section: components, the connections between their ports, the integration step.');
export type ProcessConfig = z.infer<typeof processConfigSchema>;

export function modelSpecOf(config: Pick<ProcessConfig, 'components' | 'connections'>): ModelSpec {
  return { components: config.components, connections: config.connections.map(connectionOf) };
}
