import { z } from 'zod';
import { wireRecord } from './record.js';

// The process pack's catalogue and models as they cross HTTP: what the modelling canvas reads to draw its palette,
// generate property editors and check connections, and the model it saves (the seed's data model).

const jsonSchemaDocument = z.record(z.string(), z.unknown());

const portFields = {
  name: z.string(),
  direction: z.enum(['in', 'out']),
  unit: z.string().describe('A unit symbol (see units), or a unit variable "$u" that a connection or a property fixes'),
  description: z.string(),
  default: z.number().optional().describe('Inputs: the value read while nothing is connected'),
  feedthrough: z.boolean().describe('Inputs: whether an output depends on it within the same instant'),
};

export const processPortSchema = wireRecord('ProcessPort', portFields);
export type ProcessPort = z.infer<typeof processPortSchema>;

export const processPortTemplateSchema = wireRecord('ProcessPortTemplate', {
  ...portFields,
  repeat: z
    .string()
    .optional()
    .describe(
      'The integer property giving how many times this port repeats ({i} in its name, unit and description counts 1, 2, …); consecutive ports with the same repeat repeat together',
    ),
});
export type ProcessPortTemplate = z.infer<typeof processPortTemplateSchema>;

/** The fields of a port template expansion reads; the rest of a port is copied. */
interface PortPattern {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly repeat?: string;
}

/**
 * The ports of a component from its type's template and its properties (defaults included): a port with `repeat`
 * appears once per count of that property, numbered from 1, consecutive ones interleaved (flow_1, temperature_1,
 * flow_2, …). The process pack and the modelling canvas both expand templates with this function, so the canvas
 * shows the ports the server compiles.
 */
export function expandPortTemplate<T extends PortPattern>(
  template: readonly T[],
  properties: Readonly<Record<string, unknown>>,
): Omit<T, 'repeat'>[] {
  const ports: Omit<T, 'repeat'>[] = [];
  for (let k = 0; k < template.length;) {
    const repeat = (template[k] as T).repeat;
    let end = k + 1;
    while (end < template.length && (template[end] as T).repeat === repeat) end++;
    const group = template.slice(k, end);
    if (repeat === undefined) {
      for (const { repeat: _, ...port } of group) ports.push(port);
    } else {
      const value = properties[repeat];
      const count = typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
      for (let i = 1; i <= count; i++) {
        for (const { repeat: _, ...port } of group) {
          const n = (text: string): string => text.replaceAll('{i}', String(i));
          ports.push({ ...port, name: n(port.name), unit: n(port.unit), description: n(port.description) });
        }
      }
    }
    k = end;
  }
  return ports;
}

export const processComponentTypeSchema = wireRecord('ProcessComponentType', {
  type: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.enum(['source', 'process', 'measurement', 'control', 'output']),
  propertiesSchema: jsonSchemaDocument.describe(
    'JSON Schema (draft 2020-12) of the properties: generate editors from it',
  ),
  defaults: z.record(z.string(), z.unknown()).describe('The properties of a new component'),
  ports: z.array(processPortSchema).readonly().describe('Ports with the default properties'),
  portTemplate: z
    .array(processPortTemplateSchema)
    .readonly()
    .describe("The ports for any properties: expand it with the component's properties (see repeat)"),
  unitProperties: z.record(z.string(), z.string()).describe('Unit variables a property fixes: { "$u": "unit" }'),
});
export type ProcessComponentType = z.infer<typeof processComponentTypeSchema>;

export const processUnitSchema = wireRecord('ProcessUnit', {
  symbol: z.string(),
  title: z.string(),
  dimension: z.string().describe('Exponents of m, kg, s, K written out ("m^3·s^-1"), "dimensionless" or "on/off"'),
});
export type ProcessUnit = z.infer<typeof processUnitSchema>;

export const processCatalogueSchema = wireRecord('ProcessCatalogue', {
  componentTypes: z.array(processComponentTypeSchema).readonly(),
  units: z.array(processUnitSchema).readonly().describe('Ports connect when their units have the same dimension'),
});
export type ProcessCatalogue = z.infer<typeof processCatalogueSchema>;

const id = z.string().min(1).max(64);

export const processModelComponentSchema = z
  .object({
    id,
    type: id,
    name: z.string().max(200).optional(),
    properties: z.record(z.string(), z.unknown()).default({}),
    ports: z.unknown().optional().describe('As stored by the catalog; the type defines the ports that count'),
  })
  .meta({ id: 'ProcessModelComponent' });
export type ProcessModelComponent = z.input<typeof processModelComponentSchema>;

export const processModelConnectionSchema = z
  .object({
    source_component_id: id,
    source_port: id,
    target_component_id: id,
    target_port: id,
  })
  .meta({ id: 'ProcessModelConnection' });
export type ProcessModelConnection = z.infer<typeof processModelConnectionSchema>;

export const processModelSchema = z
  .object({
    components: z.array(processModelComponentSchema).max(5000),
    connections: z.array(processModelConnectionSchema).max(20_000),
  })
  .meta({ id: 'ProcessModel' });
export type ProcessModelInput = z.input<typeof processModelSchema>;

/** What an FMU port is made of: a variable of its modelDescription.xml (as stored or as a model carries it). */
export interface FmuPortVariable {
  readonly name: string;
  readonly causality: string;
  readonly type: string;
  readonly unit?: string;
  readonly start?: number | boolean | string;
  readonly description?: string;
}

/** Numeric types exchanged through ports (FMI 2.0 and 3.0 names); strings and binaries are set as parameters only. */
const FMU_NUMBER_TYPES = new Set([
  'Real',
  'Float64',
  'Float32',
  'Integer',
  'Int32',
  'Int16',
  'Int8',
  'UInt16',
  'UInt8',
]);

/** Whether an FMU variable is exchanged through a port (numeric and Boolean inputs and outputs). */
export function isFmuPortVariable(v: Pick<FmuPortVariable, 'causality' | 'type'>): boolean {
  return (
    (v.causality === 'input' || v.causality === 'output') && (FMU_NUMBER_TYPES.has(v.type) || v.type === 'Boolean')
  );
}

/**
 * The ports of an FMU component, in modelDescription order. A port's unit is `bool` for Booleans, the FMU's unit where
 * `knownUnit` knows the symbol; without a unit (or with one it does not know) the port takes the unit of what it is
 * connected to (a unit variable `$name`), so an FMU's own unit names never block a connection the modeller can see
 * is right. Co-simulation: an output is that of the last communication point, so no input feeds through. The process
 * pack compiles FMU components and the modelling canvas draws them with this one function.
 */
export function fmuPorts(variables: readonly FmuPortVariable[], knownUnit: (symbol: string) => boolean): ProcessPort[] {
  return variables.filter(isFmuPortVariable).map((v) => {
    const known = v.unit === undefined || knownUnit(v.unit);
    const note = known ? '' : ` (unit ${v.unit}: takes the unit of its connection)`;
    const unit = v.type === 'Boolean' ? 'bool' : v.unit !== undefined && known ? v.unit : `$${v.name}`;
    const description = `${v.description ?? `${v.causality} ${v.type}`}${note}`;
    if (v.causality !== 'input') return { name: v.name, direction: 'out', unit, description, feedthrough: false };
    const start = typeof v.start === 'number' ? v.start : typeof v.start === 'boolean' ? Number(v.start) : 0;
    return { name: v.name, direction: 'in', unit, description, default: start, feedthrough: false };
  });
}
