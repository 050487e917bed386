import type { TwinDataType, TwinFieldModel } from '@doppel/bridge-opcua';
import type { AssetKindDescription } from '@doppel/twin';

/** How a write to a state field becomes an intervention: the action and the name of its one argument. */
export interface FieldWrite {
  readonly action: string;
  readonly arg: string;
}

/** A kind's state fields as OPC UA variables, and the interventions writes to them become. */
export interface KindFields {
  readonly fields: readonly TwinFieldModel[];
  readonly writes: ReadonlyMap<string, FieldWrite>;
}

interface JsonSchemaNode {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly required?: readonly string[];
}

/** Unit suffixes of state field names (the naming rule: units in names where ambiguous). */
const SUFFIX_UNITS: readonly (readonly [string, string])[] = [
  ['_kwh', 'kWh'],
  ['_kw', 'kW'],
  ['_w', 'W'],
  ['_m3s', 'm3/s'],
  ['_m3', 'm3'],
  ['_m2', 'm2'],
  ['_m', 'm'],
  ['_km', 'km'],
  ['_s', 's'],
  ['_ms', 'ms'],
  ['_c', 'degC'],
  ['_k', 'K'],
  ['_pct', '%'],
  ['_pa', 'Pa'],
  ['_kpa', 'kPa'],
  ['_bar', 'bar'],
  ['_kg', 'kg'],
  ['_mps', 'm/s'],
  ['_kmh', 'km/h'],
  ['_rpm', 'rpm'],
];

const INT32 = 2 ** 31;

function dataTypeOf(schema: JsonSchemaNode): TwinDataType | null {
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length !== 1) return schema.enum !== undefined ? 'String' : null;
  switch (types[0]) {
    case 'number':
      return 'Double';
    case 'integer':
      return schema.minimum !== undefined &&
        schema.maximum !== undefined &&
        -INT32 <= schema.minimum &&
        schema.maximum < INT32
        ? 'Int32'
        : 'Double';
    case 'boolean':
      return 'Boolean';
    case 'string':
      return 'String';
    default:
      return null;
  }
}

function unitOf(field: string, kind: AssetKindDescription): string | undefined {
  const kpi = kind.kpis.find((candidate) => candidate.name === field && candidate.unit !== '');
  if (kpi !== undefined) return kpi.unit;
  return SUFFIX_UNITS.find(([suffix]) => field.endsWith(suffix))?.[1];
}

/**
 * The variables of an asset kind: one per top-level state field. Numbers are Double (Int32 for bounded integers),
 * with engineering units from the kind's KPI of the same name or the field's unit suffix; booleans Boolean; strings and
 * enumerations String; objects and arrays read as their JSON text. A field is writable when the kind has an
 * intervention `set_<field>` with exactly one required argument of the field's type: a write becomes that intervention.
 */
export function kindFields(kind: AssetKindDescription): KindFields {
  const state = kind.stateSchema as JsonSchemaNode;
  const fields: TwinFieldModel[] = [];
  const writes = new Map<string, FieldWrite>();
  for (const [name, schema] of Object.entries(state.properties ?? {})) {
    const dataType = dataTypeOf(schema);
    const write = dataType === null ? undefined : writeOf(kind, name, dataType);
    if (write !== undefined) writes.set(name, write);
    const unit = dataType === 'Double' || dataType === 'Int32' ? unitOf(name, kind) : undefined;
    fields.push({
      name,
      dataType: dataType ?? 'String',
      writable: write !== undefined,
      ...(unit !== undefined ? { unit } : {}),
      ...(schema.description !== undefined ? { description: schema.description } : {}),
    });
  }
  return { fields, writes };
}

function writeOf(kind: AssetKindDescription, field: string, dataType: TwinDataType): FieldWrite | undefined {
  const intervention = kind.interventions.find((candidate) => candidate.name === `set_${field}`);
  if (intervention === undefined) return undefined;
  const args = intervention.argsSchema as JsonSchemaNode;
  const required = args.required ?? [];
  if (required.length !== 1) return undefined;
  const arg = required[0] as string;
  const argSchema = args.properties?.[arg];
  const argType = argSchema === undefined ? null : dataTypeOf(argSchema);
  const numeric = (type: TwinDataType | null) => type === 'Double' || type === 'Int32';
  if (argType !== dataType && !(numeric(argType) && numeric(dataType))) return undefined;
  return { action: intervention.name, arg };
}
