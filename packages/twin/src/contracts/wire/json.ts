import { z } from 'zod';
import type { Json, JsonObject } from '../json.js';

function isJson(value: unknown): value is Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value).every(isJson);
}

/**
 * Any JSON value (intervention arguments, asset state, ledger patches). Checked by hand rather than as a recursive
 * union: the OpenAPI document then shows it as "any JSON" instead of a self-referencing union, which code
 * generators cannot turn into types.
 */
export const jsonValueSchema = z
  .custom<Json>(isJson, { message: 'must be a JSON value' })
  .meta({ id: 'JsonValue', description: 'Any JSON value' });

/** A JSON object: asset state, a state patch, intervention arguments. */
export const jsonObjectSchema: z.ZodType<JsonObject> = z.record(z.string(), jsonValueSchema).meta({ id: 'JsonObject' });

/** A map of KPI names to numbers. */
export const numberRecordSchema = z.record(z.string(), z.number());
