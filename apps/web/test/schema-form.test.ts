import { describe, expect, it } from 'vitest';
import { argsFromForm, fieldsFromSchema, initialValue, type JsonSchema } from '../src/lib/schema-form.js';

// The JSON Schema zod 4 emits for the swap pack's inject_fault arguments (plus a nullable and a list field).
const injectFault: JsonSchema = {
  type: 'object',
  properties: {
    duration_seconds: { type: 'number', exclusiveMinimum: 0, maximum: 2592000 },
    target: { type: 'string' },
    fault_type: { type: 'string', enum: ['connector_lock_failure', 'charger_offline', 'slow_charging'] },
    soc: { anyOf: [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'null' }] },
    tags: { type: 'array', items: { type: 'string' } },
    count: { type: 'integer', minimum: 1, maximum: 1000, default: 4 },
    enabled: { type: 'boolean' },
  },
  required: ['target', 'fault_type', 'duration_seconds'],
  additionalProperties: false,
};

describe('schema → form fields', () => {
  const fields = fieldsFromSchema(injectFault);
  const byName = new Map(fields.map((f) => [f.name, f]));

  it('maps every property to a field, required ones first', () => {
    expect(fields.map((f) => f.name)).toEqual([
      'duration_seconds',
      'target',
      'fault_type',
      'soc',
      'tags',
      'count',
      'enabled',
    ]);
    expect(fields.filter((f) => f.required).map((f) => f.name)).toEqual(['duration_seconds', 'target', 'fault_type']);
  });

  it('chooses the input kind from the type', () => {
    expect(byName.get('target')?.kind).toBe('string');
    expect(byName.get('fault_type')?.kind).toBe('enum');
    expect(byName.get('fault_type')?.options).toEqual(['connector_lock_failure', 'charger_offline', 'slow_charging']);
    expect(byName.get('count')?.kind).toBe('integer');
    expect(byName.get('count')?.step).toBe(1);
    expect(byName.get('enabled')?.kind).toBe('boolean');
    expect(byName.get('tags')?.kind).toBe('string-list');
  });

  it('unwraps nullable numbers and keeps their bounds', () => {
    const soc = byName.get('soc');
    expect(soc?.kind).toBe('number');
    expect(soc?.nullable).toBe(true);
    expect([soc?.min, soc?.max, soc?.step]).toEqual([0, 1, 0.01]);
  });

  it('reads units and labels from names, defaults from the schema', () => {
    const d = byName.get('duration_seconds');
    expect(d?.unit).toBe('s');
    expect(d?.label).toBe('Duration');
    expect(d?.minExclusive).toBe(true);
    expect(initialValue(byName.get('count')!)).toBe('4');
    expect(initialValue(byName.get('enabled')!)).toBe('false');
  });

  it('treats oneOf of consts as an enum', () => {
    const f = fieldsFromSchema({ type: 'object', properties: { mode: { oneOf: [{ const: 'a' }, { const: 'b' }] } } });
    expect(f[0].kind).toBe('enum');
    expect(f[0].options).toEqual(['a', 'b']);
  });

  it('returns no fields for a schema without properties', () => {
    expect(fieldsFromSchema({ type: 'object' })).toEqual([]);
    expect(fieldsFromSchema(null)).toEqual([]);
  });
});

describe('form values → arguments', () => {
  const fields = fieldsFromSchema(injectFault);

  it('converts and keeps only filled optional fields', () => {
    const r = argsFromForm(fields, {
      target: 'charger_03',
      fault_type: 'connector_lock_failure',
      duration_seconds: '1200',
      count: '',
      enabled: 'true',
      tags: 'a, b,',
    });
    expect(r).toEqual({
      ok: true,
      args: {
        target: 'charger_03',
        fault_type: 'connector_lock_failure',
        duration_seconds: 1200,
        enabled: true,
        tags: ['a', 'b'],
      },
    });
  });

  it('reports each problem against its field', () => {
    const r = argsFromForm(fields, {
      target: '',
      fault_type: 'melted',
      duration_seconds: '0',
      count: '2.5',
      soc: '1.5',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.fromEntries(r.issues.map((i) => [i.field, i.message]))).toEqual({
      target: 'is required',
      fault_type: 'must be one of connector_lock_failure, charger_offline, slow_charging',
      duration_seconds: 'must be greater than 0',
      count: 'must be a whole number',
      soc: 'must be at most 1',
    });
  });

  it('rejects text in number fields', () => {
    const r = argsFromForm(fields, { target: 'c1', fault_type: 'slow_charging', duration_seconds: 'ten' });
    expect(r).toEqual({ ok: false, issues: [{ field: 'duration_seconds', message: 'must be a number' }] });
  });
});
