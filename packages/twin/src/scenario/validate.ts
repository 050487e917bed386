import type { z } from 'zod';
import { ScenarioIssueCode } from '../errors.js';
import { describeValue, nearest, type IssueList } from './issues.js';
import { isPlainObject, locate, type Loc, type Plain } from './located.js';

/** The parts of zod 4's schema definitions the loader walks to find the keys allowed at a path. */
interface SchemaDef {
  readonly type: string;
  readonly innerType?: ZodLike;
  readonly in?: ZodLike;
  readonly getter?: () => ZodLike;
  readonly shape?: Record<string, ZodLike>;
  readonly catchall?: ZodLike;
  readonly element?: ZodLike;
  readonly valueType?: ZodLike;
  readonly options?: readonly ZodLike[];
  readonly discriminator?: string;
  readonly left?: ZodLike;
  readonly right?: ZodLike;
  readonly items?: readonly ZodLike[];
}
interface ZodLike {
  readonly _zod: { readonly def: SchemaDef };
  safeParse(value: unknown): { success: boolean };
}

const wrappers = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'catch',
  'readonly',
  'nonoptional',
  'success',
]);

function unwrap(schema: ZodLike): ZodLike {
  let current = schema;
  for (let guard = 0; guard < 32; guard += 1) {
    const def = current._zod.def;
    if (wrappers.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else break;
  }
  return current;
}

/** Object shapes a value at this schema may take (several for unions), narrowed by a discriminator when present. */
function objectShapes(schema: ZodLike, value: Plain): ZodLike[] {
  const inner = unwrap(schema);
  const def = inner._zod.def;
  if (def.type === 'object') return [inner];
  if (def.type === 'intersection' && def.left && def.right) {
    return [...objectShapes(def.left, value), ...objectShapes(def.right, value)];
  }
  if (def.type === 'union' && def.options) {
    let options = def.options;
    if (def.discriminator && isPlainObject(value)) {
      const tag = value[def.discriminator];
      const matching = options.filter((option) => {
        const field = unwrap(option)._zod.def.shape?.[def.discriminator as string];
        return field !== undefined && field.safeParse(tag).success;
      });
      if (matching.length > 0) options = matching;
    }
    return options.flatMap((option) => objectShapes(option, value));
  }
  return [];
}

/**
 * Reports keys the schema does not allow, with the nearest allowed key, anywhere in `value`. Plain `z.object`s
 * count as closed too (zod would silently drop the key, which hides typos); only an explicit catchall
 * (`z.looseObject`, `.catchall()`) opens an object.
 */
export function reportUnknownKeys(
  schema: z.ZodType,
  value: Plain,
  root: Plain,
  rootPath: readonly PropertyKey[],
  path: readonly PropertyKey[],
  issues: IssueList,
  fallback: Loc,
): void {
  walk(schema as unknown as ZodLike, value, root, rootPath, path, issues, fallback);
}

function walk(
  schema: ZodLike,
  value: Plain,
  root: Plain,
  rootPath: readonly PropertyKey[],
  path: readonly PropertyKey[],
  issues: IssueList,
  fallback: Loc,
): void {
  const inner = unwrap(schema);
  const def = inner._zod.def;
  if (Array.isArray(value)) {
    const element = def.type === 'array' ? def.element : undefined;
    value.forEach((item, index) => {
      const itemSchema = element ?? (def.type === 'tuple' ? def.items?.[index] : undefined);
      if (itemSchema) walk(itemSchema, item, root, rootPath, [...path, index], issues, fallback);
    });
    return;
  }
  if (!isPlainObject(value)) return;
  if (def.type === 'record' && def.valueType) {
    for (const key of Object.keys(value))
      walk(def.valueType, value[key], root, rootPath, [...path, key], issues, fallback);
    return;
  }
  const shapes = objectShapes(inner, value);
  if (shapes.length === 0) return;
  const open = shapes.some((shape) => {
    const catchall = shape._zod.def.catchall;
    return catchall !== undefined && catchall._zod.def.type !== 'never';
  });
  const allowed = new Map<string, ZodLike>();
  for (const shape of shapes) {
    for (const [key, child] of Object.entries(shape._zod.def.shape ?? {}))
      if (!allowed.has(key)) allowed.set(key, child);
  }
  for (const key of Object.keys(value)) {
    const child = allowed.get(key);
    if (child) {
      walk(child, value[key], root, rootPath, [...path, key], issues, fallback);
    } else if (!open) {
      const suggestion = nearest(key, allowed.keys());
      issues.add({
        code: ScenarioIssueCode.UnknownKey,
        loc: locate(root, [...path, key], 'key') ?? fallback,
        path: [...rootPath, ...path, key],
        message: `unknown key "${key}"`,
        expected: `one of ${[...allowed.keys()].join(', ')}`,
        found: JSON.stringify(key),
        ...(suggestion !== undefined ? { suggestion } : {}),
      });
    }
  }
}

type ZodIssue = z.core.$ZodIssue & { input?: unknown };

/**
 * Validates `value` (a located tree) with `schema`, reporting every zod issue at the file and line that produced
 * the offending value. Returns the parsed output when valid.
 */
export function validateLocated<T>(
  schema: z.ZodType<T>,
  value: Plain,
  rootPath: readonly PropertyKey[],
  issues: IssueList,
  fallback: Loc,
): { ok: true; data: T } | { ok: false } {
  reportUnknownKeys(schema, value, value, rootPath, [], issues, fallback);
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  for (const issue of result.error.issues as ZodIssue[]) reportZodIssue(issue, value, rootPath, issues, fallback);
  return { ok: false };
}

/** What a zod issue means for a user: problem code, message, expected and found, and a suggestion. */
export interface ExplainedIssue {
  readonly code: ScenarioIssueCode;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  readonly suggestion?: string;
}

export function explainZodIssue(issue: z.core.$ZodIssue, input: unknown): ExplainedIssue {
  const path = issue.path;
  const last = String(path[path.length - 1] ?? '');
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) {
        return {
          code: ScenarioIssueCode.MissingField,
          message: `missing required field "${last}"`,
          expected: issue.expected,
          found: 'nothing',
        };
      }
      return {
        code: ScenarioIssueCode.InvalidType,
        message: `wrong type: expected ${issue.expected}`,
        expected: issue.expected,
        found: describeValue(input),
      };
    case 'invalid_value': {
      const values = issue.values.map((item) => String(item));
      if (input === undefined) {
        return {
          code: ScenarioIssueCode.MissingField,
          message: `missing required field "${last}"`,
          expected: values.map((value) => JSON.stringify(value)).join(' or '),
          found: 'nothing',
        };
      }
      const suggestion = typeof input === 'string' ? nearest(input, values) : undefined;
      return {
        code: ScenarioIssueCode.InvalidValue,
        message: values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : 'not one of the allowed values',
        expected: values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${values.join(', ')}`,
        found: describeValue(input),
        ...(suggestion !== undefined ? { suggestion } : {}),
      };
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      const sized = issue.origin === 'array' || issue.origin === 'set' || issue.origin === 'string';
      return {
        code: ScenarioIssueCode.InvalidValue,
        message: sized
          ? issue.code === 'too_small'
            ? 'too short'
            : 'too long'
          : issue.code === 'too_small'
            ? 'value is too small'
            : 'value is too large',
        expected: `${sized ? 'length ' : ''}${op} ${String(bound)}`,
        found: describeValue(input),
      };
    }
    case 'invalid_union':
      return {
        code: ScenarioIssueCode.InvalidValue,
        message: issue.message.startsWith('Invalid input') ? 'does not match any allowed form' : issue.message,
        found: describeValue(input),
      };
    case 'unrecognized_keys':
      return { code: ScenarioIssueCode.UnknownKey, message: `unknown key "${issue.keys.join('", "')}"` };
    default:
      return {
        code: ScenarioIssueCode.InvalidValue,
        message: issue.message,
        ...(input !== undefined ? { found: describeValue(input) } : {}),
      };
  }
}

function reportZodIssue(
  issue: ZodIssue,
  root: Plain,
  rootPath: readonly PropertyKey[],
  issues: IssueList,
  fallback: Loc,
): void {
  const path = issue.path;
  const loc = locate(root, path) ?? fallback;
  const fullPath = [...rootPath, ...path];
  if (issue.code === 'unrecognized_keys') {
    // Usually already reported by reportUnknownKeys, with a suggestion; the issue list drops repeats.
    for (const key of issue.keys) {
      issues.add({
        code: ScenarioIssueCode.UnknownKey,
        loc: locate(root, [...path, key], 'key') ?? loc,
        path: [...fullPath, key],
        message: `unknown key "${key}"`,
        found: JSON.stringify(key),
      });
    }
    return;
  }
  issues.add({ ...explainZodIssue(issue, issue.input), loc, path: fullPath });
}
