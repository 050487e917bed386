import { z } from 'zod';
import { behaviourSchema } from './models/behaviour.js';
import { sensorSpecSchema } from './models/sensors.js';
import { MODEL_TYPES, vehicleOverridesSchema } from './models/vehicle-types.js';
import { environmentSchema, SENSOR_TYPES } from './models/weather.js';
import { SCENARIO_TYPE_NAMES, scenarioType } from './scenarios/library.js';

const sensorEntry = z.union([z.enum(SENSOR_TYPES), sensorSpecSchema]);

/** The vehicle under test (OpenSCENARIO's entity with its catalog reference and controller). */
export const entitySchema = z
  .strictObject({
    model_type: z.enum(MODEL_TYPES).default('sedan').describe('sedan, van, truck or bus.'),
    overrides: vehicleOverridesSchema.prefault({}).describe('Parameters that differ from the model type.'),
    sensors: z
      .array(sensorEntry)
      .max(16)
      .default(['radar', 'lidar', 'camera'])
      .describe('radar, lidar, camera by name (typical figures), or objects overriding any figure.'),
    behaviour: behaviourSchema.prefault({}).describe('ACC, AEB, lane keeping, lane changes.'),
    policy: z
      .strictObject({
        module: z
          .string()
          .min(1)
          .max(1000)
          .describe(
            'A JavaScript module exporting `policy` (an object with decide(input)), relative to the scenario file (on the server: a file of its --policy-modules directory): replaces speed control and ACC.',
          ),
        module_sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .optional()
          .describe("The module's content SHA-256, set by the loader so the scenario's identity covers the code."),
      })
      .optional()
      .describe('A user-supplied driving policy (see docs/fleet.md); the AEB stays above it unless disabled.'),
  })
  .describe('The vehicle under test.');
export type EntityConfig = z.infer<typeof entitySchema>;

const criterionSchema = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  score: z.string().min(1).max(100).describe('A score of the case (see the scenario reference).'),
  op: z.enum(['<=', '>=', '==']),
  limit: z.union([z.number(), z.boolean()]),
  unit: z.string().max(20).default(''),
});

const sweepValue = z.union([z.number(), z.string(), z.boolean()]);

/** The test (OpenSCENARIO's storyboard, reduced to a library type with parameters). */
export const testSchema = z
  .strictObject({
    type: z
      .enum(SCENARIO_TYPE_NAMES as [string, ...string[]])
      .describe(
        'A scenario type of the library, or live_fork (a what-if copy of the live fleet, POST /api/v1/twin/live/fork).',
      ),
    params: z.record(z.string(), z.unknown()).default({}).describe("The type's parameters (defaults apply)."),
    sweep: z
      .record(z.string(), z.array(sweepValue).min(1).max(64))
      .optional()
      .describe('Runs one case per value (several parameters: every combination), e.g. initial_speed: [10, 20, 30].'),
    criteria: z.array(criterionSchema).max(32).default([]).describe("Criteria added to the type's own."),
  })
  .describe('What is tested and how it is judged.');

export const fleetConfigSchema = z
  .strictObject({
    step_hz: z.number().int().min(10).max(1000).default(100).describe('Fixed step of the vehicle models, Hz.'),
    ledger: z
      .strictObject({
        sample_hz: z
          .number()
          .min(0)
          .max(100)
          .default(10)
          .describe('How often each vehicle and moving actor writes its state to the ledger (0: only events).'),
        detections: z.boolean().default(true).describe('Include the current sensor detections in sampled states.'),
      })
      .prefault({}),
    environment: environmentSchema.prefault({}),
    entities: z
      .strictObject({ ego: entitySchema.prefault({}) })
      .prefault({})
      .describe('The vehicle under test (a platoon copies it).'),
    test: testSchema,
  })
  .superRefine((config, ctx) => {
    // The type's own parameters are checked here, so a wrong one is reported at its place in the file.
    const type = scenarioType(config.test.type);
    if (type === undefined) return;
    const check = (value: Record<string, unknown>, path: (string | number)[]): void => {
      const parsed = type.params.safeParse(value);
      if (parsed.success) return;
      for (const issue of parsed.error.issues) {
        ctx.addIssue({
          code: 'custom',
          message: issue.message,
          path: [...path, ...issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k))],
        });
      }
    };
    check(config.test.params, ['test', 'params']);
    for (const [key, values] of Object.entries(config.test.sweep ?? {})) {
      values.forEach((value, i) => check({ ...config.test.params, [key]: value }, ['test', 'sweep', key, i]));
    }
  })
  .describe('The fleet pack section: vehicle, environment and the test from the scenario library.');
export type FleetConfig = z.infer<typeof fleetConfigSchema>;
