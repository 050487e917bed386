import { FmiError, FmiErrorCode } from './errors.js';
import type { ValueKind } from './protocol.js';

export type FmiVersion = '2.0' | '3.0';
export type Causality =
  'parameter' | 'calculatedParameter' | 'structuralParameter' | 'input' | 'output' | 'local' | 'independent';
export type Variability = 'constant' | 'fixed' | 'tunable' | 'discrete' | 'continuous';
export type Initial = 'exact' | 'approx' | 'calculated';
/** The element name of the variable's type: FMI 2.0 names (Real…) or FMI 3.0 names (Float64…). */
export type VariableType =
  | 'Real'
  | 'Integer'
  | 'Boolean'
  | 'String'
  | 'Enumeration'
  | 'Float64'
  | 'Float32'
  | 'Int8'
  | 'UInt8'
  | 'Int16'
  | 'UInt16'
  | 'Int32'
  | 'UInt32'
  | 'Int64'
  | 'UInt64'
  | 'Binary'
  | 'Clock';
export type ScalarValue = number | boolean | string;

export interface ModelVariable {
  readonly name: string;
  readonly valueReference: number;
  readonly description?: string;
  readonly causality: Causality;
  readonly variability: Variability;
  readonly initial?: Initial;
  readonly type: VariableType;
  /** How values cross the FFI boundary; `null` for types the host does not exchange (arrays, 64-bit, binary). */
  readonly kind: ValueKind | null;
  readonly start?: ScalarValue;
  readonly unit?: string;
  readonly declaredType?: string;
}

type Attributes = Record<string, unknown>;

const CAUSALITIES = new Set<string>([
  'parameter',
  'calculatedParameter',
  'structuralParameter',
  'input',
  'output',
  'local',
  'independent',
]);
const VARIABILITIES = new Set<string>(['constant', 'fixed', 'tunable', 'discrete', 'continuous']);
const INITIALS = new Set<string>(['exact', 'approx', 'calculated']);
const TYPES_2 = ['Real', 'Integer', 'Boolean', 'String', 'Enumeration'] as const;
export const TYPES_3 = [
  'Float64',
  'Float32',
  'Int8',
  'UInt8',
  'Int16',
  'UInt16',
  'Int32',
  'UInt32',
  'Int64',
  'UInt64',
  'Boolean',
  'String',
  'Binary',
  'Enumeration',
  'Clock',
] as const;

const KIND: Record<FmiVersion, Partial<Record<VariableType, ValueKind>>> = {
  '2.0': { Real: 'float64', Integer: 'int32', Enumeration: 'int32', Boolean: 'boolean', String: 'string' },
  '3.0': { Float64: 'float64', Int32: 'int32', Boolean: 'boolean', String: 'string' },
};

/** Where a variable sits, for error messages: `modelDescription.xml: ModelVariables/ScalarVariable[3] "x"`. */
export interface VariableSite {
  readonly file: string;
  readonly element: string;
}

export function invalid(site: VariableSite, message: string): FmiError {
  return new FmiError(FmiErrorCode.ModelDescriptionInvalid, `${site.file}: ${site.element}: ${message}`, {
    file: site.file,
    element: site.element,
  });
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

function parseReal(raw: string, site: VariableSite, what: string): number {
  const trimmed = raw.trim();
  if (trimmed === 'INF') return Infinity;
  if (trimmed === '-INF') return -Infinity;
  if (trimmed === 'NaN') return NaN;
  const value = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value)) throw invalid(site, `${what} must be a number, found "${raw}"`);
  return value;
}

function parseInteger(raw: string, site: VariableSite, what: string): number {
  const value = Number(raw.trim());
  if (!/^[+-]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value))
    throw invalid(site, `${what} must be an integer, found "${raw}"`);
  return value;
}

function parseBoolean(raw: string, site: VariableSite, what: string): boolean {
  const trimmed = raw.trim();
  if (trimmed === 'true' || trimmed === '1') return true;
  if (trimmed === 'false' || trimmed === '0') return false;
  throw invalid(site, `${what} must be true or false, found "${raw}"`);
}

/** Parses a start value (or a value given by the user) of a variable of the given type. */
export function parseScalar(type: VariableType, raw: string, site: VariableSite, what: string): ScalarValue {
  switch (type) {
    case 'Real':
    case 'Float64':
    case 'Float32':
      return parseReal(raw, site, what);
    case 'Boolean':
      return parseBoolean(raw, site, what);
    case 'String':
    case 'Binary':
    case 'Clock':
      return raw;
    default:
      return parseInteger(raw, site, what);
  }
}

function enumAttribute<T extends string>(
  attributes: Attributes,
  name: string,
  allowed: Set<string>,
  fallback: T | undefined,
  site: VariableSite,
): T | undefined {
  const raw = text(attributes[name]);
  if (raw === undefined) return fallback;
  if (!allowed.has(raw)) throw invalid(site, `${name} must be one of ${[...allowed].join(', ')}, found "${raw}"`);
  return raw as T;
}

/** The unit of each declared type name (2.0 SimpleType/Real@unit, 3.0 Float64Type@unit). */
export type DeclaredUnits = ReadonlyMap<string, string>;

/** Reads one variable element: a 2.0 ScalarVariable (the type is its child) or a 3.0 typed element. */
export function readVariable(
  version: FmiVersion,
  element: Attributes,
  elementType: VariableType | undefined,
  site: VariableSite,
  units: DeclaredUnits,
): ModelVariable {
  let type = elementType;
  let typeAttributes: Attributes = element;
  if (version === '2.0') {
    const found = TYPES_2.filter((name) => element[name] !== undefined);
    if (found.length !== 1)
      throw invalid(site, `needs exactly one type element (${TYPES_2.join(', ')}), found ${found.length}`);
    type = found[0];
    const child = element[type];
    typeAttributes = typeof child === 'object' && child !== null ? (child as Attributes) : {};
  }
  if (type === undefined) throw invalid(site, 'has no type');
  const name = text(element.name);
  if (name === undefined || name.trim() === '') throw invalid(site, 'has no name attribute');
  const named: VariableSite = { file: site.file, element: `${site.element} "${name}"` };
  const vrText = text(element.valueReference);
  if (vrText === undefined) throw invalid(named, 'has no valueReference attribute');
  const valueReference = parseInteger(vrText, named, 'valueReference');
  if (valueReference < 0 || valueReference > 0xffffffff)
    throw invalid(named, `valueReference must fit in 32 bits, found ${vrText}`);
  const causality = enumAttribute<Causality>(element, 'causality', CAUSALITIES, 'local', named) ?? 'local';
  const variability =
    enumAttribute<Variability>(
      element,
      'variability',
      VARIABILITIES,
      type === 'Real' || type === 'Float64' || type === 'Float32' ? 'continuous' : 'discrete',
      named,
    ) ?? 'continuous';
  const declaredType = text(typeAttributes.declaredType);
  const isArray = version === '3.0' && element.Dimension !== undefined;
  let startRaw = text(typeAttributes.start);
  if (version === '3.0' && (type === 'String' || type === 'Binary') && startRaw === undefined) {
    const start = element.Start;
    const first = Array.isArray(start) ? (start[0] as unknown) : start;
    if (typeof first === 'object' && first !== null) startRaw = text((first as Attributes).value);
  }
  const start = startRaw === undefined || isArray ? undefined : parseScalar(type, startRaw, named, 'start');
  const explicitInitial = enumAttribute<Initial>(element, 'initial', INITIALS, undefined, named);
  const initial = explicitInitial ?? defaultInitial(causality, variability, start !== undefined);
  if (causality === 'input' && start === undefined && version === '2.0')
    throw invalid(named, 'is an input and needs a start value');
  if (initial === 'calculated' && explicitInitial !== undefined && start !== undefined)
    throw invalid(named, 'has initial="calculated" and a start value');
  const unit = text(typeAttributes.unit) ?? (declaredType !== undefined ? units.get(declaredType) : undefined);
  const description = text(element.description);
  return {
    name,
    valueReference,
    ...(description !== undefined ? { description } : {}),
    causality,
    variability,
    ...(initial !== undefined ? { initial } : {}),
    type,
    kind: isArray ? null : (KIND[version][type] ?? null),
    ...(start !== undefined ? { start } : {}),
    ...(unit !== undefined ? { unit } : {}),
    ...(declaredType !== undefined ? { declaredType } : {}),
  };
}

/** The standard's default for `initial` (both versions); a start value on an output or local means "exact". */
function defaultInitial(causality: Causality, variability: Variability, hasStart: boolean): Initial | undefined {
  if (causality === 'input' || causality === 'independent') return undefined;
  if (causality === 'parameter' || causality === 'structuralParameter') return 'exact';
  if (causality === 'calculatedParameter') return 'calculated';
  if (variability === 'constant') return 'exact';
  return hasStart ? 'exact' : 'calculated';
}

/** The phases in which the standard lets an importer set a variable. */
export interface SettablePhases {
  readonly beforeInitialization: boolean;
  readonly initialization: boolean;
  readonly step: boolean;
}

export function settablePhases(variable: ModelVariable): SettablePhases {
  const isInput = variable.causality === 'input';
  const hasStart = variable.initial === 'exact' || variable.initial === 'approx';
  return {
    beforeInitialization: isInput || (variable.variability !== 'constant' && hasStart),
    initialization: isInput || (variable.variability !== 'constant' && variable.initial === 'exact'),
    step: isInput || (variable.causality === 'parameter' && variable.variability === 'tunable'),
  };
}
