import { z } from 'zod';

/**
 * A named, read-only record of the wire contract: the object every response and stored row is, frozen in its type
 * (the receiver never edits it) and registered under `id` as an OpenAPI component.
 */
export function wireRecord<Shape extends z.ZodRawShape>(id: string, shape: Shape) {
  return z.object(shape).readonly().meta({ id });
}

/** The same for a request body: an unknown field is refused by name instead of silently dropped. */
export function strictWireRecord<Shape extends z.ZodRawShape>(id: string, shape: Shape) {
  return z.strictObject(shape).readonly().meta({ id });
}
