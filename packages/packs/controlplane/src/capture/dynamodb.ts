import type { JsonObject, Json } from '@doppel/twin';
import { CaptureError, describeFound, jsonPath, parseJsonText, type CaptureIssue } from './errors.js';

const TYPES = ['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS'] as const;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** DynamoDB documents nest at most 32 levels. */
const MAX_DEPTH = 32;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One typed attribute value (`{"S": "x"}`, `{"N": "41"}`, `{"M": {...}}`, ...) as plain JSON: numbers as numbers,
 * binaries as their base64 text, sets as arrays. Problems are collected with their JSON path.
 */
function attributeValue(value: unknown, path: (string | number)[], issues: CaptureIssue[], depth: number): Json {
  const fail = (message: string, expected?: string, found: unknown = value): null => {
    issues.push({ path: jsonPath(path), message, ...(expected ? { expected } : {}), found: describeFound(found) });
    return null;
  };
  if (depth > MAX_DEPTH) return fail(`nested deeper than ${MAX_DEPTH} levels`);
  if (!isObject(value)) return fail('not a typed attribute value', 'an object such as {"S": "text"}');
  const keys = Object.keys(value);
  if (keys.length !== 1 || !(TYPES as readonly string[]).includes(keys[0])) {
    return fail(
      'a typed attribute value has exactly one type key',
      `one of ${TYPES.join(', ')}`,
      keys.join(', ') || '{}',
    );
  }
  const type = keys[0] as (typeof TYPES)[number];
  const inner = value[type];
  const at = [...path, type];
  const bad = (expected: string): null => {
    issues.push({ path: jsonPath(at), message: `invalid ${type} value`, expected, found: describeFound(inner) });
    return null;
  };
  switch (type) {
    case 'S':
      return typeof inner === 'string' ? inner : bad('a string');
    case 'N':
      return typeof inner === 'string' && NUMBER.test(inner) ? Number(inner) : bad('a number as a string ("41")');
    case 'B':
      return typeof inner === 'string' && BASE64.test(inner) ? inner : bad('base64 text');
    case 'BOOL':
      return typeof inner === 'boolean' ? inner : bad('true or false');
    case 'NULL':
      return inner === true ? null : bad('true');
    case 'SS':
    case 'NS':
    case 'BS': {
      const check =
        type === 'SS' ? () => true : type === 'NS' ? (s: string) => NUMBER.test(s) : (s: string) => BASE64.test(s);
      if (!Array.isArray(inner) || inner.length === 0) return bad('a non-empty array of strings');
      const out: Json[] = [];
      inner.forEach((item, i) => {
        if (typeof item !== 'string' || !check(item)) {
          issues.push({ path: jsonPath([...at, i]), message: `invalid ${type} member`, found: describeFound(item) });
        } else out.push(type === 'NS' ? Number(item) : item);
      });
      return out;
    }
    case 'L':
      if (!Array.isArray(inner)) return bad('an array of typed attribute values');
      return inner.map((item, i) => attributeValue(item, [...at, i], issues, depth + 1));
    case 'M':
      if (!isObject(inner)) return bad('an object of typed attribute values');
      return item(inner, at, issues, depth + 1);
  }
}

function item(
  value: Record<string, unknown>,
  path: (string | number)[],
  issues: CaptureIssue[],
  depth: number,
): JsonObject {
  const out: JsonObject = {};
  for (const [name, attribute] of Object.entries(value))
    out[name] = attributeValue(attribute, [...path, name], issues, depth);
  return out;
}

/** The items of a `dynamodb scan` export (`Items`, `Count`, `ScannedCount`) as plain JSON rows, in export order. */
export function parseDynamoDbScan(text: string, source: string): JsonObject[] {
  const json = parseJsonText(text, source);
  const issues: CaptureIssue[] = [];
  if (!isObject(json))
    throw new CaptureError(source, [
      { path: '$', message: 'not a scan output', expected: 'an object with Items', found: describeFound(json) },
    ]);
  const items = json.Items;
  if (!Array.isArray(items)) {
    throw new CaptureError(source, [
      { path: '$.Items', message: 'required field is missing or not an array', found: describeFound(items) },
    ]);
  }
  const rows: JsonObject[] = [];
  items.forEach((entry, i) => {
    if (!isObject(entry))
      issues.push({
        path: jsonPath(['Items', i]),
        message: 'an item is an object of attributes',
        found: describeFound(entry),
      });
    else rows.push(item(entry, ['Items', i], issues, 1));
  });
  for (const field of ['Count', 'ScannedCount'] as const) {
    const count = json[field];
    if (count === undefined) continue;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      issues.push({
        path: jsonPath([field]),
        message: 'not a count',
        expected: 'a non-negative integer',
        found: describeFound(count),
      });
    }
  }
  if (typeof json.Count === 'number' && json.Count !== items.length) {
    issues.push({
      path: '$.Count',
      message: 'does not match the number of Items',
      expected: String(items.length),
      found: String(json.Count),
    });
  }
  if (typeof json.Count === 'number' && typeof json.ScannedCount === 'number' && json.ScannedCount < json.Count) {
    issues.push({
      path: '$.ScannedCount',
      message: 'smaller than Count',
      expected: `>= ${json.Count}`,
      found: String(json.ScannedCount),
    });
  }
  if (issues.length > 0) throw new CaptureError(source, issues);
  return rows;
}
