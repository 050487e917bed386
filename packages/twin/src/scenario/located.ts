/**
 * Location side tables. Parsed YAML becomes plain JSON-like values; every object and array produced by the reader,
 * and every object produced later by merging, substitution or reference inlining, keeps a record of where it and
 * each of its members came from. Merges copy member locations from the side that won, so an error found after
 * defaults, `extends` and references combined several files still points at the line that produced the value.
 */

export interface Loc {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface MemberLoc {
  /** Where the key is written (for unknown or misspelt keys). */
  readonly key: Loc;
  /** Where the value starts. */
  readonly value: Loc;
}

export interface NodeMeta {
  readonly loc: Loc;
  /** Members by key (objects) or by index as a string (arrays). */
  readonly members: Map<string, MemberLoc>;
}

export type Plain = null | boolean | number | string | Plain[] | PlainObject;
export interface PlainObject {
  [key: string]: Plain;
}

const metas = new WeakMap<object, NodeMeta>();

export function setMeta(target: object, loc: Loc, members: Map<string, MemberLoc> = new Map()): NodeMeta {
  const meta: NodeMeta = { loc, members };
  metas.set(target, meta);
  return meta;
}

export function metaOf(target: unknown): NodeMeta | undefined {
  return target !== null && typeof target === 'object' ? metas.get(target) : undefined;
}

export function isPlainObject(value: unknown): value is PlainObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Location of an object itself, or a fallback. */
export function locOf(target: unknown, fallback: Loc): Loc {
  return metaOf(target)?.loc ?? fallback;
}

/**
 * Follows `path` from `root` and returns the most precise location known: the member's own when it exists,
 * otherwise the deepest container reached (a missing required field is reported on its parent object).
 */
export function locate(root: unknown, path: readonly PropertyKey[], which: 'key' | 'value' = 'value'): Loc | undefined {
  let current: unknown = root;
  let best = metaOf(root)?.loc;
  for (const segment of path) {
    const meta = metaOf(current);
    const key = String(segment);
    const member = meta?.members.get(key);
    if (member) best = member[which];
    if (current === null || typeof current !== 'object') break;
    const next: unknown = (current as Record<string, unknown>)[key];
    if (next === undefined) break;
    current = next;
    const nested = metaOf(current);
    if (nested && !member) best = nested.loc;
  }
  return best;
}

/** A new object with the given members, each located as in its source object. */
export function buildObject(
  loc: Loc,
  entries: readonly (readonly [string, Plain, MemberLoc | undefined])[],
): PlainObject {
  const out: PlainObject = {};
  const members = new Map<string, MemberLoc>();
  for (const [key, value, where] of entries) {
    out[key] = value;
    members.set(key, where ?? { key: loc, value: loc });
  }
  setMeta(out, loc, members);
  return out;
}

function entriesOf(source: PlainObject): [string, Plain, MemberLoc | undefined][] {
  const meta = metaOf(source);
  return Object.keys(source).map((key) => [key, source[key], meta?.members.get(key)]);
}

/** The object without the given keys, locations kept. */
export function omitKeys(source: PlainObject, keys: readonly string[]): PlainObject {
  return buildObject(
    locOf(source, unknownLoc),
    entriesOf(source).filter(([key]) => !keys.includes(key)),
  );
}

/**
 * Deep merge: objects merge member by member, the overlay wins; arrays and scalars are replaced. Member
 * locations come from the side that provided the value.
 */
export function deepMerge(base: Plain, overlay: Plain): Plain {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return overlay;
  const baseMeta = metaOf(base);
  const overMeta = metaOf(overlay);
  const entries: [string, Plain, MemberLoc | undefined][] = [];
  for (const key of Object.keys(base)) {
    if (key in overlay) continue;
    entries.push([key, base[key], baseMeta?.members.get(key)]);
  }
  for (const key of Object.keys(overlay)) {
    const value = key in base ? deepMerge(base[key], overlay[key]) : overlay[key];
    entries.push([key, value, overMeta?.members.get(key)]);
  }
  return buildObject(overMeta?.loc ?? baseMeta?.loc ?? unknownLoc, entries);
}

export const unknownLoc: Loc = { file: '<unknown>', line: 1, column: 1 };

/** Dotted path for messages: `swap.stations[3].bays`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number' || (typeof segment === 'string' && /^\d+$/.test(segment)))
      out += `[${String(segment)}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}
