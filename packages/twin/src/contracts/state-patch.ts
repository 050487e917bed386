import type { Json, JsonObject } from './json.js';

export type { Json, JsonObject };

/*
 * State patches: what a ledger record's oldValue/newValue hold.
 *
 * A key that does not start with "/" names a top-level state field and holds its whole value. A key that starts with
 * "/" is a JSON Pointer (RFC 6901) to a value inside a field: "/chargers/2/state" or "/inventory/charged". Nested
 * changes are recorded by pointer so that one charger changing state does not copy the station's whole charger list
 * into the ledger. A pointer only ever addresses a member that exists (same keys, same array length): a change of
 * shape replaces the nearest container whole. This module is browser-safe: the web UI folds live events with it.
 */

const SLASH = 47;

/** True for a patch key that is a JSON Pointer rather than a top-level field name. */
export function isPointerKey(key: string): boolean {
  return key.charCodeAt(0) === SLASH;
}

function escapeToken(token: string): string {
  return token.includes('~') || token.includes('/') ? token.replaceAll('~', '~0').replaceAll('/', '~1') : token;
}

function unescapeToken(token: string): string {
  return token.includes('~') ? token.replaceAll('~1', '/').replaceAll('~0', '~') : token;
}

/** The JSON Pointer of `child` inside the value at `pointer` ("" is the whole state). */
export function childPointer(pointer: string, child: string | number): string {
  return `${pointer}/${typeof child === 'number' ? child : escapeToken(child)}`;
}

function isRecord(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameKeys(a: JsonObject, b: JsonObject): boolean {
  let count = 0;
  for (const key in a) {
    if (!(key in b)) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}

/** Structural equality of JSON values. */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  for (const key of keysA) {
    if (!(key in b) || !jsonEqual(a[key], b[key])) return false;
  }
  return true;
}

/**
 * Adds to `oldValue`/`newValue` the changes from `before` to `next` of the value at `key` (a top-level field name
 * or a pointer). Returns false when nothing changed. Containers of the same shape are descended into; an array
 * whose elements mostly changed (a shifted queue, say) is recorded whole, where pointers would only be longer.
 */
export function diffValue(
  key: string,
  pointer: string,
  before: Json,
  next: Json,
  oldValue: JsonObject,
  newValue: JsonObject,
): boolean {
  if (before === next) return false;
  if (typeof before === 'object' && typeof next === 'object' && before !== null && next !== null) {
    if (Array.isArray(before)) {
      if (Array.isArray(next) && before.length === next.length) {
        let changed = 0;
        for (let i = 0; i < next.length; i++) if (before[i] !== next[i] && !jsonEqual(before[i], next[i])) changed++;
        if (changed === 0) return false;
        if (changed * 2 <= next.length) {
          for (let i = 0; i < next.length; i++) {
            // Pointers are built only for members that differ: most of a list is usually the same objects.
            if (before[i] === next[i]) continue;
            const item = `${pointer}/${i}`;
            diffValue(item, item, before[i], next[i], oldValue, newValue);
          }
          return true;
        }
      }
    } else if (!Array.isArray(next) && sameKeys(before, next)) {
      let any = false;
      for (const member in next) {
        if (before[member] === next[member]) continue;
        const inner = childPointer(pointer, member);
        if (diffValue(inner, inner, before[member], next[member], oldValue, newValue)) any = true;
      }
      return any;
    }
  }
  oldValue[key] = before;
  newValue[key] = next;
  return true;
}

/**
 * The state after a patch, as a new object: top-level fields are replaced, pointers are set copy-on-write along
 * their path, so `state` and every object it shares with earlier states stay unchanged. With `inPlace`, the
 * top-level object (which the caller owns) is updated and returned; nested values are still copied on write.
 */
export function applyStatePatch(state: JsonObject, patch: JsonObject, inPlace = false): JsonObject {
  const out: JsonObject = inPlace ? state : { ...state };
  let copied: Set<object> | null = null;
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (!isPointerKey(key)) {
      out[key] = value;
      continue;
    }
    copied ??= new Set<object>([out]);
    const tokens = key.slice(1).split('/').map(unescapeToken);
    let container: JsonObject | Json[] = out;
    for (let i = 0; i < tokens.length - 1; i++) {
      const token = tokens[i];
      const child: Json | undefined = Array.isArray(container) ? container[Number(token)] : container[token];
      let copy: JsonObject | Json[];
      // A state known only in part (a history window that starts after ASSET_CREATED, an asset never created)
      // gets the containers the pointer needs, so no change is lost: the same rule as for top-level fields.
      if (typeof child !== 'object' || child === null) {
        copy = {};
        copied.add(copy);
      } else if (copied.has(child)) copy = child;
      else {
        copy = Array.isArray(child) ? child.slice() : { ...child };
        copied.add(copy);
      }
      if (Array.isArray(container)) container[Number(token)] = copy;
      else container[token] = copy;
      container = copy;
    }
    const last = tokens[tokens.length - 1];
    if (Array.isArray(container)) container[Number(last)] = value;
    else if (isRecord(container)) container[last] = value;
  }
  return out;
}

/** The value a patch key addresses in a state (undefined when absent): for checking a record's oldValue. */
export function valueAt(state: JsonObject, key: string): Json | undefined {
  if (!isPointerKey(key)) return state[key];
  let value: Json | undefined = state;
  for (const token of key.slice(1).split('/').map(unescapeToken)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = Array.isArray(value) ? value[Number(token)] : value[token];
  }
  return value;
}
