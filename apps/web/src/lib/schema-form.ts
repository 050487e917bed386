/**
 * Turns an intervention's JSON Schema (as the server publishes it, generated from the pack's zod schema) into form
 * fields, and the form's text values back into validated arguments. Any pack's interventions get a form this way,
 * with no UI code per action.
 */

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly items?: JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly default?: unknown;
  readonly description?: string;
  readonly title?: string;
}

export type FieldKind = 'number' | 'integer' | 'boolean' | 'enum' | 'string' | 'string-list' | 'json';

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly nullable: boolean;
  readonly description?: string;
  readonly options?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Bounds that the value may not equal (exclusiveMinimum / exclusiveMaximum). */
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  readonly step?: number;
  readonly defaultValue?: unknown;
  /** Unit read from the name suffix (`duration_seconds` → s), for labels. */
  readonly unit?: string;
}

const UNIT_SUFFIXES: readonly (readonly [RegExp, string])[] = [
  [/_(seconds|s)$/, 's'],
  [/_(minutes|min)$/, 'min'],
  [/_kwh$/, 'kWh'],
  [/_kw$/, 'kW'],
  [/^kw$/, 'kW'],
  [/_(pct|percent)$/, '%'],
];

function unitOf(name: string): string | undefined {
  for (const [re, unit] of UNIT_SUFFIXES) if (re.test(name)) return unit;
  return undefined;
}

/** Words a field or action name spells in lower case that people write otherwise. */
const WORD_SPELLING: Readonly<Record<string, string>> = {
  soc: 'SoC',
  id: 'ID',
  kw: 'kW',
  kwh: 'kWh',
  sku: 'SKU',
  oee: 'OEE',
};

/** `set_soc` → "Set SoC": a snake_case name as words, first one capitalised, acronyms as written. */
export function humanName(name: string): string {
  const words = name.split('_').filter((w) => w.length > 0);
  const text = words.map((w) => WORD_SPELLING[w] ?? w).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function labelOf(name: string, schema: JsonSchema): string {
  if (schema.title !== undefined) return schema.title;
  return humanName(name.replace(/_(seconds|s|kw|kwh)$/, ''));
}

/** An intervention's title for people: its schema's title (set by the pack), else its name as words. */
export function interventionTitle(name: string, schema: JsonSchema | undefined): string {
  return schema?.title ?? humanName(name);
}

function typesOf(schema: JsonSchema): string[] {
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : [...schema.type];
}

/** Splits `anyOf: [X, {type: null}]` (zod's nullable) into X and a nullable flag. */
function unwrapNullable(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts !== undefined) {
    const nonNull = alts.filter((a) => !typesOf(a).includes('null'));
    if (nonNull.length === 1 && nonNull.length < alts.length) {
      return { schema: { ...nonNull[0], description: schema.description ?? nonNull[0].description }, nullable: true };
    }
  }
  const types = typesOf(schema);
  if (types.includes('null') && types.length === 2) {
    return { schema: { ...schema, type: types.find((t) => t !== 'null') }, nullable: true };
  }
  return { schema, nullable: false };
}

/** `oneOf: [{const: a}, {const: b}]` is an enum too. */
function enumOptions(schema: JsonSchema): string[] | undefined {
  if (schema.enum !== undefined) return schema.enum.map((v) => String(v));
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts !== undefined && alts.length > 0 && alts.every((a) => a.const !== undefined)) {
    return alts.map((a) => String(a.const));
  }
  if (schema.const !== undefined) return [String(schema.const)];
  return undefined;
}

export function fieldFromSchema(name: string, raw: JsonSchema, required: boolean): FieldSpec {
  const { schema, nullable } = unwrapNullable(raw);
  const base = {
    name,
    label: labelOf(name, schema),
    required,
    nullable,
    description: schema.description ?? raw.description,
    defaultValue: raw.default ?? schema.default,
    unit: unitOf(name),
  };
  const options = enumOptions(schema);
  if (options !== undefined) return { ...base, kind: 'enum', options };
  const type = typesOf(schema)[0];
  if (type === 'number' || type === 'integer') {
    const min = schema.minimum ?? schema.exclusiveMinimum;
    const max = schema.maximum ?? schema.exclusiveMaximum;
    return {
      ...base,
      kind: type,
      min,
      max,
      minExclusive: schema.minimum === undefined && schema.exclusiveMinimum !== undefined,
      maxExclusive: schema.maximum === undefined && schema.exclusiveMaximum !== undefined,
      step: type === 'integer' ? 1 : min !== undefined && max !== undefined && max - min <= 1 ? 0.01 : undefined,
    };
  }
  if (type === 'boolean') return { ...base, kind: 'boolean' };
  if (type === 'string') return { ...base, kind: 'string', min: schema.minLength, max: schema.maxLength };
  if (type === 'array' && schema.items !== undefined && typesOf(schema.items)[0] === 'string') {
    return { ...base, kind: 'string-list' };
  }
  return { ...base, kind: 'json' };
}

/** The fields of an object schema, required ones first, in declaration order otherwise. */
export function fieldsFromSchema(schema: JsonSchema | null | undefined): FieldSpec[] {
  if (schema === null || schema === undefined || schema.properties === undefined) return [];
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties).map(([name, s]) => fieldFromSchema(name, s, required.has(name)));
  return [...fields.filter((f) => f.required), ...fields.filter((f) => !f.required)];
}

/** Text shown in an input before the user types: the schema default, or empty. */
export function initialValue(field: FieldSpec): string {
  const d = field.defaultValue;
  if (d === undefined || d === null) return field.kind === 'boolean' ? 'false' : '';
  if (field.kind === 'string-list' && Array.isArray(d)) return d.join(', ');
  if (field.kind === 'json') return JSON.stringify(d);
  return String(d);
}

export interface FormIssue {
  readonly field: string;
  readonly message: string;
}

export type FormResult =
  { readonly ok: true; readonly args: Record<string, unknown> } | { readonly ok: false; readonly issues: FormIssue[] };

function checkNumber(field: FieldSpec, n: number): string | null {
  if (field.kind === 'integer' && !Number.isInteger(n)) return 'must be a whole number';
  if (field.min !== undefined && (field.minExclusive === true ? n <= field.min : n < field.min)) {
    return `must be ${field.minExclusive === true ? 'greater than' : 'at least'} ${field.min}`;
  }
  if (field.max !== undefined && (field.maxExclusive === true ? n >= field.max : n > field.max)) {
    return `must be ${field.maxExclusive === true ? 'less than' : 'at most'} ${field.max}`;
  }
  return null;
}

/**
 * Converts the form's text values into arguments, checking what the schema says (required, type, bounds, enum).
 * Empty optional fields are left out so the server applies its defaults. The server validates again; its located
 * errors are shown the same way.
 */
export function argsFromForm(fields: readonly FieldSpec[], values: Readonly<Record<string, string>>): FormResult {
  const args: Record<string, unknown> = {};
  const issues: FormIssue[] = [];
  for (const field of fields) {
    const text = (values[field.name] ?? '').trim();
    if (field.kind === 'boolean') {
      args[field.name] = text === 'true';
      continue;
    }
    if (text === '') {
      if (field.required && !field.nullable) issues.push({ field: field.name, message: 'is required' });
      else if (field.required) args[field.name] = null;
      continue;
    }
    switch (field.kind) {
      case 'number':
      case 'integer': {
        const n = Number(text);
        if (!Number.isFinite(n)) {
          issues.push({ field: field.name, message: 'must be a number' });
          break;
        }
        const problem = checkNumber(field, n);
        if (problem !== null) issues.push({ field: field.name, message: problem });
        else args[field.name] = n;
        break;
      }
      case 'enum':
        if (field.options !== undefined && !field.options.includes(text)) {
          issues.push({ field: field.name, message: `must be one of ${field.options.join(', ')}` });
        } else args[field.name] = text;
        break;
      case 'string-list':
        args[field.name] = text
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0);
        break;
      case 'json':
        try {
          args[field.name] = JSON.parse(text) as unknown;
        } catch {
          issues.push({ field: field.name, message: 'must be valid JSON' });
        }
        break;
      default:
        if (field.min !== undefined && text.length < field.min) {
          issues.push({ field: field.name, message: `must have at least ${field.min} characters` });
        } else args[field.name] = text;
    }
  }
  return issues.length === 0 ? { ok: true, args } : { ok: false, issues };
}
