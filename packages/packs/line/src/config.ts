import { z } from 'zod';

// Schemas of the pack section AFTER the scenario loader resolved references (a field named after a config folder
// holding a document name is replaced by that document, which carries `name`). Unknown keys are rejected so that a
// misspelt field is reported with its location instead of being silently ignored.

const nonNegative = z.number().min(0);
const probability = z.number().min(0).max(1);

export const productSchema = z
  .strictObject({
    name: z.string().min(1).describe('SKU id (the products/ file name).'),
    description: z.string().default('').describe('Human-readable SKU description.'),
    size_oz: z.number().positive().describe('Unit size in ounces.'),
    net_weight_g: z.number().positive().optional().describe('Net weight of one unit in grams.'),
    units_per_case: z.int().min(1).describe('Units (tubes) per case: the packer batch size.'),
    cases_per_pallet: z.int().min(1).describe('Cases per pallet: the palletizer batch size.'),
    material_cost: nonNegative.describe('Material cost per pallet (currency units).'),
    selling_price: nonNegative.describe('Selling price per good pallet (currency units).'),
  })
  .describe('A SKU with its packaging hierarchy and economics.');
export type ProductConfig = z.infer<typeof productSchema>;

export const costRatesSchema = z
  .strictObject({
    labor_per_hour: nonNegative.default(0).describe('Labour cost per machine-hour (all states).'),
    energy_per_hour: nonNegative.default(0).describe('Energy cost per hour of EXECUTE.'),
    overhead_per_hour: nonNegative.default(0).describe('Overhead cost per machine-hour (all states).'),
  })
  .describe('Conversion cost rates.');
export type CostRates = z.infer<typeof costRatesSchema>;

export const reliabilitySchema = z
  .strictObject({
    mtbf_min: z
      .number()
      .positive()
      .nullable()
      .default(null)
      .describe('Mean operating time between failures, minutes (exponential: Poisson failures). null: never fails.'),
    mtbf_max: z
      .number()
      .positive()
      .nullable()
      .default(null)
      .describe('With mtbf_min: operating time between failures drawn uniformly in [mtbf_min, mtbf_max] minutes.'),
    mttr_min: z.number().positive().default(60).describe('Mean time to repair, minutes (exponential).'),
    mttr_max: z
      .number()
      .positive()
      .nullable()
      .default(null)
      .describe('With mttr_min: repair time drawn uniformly in [mttr_min, mttr_max] minutes.'),
  })
  .describe('Breakdowns (availability loss, state DOWN).');

export const performanceSchema = z
  .strictObject({
    jam_prob: probability.default(0).describe('Probability of a micro-stop per cycle.'),
    jam_time_sec: nonNegative.default(10).describe('Duration of a micro-stop, seconds.'),
  })
  .describe('Micro-stops (performance loss, state JAMMED).');

export const qualitySchema = z
  .strictObject({
    defect_rate: probability.default(0).describe('Probability that an output unit is made defective.'),
    detection_prob: probability.default(0).describe('Probability that inspection finds a defective unit.'),
  })
  .describe('Defects and inspection (quality loss).');

export const phaseEntrySchema = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1).describe('Phase name (collect, breakdown, microstop, execute, transform, inspect).'),
    handler: z.string().min(1).optional().describe('Implementation in the phase registry (e.g. BreakdownPhase).'),
    description: z.string().optional(),
    enabled: z
      .union([z.boolean(), z.string().min(1)])
      .optional()
      .describe(
        'true/false, "always", or a CEL expression over `config` (the equipment), e.g. "config.performance.jam_prob > 0". Default: the phase decides.',
      ),
  }),
]);
export type PhaseEntry = z.infer<typeof phaseEntrySchema>;

export const behaviorSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    phases: z.array(phaseEntrySchema).min(1).describe('Phases of one equipment cycle, in order.'),
  })
  .describe('An equipment cycle as an ordered list of pluggable phases.');
export type BehaviorConfig = z.infer<typeof behaviorSchema>;

export const equipmentSchema = z
  .strictObject({
    name: z.string().min(1).describe('Equipment id (the equipment/ file name).'),
    description: z.string().optional(),
    uph: z.number().positive().optional().describe('Cycles per hour (one cycle makes one output unit).'),
    cycle_time_sec: z.number().positive().optional().describe('Seconds per cycle (wins over uph).'),
    batch_in: z
      .int()
      .min(1)
      .optional()
      .describe(
        'Inputs consumed per cycle. Default: units_per_case for output_type case, cases_per_pallet for pallet, else 1.',
      ),
    output_type: z
      .string()
      .optional()
      .describe('What a cycle makes: tube, case, pallet (any name), or none to pass inputs through.'),
    buffer_capacity: z.int().min(1).optional().describe('Capacity of the buffer after this equipment. Default 50.'),
    reliability: reliabilitySchema.optional(),
    performance: performanceSchema.optional(),
    quality: qualitySchema.optional(),
    cost_rates: costRatesSchema.optional(),
    behavior: behaviorSchema.optional().describe('Phase list for this equipment (default: the scenario behavior).'),
  })
  .refine((e) => e.uph !== undefined || e.cycle_time_sec !== undefined, {
    message: 'equipment needs uph or cycle_time_sec',
  })
  .describe('A machine: speed, reliability, performance and quality parameters.');
export type EquipmentConfig = z.infer<typeof equipmentSchema>;

export const sourceSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    initial_inventory: z
      .int()
      .min(0)
      .nullable()
      .default(null)
      .describe('Raw units available; null: infinite (never starves the first station).'),
    material_type: z.string().optional().describe('Label of the raw material.'),
    parent_machine: z.string().optional().describe('Label of the upstream supplier.'),
  })
  .describe('Raw material supply of the `_source` node.');
export type SourceConfig = z.infer<typeof sourceSchema>;

export const nodeSchema = z.strictObject({
  name: z.string().min(1).describe('Station id; matches an equipment name unless `equipment` is given.'),
  equipment: equipmentSchema.optional().describe('Equipment document (by name) for this station.'),
  batch_in: z.int().min(1).optional(),
  output_type: z.string().optional(),
  behavior: behaviorSchema.optional(),
});

export const edgeSchema = z.strictObject({
  from: z.string().min(1).describe('Upstream node: a station or `_source`.'),
  to: z.string().min(1).describe('Downstream node: a station, `_sink` or `_reject`.'),
  name: z.string().min(1).optional().describe('Buffer id. Default: <from>_to_<to>.'),
  capacity: z.int().min(1).optional().describe('Buffer capacity. Default: buffer_capacity of the upstream equipment.'),
  condition: z
    .string()
    .min(1)
    .optional()
    .describe('CEL condition on the unit (is_defective, has_defect, kind, sku, size_oz); `not x` means `!x`.'),
});

export const topologySchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    source: sourceSchema.optional(),
    buffer_capacity: z.int().min(1).optional().describe('Default capacity of every buffer of this topology.'),
    stations: z.array(z.string().min(1)).min(1).optional().describe('Linear line: station names in flow order.'),
    nodes: z.array(nodeSchema).min(1).optional().describe('Graph line: stations.'),
    edges: z.array(edgeSchema).min(1).optional().describe('Graph line: buffers between nodes.'),
  })
  .refine((t) => (t.stations !== undefined) !== (t.nodes !== undefined || t.edges !== undefined), {
    message: 'a topology is either linear (stations) or a graph (nodes and edges)',
  })
  .refine((t) => t.stations !== undefined || (t.nodes !== undefined && t.edges !== undefined), {
    message: 'a graph topology needs both nodes and edges',
  })
  .describe('Line structure: linear (stations) or a DAG (nodes, edges) with _source, _sink, _reject.');
export type TopologyConfig = z.infer<typeof topologySchema>;

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    topology: topologySchema,
    equipment: z.array(equipmentSchema).default([]).describe('Equipment documents used by the topology.'),
    behavior: behaviorSchema.optional().describe('Default phase list of every equipment.'),
  })
  .describe('A line: topology, equipment, behavior.');
export type ScenarioConfig = z.infer<typeof scenarioSchema>;

/** The pack section of a run (config directory) or of a single scenario file's `line:` key. */
export const lineConfigSchema = z
  .strictObject({
    scenario: scenarioSchema,
    product: productSchema.describe('The SKU running at the start.'),
    products: z.array(productSchema).default([]).describe('Other SKUs that change_sku may switch to.'),
    cost_rates: costRatesSchema.optional().describe('Cost rates of equipment that declares none.'),
    lines: z
      .int()
      .min(1)
      .max(1000)
      .default(1)
      .describe('Identical copies of the line in one plant (ids line<k>.<station>).'),
  })
  .describe('Production-line pack configuration (seed 002).');
export type LineConfig = z.infer<typeof lineConfigSchema>;
