import { z } from 'zod';
import { idString, nameString } from '../contracts/limits.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import { durationFormats, parseDuration } from './duration.js';

/** Chunk of sim time between two debug pauses when `debug_mode: true` (seed 000 §3: 15 minutes). */
export const DEBUG_CHUNK_DEFAULT = '15m';

/** The form of `debug_mode` (in a scenario and on POST …/run). */
export type DebugModeInput = boolean | { readonly chunk?: string | number };

/** Seconds per chunk of a `debug_mode` value, or null when it turns debug mode off; a bad chunk throws. */
export function debugModeChunkS(value: DebugModeInput): number | null {
  if (value === false) return null;
  const chunk = value === true || value.chunk === undefined ? DEBUG_CHUNK_DEFAULT : value.chunk;
  const seconds = parseDuration(chunk);
  if (!(seconds > 0)) {
    throw new TwinError(TwinErrorCode.InvalidArguments, `debug_mode.chunk must be greater than zero, got ${chunk}`, {
      field: 'debug_mode.chunk',
    });
  }
  return seconds;
}

/** Default values of the optional generic fields. */
export const scenarioDefaults = {
  description: '',
  start: '2026-01-01T00:00:00Z',
  timezone: 'UTC',
  telemetryInterval: '5m',
} as const;

// Non-negative, but checked by the loader so a negative duration is reported as an invalid duration.
const duration = z.union([z.string(), z.number()]).describe(`A duration: ${durationFormats}.`);

const interventionSchema = z
  .strictObject({
    at: z
      .union([z.string(), z.number()])
      .describe(
        'When it takes effect: a duration from the start ("17h55m"), a clock time ("17:55", the first occurrence at or after the start in `timezone`), or a number of seconds.',
      ),
    asset: idString().describe('Id of the asset it acts on.'),
    action: idString().describe('Intervention name, e.g. trigger_outage.'),
    args: z.record(z.string(), z.unknown()).optional().describe("The action's arguments, validated by its schema."),
  })
  .describe('A scheduled intervention (origin "schedule").');

/** Generic fields shared by every scenario, whatever its pack. */
export const genericShape = {
  doppel: z.literal(1).describe('Format version of the scenario file. Always 1.'),
  name: nameString().optional().describe('Scenario name. Default: the file name without extension.'),
  description: z.string().optional().describe('Free text. Default: "".'),
  pack: z.string().min(1).describe('Which pack models this scenario; its section is the key of the same name.'),
  start: z
    .string()
    .optional()
    .describe(`Datetime of sim time 0, ISO 8601 with offset. Default: ${scenarioDefaults.start}.`),
  timezone: z.string().optional().describe('IANA time zone for display and clock times. Default: UTC.'),
  duration: duration
    .optional()
    .describe(`How long a run lasts (required here or given by the caller): ${durationFormats}.`),
  seed: z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe('Seed of every random stream (required here or given by the caller: no seed, no run).'),
  telemetry: z
    .strictObject({ interval: duration.optional().describe('KPI snapshot interval. Default: 5m.') })
    .optional()
    .describe('Telemetry settings.'),
  constants: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'NAME: value pairs; ${NAME} anywhere else in the file is replaced (a whole-string ${NAME} keeps its type).',
    ),
  inputs: z
    .record(z.string(), z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]))
    .optional()
    .describe(
      "Input tables by name: a CSV path relative to the file (or inline rows), validated by the pack's row schema.",
    ),
  interventions: z.array(interventionSchema).optional().describe('Interventions scheduled by the scenario.'),
  breakpoints: z
    .array(z.string())
    .optional()
    .describe('Breakpoint expressions, e.g. "station(\'s4\').queue_length > 5".'),
  debug_mode: z
    .union([
      z.boolean(),
      z.strictObject({ chunk: duration.optional().describe(`Sim time per chunk. Default: ${DEBUG_CHUNK_DEFAULT}.`) }),
    ])
    .optional()
    .describe(
      `Debug mode (seed 000 §3): a run goes in chunks of sim time and pauses after each until the user acknowledges (POST /api/v1/simulations/{id}/ack, or the Continue button); the ledger records each pause (DEBUG_PAUSED) and acknowledgement (DEBUG_ACKNOWLEDGED). true = chunks of ${DEBUG_CHUNK_DEFAULT}; { chunk: "5m" } = another size; false or absent = off. Needs the server: \`doppel run\` refuses it.`,
    ),
} as const;

export type GenericKey = keyof typeof genericShape;
export const genericKeys = Object.keys(genericShape) as GenericKey[];

/** Fields of a single scenario file (without the pack section). */
export const singleFileGenericSchema = z.strictObject(genericShape);

/** Fields of a run document in a config directory: no format version, pack may come from defaults.yaml. */
export const runGenericSchema = z.strictObject({
  ...genericShape,
  doppel: genericShape.doppel.optional(),
  pack: genericShape.pack.optional(),
});
