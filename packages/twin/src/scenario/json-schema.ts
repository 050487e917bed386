import { z } from 'zod';
import type { AnyPack } from '../contracts/index.js';
import { genericShape } from './schema.js';

export type JsonSchema = { [key: string]: unknown };

function packVariant(pack: AnyPack): z.ZodType {
  return z.strictObject({
    ...genericShape,
    pack: z.literal(pack.name).describe(`${pack.title}: this scenario uses the "${pack.name}" pack.`),
    [pack.name]: (pack.config as z.ZodType)
      .optional()
      .describe(`The ${pack.title} section (pack "${pack.name}" ${pack.version}).`),
  });
}

/** The zod schema of a single scenario file for the given packs (a union discriminated by `pack`). */
export function scenarioFileSchema(packs: readonly AnyPack[]): z.ZodType {
  if (packs.length === 0) return z.strictObject(genericShape);
  const variants = packs.map(packVariant);
  if (variants.length === 1) return variants[0];
  return z.discriminatedUnion('pack', variants as unknown as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]);
}

/**
 * JSON Schema (draft 2020-12) of scenario files, for editors (`doppel schema > doppel.schema.json`): one
 * alternative per pack, chosen by `pack`. Describes what is written (inputs), so defaulted fields are optional.
 */
export function scenarioJsonSchema(packs: readonly AnyPack[]): JsonSchema {
  const schema = z.toJSONSchema(scenarioFileSchema(packs), {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return {
    ...schema,
    title: 'Doppel scenario',
    description: 'A Doppel scenario file (doppel: 1). Generated from the loader and pack schemas.',
  };
}

/** JSON Schema of one pack's section, for the reference tables. */
export function packSectionJsonSchema(pack: AnyPack): JsonSchema {
  return z.toJSONSchema(pack.config as z.ZodType, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
}

/** JSON Schema of one input table row. */
export function inputRowJsonSchema(row: z.ZodType): JsonSchema {
  return z.toJSONSchema(row, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
}

/** JSON Schema of the generic fields, for the reference tables. */
export function genericJsonSchema(): JsonSchema {
  return z.toJSONSchema(z.strictObject(genericShape), { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}
