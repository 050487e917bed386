import { z } from 'zod';
import { strictWireRecord, wireRecord } from './record.js';

// Communication bindings of a machine model (`/api/v1/models/{id}/bindings`) and the hardware-in-the-loop run that
// uses them (`POST /api/v1/simulation/start_hil/{model_id}`). One binding ties one signal of the model to one point
// of a device; the protocol's own addressing is checked by the server against the endpoint's scheme.

const signalValue = z.union([z.number().min(-1e12).max(1e12), z.boolean()]);

export const bindingLossSchema = z
  .discriminatedUnion('policy', [
    z.strictObject({ policy: z.literal('hold').describe('Keep the last value read') }),
    z.strictObject({ policy: z.literal('default'), value: signalValue.describe('Use this value instead') }),
    z.strictObject({ policy: z.literal('pause').describe('Hold the simulation until the device answers again') }),
  ])
  .meta({ id: 'BindingLossPolicy' });
export type BindingLoss = z.infer<typeof bindingLossSchema>;

const bindingFields = {
  signal: z
    .string()
    .min(3)
    .max(129)
    .describe(
      'The model side, `component.port`: an input feeds a source component (`feed.out`), an output reads any output port (`heater.heat`)',
    ),
  direction: z.enum(['input', 'output']).describe('input: device → model; output: model → device'),
  endpoint: z
    .string()
    .min(1)
    .max(2048)
    .describe('The device: `opc.tcp://host:port`, `modbus://host:port[?unit=N]` or `mqtt://host:port`'),
  address: z
    .string()
    .min(1)
    .max(4096)
    .describe(
      'The point: an OPC UA NodeId (`ns=1;s=Tank.Level`), a Modbus address (`hr:12:f32`, `ir:3:i16`, `coil:0`) or an MQTT topic',
    ),
  jsonPath: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .describe(
      'MQTT only: where the value sits in a JSON payload, dotted (`state.level`); the whole payload when absent',
    ),
  samplingMs: z.number().int().min(1).max(3_600_000).optional().describe('Inputs: read at most this often'),
  deadband: z.number().min(0).max(1e12).optional().describe('Numbers: moves this small are not passed on'),
  scale: z
    .number()
    .min(-1e12)
    .max(1e12)
    .refine((v) => v !== 0, 'a non-zero scale')
    .optional()
    .describe('Model value = device value × scale + offset (1 by default)'),
  offset: z.number().min(-1e12).max(1e12).optional().describe('0 by default'),
  onLoss: bindingLossSchema.optional().describe('Inputs: what to do while the device cannot be read (hold)'),
  safeValue: signalValue.optional().describe('Outputs: written when the loop stops, so the device is left safe'),
  unit: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .optional()
    .describe("The device value's engineering unit, before scale and offset (`°C`, `0.01 °C`, `%`): shown beside it"),
};

export const modelBindingInputSchema = strictWireRecord('NewModelBinding', bindingFields);
export type ModelBindingInput = z.infer<typeof modelBindingInputSchema>;

export const modelBindingSchema = wireRecord('ModelBinding', {
  id: z.string(),
  modelId: z.string(),
  ...bindingFields,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ModelBinding = z.infer<typeof modelBindingSchema>;

/** How a model runs in the loop: its real-time cycle and the simulation's options. */
export const hilStartInputSchema = strictWireRecord('HilStartInput', {
  periodMs: z
    .number()
    .int()
    .min(5)
    .max(60_000)
    .default(100)
    .describe('Cycle period in wall milliseconds: each cycle reads inputs, steps the model by it, writes outputs'),
  name: z.string().trim().min(1).max(200).optional().describe("The simulation's name (default: the model's)"),
  duration: z
    .union([z.string().min(1).max(40), z.number().positive()])
    .default('24h')
    .describe('Sim time the simulation may run: "30m", "2h", or seconds'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
});
export type HilStartInput = z.input<typeof hilStartInputSchema>;

export const hilBindingStatusSchema = wireRecord('HilBindingStatus', {
  id: z.string(),
  signal: z.string(),
  direction: z.enum(['input', 'output']),
  endpoint: z.string(),
  address: z.string(),
  connection: z.enum(['connecting', 'connected', 'lost']),
  error: z.string().nullable().describe('Why the binding is lost, with the protocol status or exception'),
  lastValue: signalValue.nullable().describe('The model-side value last read (inputs) or written (outputs)'),
  lastValueAgeMs: z.number().nullable().describe('Wall milliseconds since that value was read or written'),
});
export type HilBindingStatus = z.infer<typeof hilBindingStatusSchema>;

export const hilStatusSchema = wireRecord('HilStatus', {
  simId: z.string(),
  modelId: z.string(),
  state: z.enum(['connecting', 'running', 'paused', 'waiting-for-inputs', 'stopped', 'failed']),
  error: z.string().nullable(),
  periodMs: z.number(),
  cycles: z.number().int(),
  overruns: z.number().int(),
  jitterP50Ms: z.number().describe('Lateness of a cycle start behind its slot, median'),
  jitterP99Ms: z.number().describe('Lateness of a cycle start behind its slot, p99'),
  readToWriteP99Ms: z.number().describe('Start of a cycle (inputs read) to its outputs written, p99'),
  bindings: z.array(hilBindingStatusSchema).readonly(),
});
export type HilStatus = z.infer<typeof hilStatusSchema>;
