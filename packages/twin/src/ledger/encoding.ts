import type { Json, JsonObject } from '../contracts/json.js';
import type { LedgerEvent, LedgerOrigin } from '../contracts/ledger.js';
import { TwinError, TwinErrorCode } from '../errors.js';

/** Returned by `canonicalize` when a value cannot be expressed as a plain JS value that stringifies canonically. */
const SLOW = Symbol('slow');
type Canonical = unknown;

/**
 * The value itself when JSON.stringify already prints it canonically (plain objects with sorted keys, finite
 * numbers, nothing undefined), a canonical copy otherwise, or SLOW for keys that look like array indices (JS
 * enumerates those numerically, canonical JSON sorts them as text). Checking is much cheaper than printing JSON by
 * hand: JSON.stringify does the printing natively, and state objects are small.
 */
function canonicalize(value: unknown): Canonical | typeof SLOW {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value} cannot be encoded`);
      return value;
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      if (value === null) return null;
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value as Record<string, unknown>);
    case 'bigint':
      throw new TypeError('canonicalJson: a BigInt cannot be encoded');
    default:
      // undefined, functions and symbols print as null, as in canonicalJson.
      return null;
  }
}

function canonicalArray(items: readonly unknown[]): Canonical | typeof SLOW {
  let copy: unknown[] | null = null;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const canonical = item === undefined ? null : canonicalize(item);
    if (canonical === SLOW) return SLOW;
    if (copy === null && canonical !== item) copy = items.slice(0, i);
    if (copy !== null) copy.push(canonical);
  }
  return copy ?? items;
}

function isIndexLike(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57;
}

function canonicalObject(record: Record<string, unknown>): Canonical | typeof SLOW {
  const proto: unknown = Object.getPrototypeOf(record);
  if (proto === Object.prototype || proto === null) {
    let previous: string | null = null;
    let asIs = true;
    for (const key in record) {
      const member = record[key];
      if (member === undefined || (previous !== null && !(previous < key)) || isIndexLike(key)) {
        asIs = false;
        break;
      }
      if (canonicalize(member) !== member) {
        asIs = false;
        break;
      }
      previous = key;
    }
    if (asIs) return record;
  }
  const keys = Object.keys(record);
  sortSmall(keys);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (isIndexLike(key)) return SLOW;
    const canonical = canonicalize(member);
    if (canonical === SLOW) return SLOW;
    if (key === '__proto__') Object.defineProperty(out, key, { value: canonical, enumerable: true, writable: true });
    else out[key] = canonical;
  }
  return out;
}

/** Insertion sort: state objects have a handful of keys, where it beats Array.prototype.sort several times. */
function sortSmall(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
}

/** Canonical JSON with the same output as `canonicalJson`, written for the ledger hot path. */
export function fastCanonicalJson(value: unknown): string {
  const canonical = canonicalize(value);
  return canonical === SLOW ? slowCanonicalJson(value) : JSON.stringify(canonical);
}

/** Prints canonical JSON by hand: only for objects with index-like keys. */
function slowCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return fastCanonicalJson(value);
  if (Array.isArray(value)) {
    return '[' + value.map((item: unknown) => (item === undefined ? 'null' : slowCanonicalJson(item))).join(',') + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => record[key] !== undefined);
  sortSmall(keys);
  return '{' + keys.map((key) => JSON.stringify(key) + ':' + slowCanonicalJson(record[key])).join(',') + '}';
}

/**
 * The canonical text of a record: `[seq,simTime,assetId,eventType,oldValue,newValue,meta,origin]` as canonical JSON.
 * The simulation id is deliberately not part of it, so a branch or a re-run under another id hashes identically.
 */
export function encodeLedgerEvent(event: LedgerEvent): string {
  if (!Number.isFinite(event.simTime)) {
    throw new TypeError(`canonicalJson: non-finite number ${event.simTime} cannot be encoded`);
  }
  const oldValue = canonicalize(event.oldValue);
  const newValue = canonicalize(event.newValue);
  const meta = canonicalize(event.meta);
  if (oldValue === SLOW || newValue === SLOW || meta === SLOW) {
    const { seq, simTime, assetId, eventType, origin } = event;
    return slowCanonicalJson([seq, simTime, assetId, eventType, event.oldValue, event.newValue, event.meta, origin]);
  }
  return JSON.stringify([
    event.seq,
    event.simTime,
    event.assetId,
    event.eventType,
    oldValue,
    newValue,
    meta,
    event.origin,
  ]);
}

const ORIGINS: ReadonlySet<string> = new Set<LedgerOrigin>(['sim', 'intervention', 'live', 'replay']);

function isObjectOrNull(value: unknown): value is JsonObject | null {
  return value === null || (typeof value === 'object' && !Array.isArray(value));
}

/** Parses the canonical text of a record back; throws DOPPEL_ERR_LEDGER_CORRUPT on anything malformed. */
export function decodeLedgerEvent(text: string): LedgerEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TwinError(TwinErrorCode.LedgerCorrupt, `Ledger record is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length !== 8) {
    throw new TwinError(TwinErrorCode.LedgerCorrupt, 'Ledger record must be an array of 8 fields');
  }
  const [seq, simTime, assetId, eventType, oldValue, newValue, meta, origin] = parsed as Json[];
  if (
    typeof seq !== 'number' ||
    !Number.isInteger(seq) ||
    seq < 1 ||
    typeof simTime !== 'number' ||
    typeof assetId !== 'string' ||
    typeof eventType !== 'string' ||
    !isObjectOrNull(oldValue) ||
    !isObjectOrNull(newValue) ||
    !isObjectOrNull(meta) ||
    typeof origin !== 'string' ||
    !ORIGINS.has(origin)
  ) {
    throw new TwinError(TwinErrorCode.LedgerCorrupt, `Ledger record has malformed fields: ${text.slice(0, 200)}`);
  }
  return { seq, simTime, assetId, eventType, oldValue, newValue, meta, origin: origin as LedgerOrigin };
}

/** The keys of a record's wire form (`LedgerEvent`), in the order of the fields of its canonical text. */
const WIRE_KEYS = [
  '{"seq":',
  ',"simTime":',
  ',"assetId":',
  ',"eventType":',
  ',"oldValue":',
  ',"newValue":',
  ',"meta":',
  ',"origin":',
];

/**
 * The eight fields of a record's canonical text, each as its own JSON text, found by one scan for the commas at
 * depth one (strings skipped, escapes included). Throws DOPPEL_ERR_LEDGER_CORRUPT on text of another shape.
 */
export function ledgerTextFields(text: string): string[] {
  return scanFields(text, 8);
}

/** The first `count` fields of a record's canonical text (all eight: the text's shape is checked as well). */
function scanFields(text: string, count: number): string[] {
  const fields: string[] = [];
  const end = text.length - 1;
  if (text.charCodeAt(0) !== 0x5b || text.charCodeAt(end) !== 0x5d) {
    throw new TwinError(TwinErrorCode.LedgerCorrupt, `Ledger record text is not an array: ${text.slice(0, 200)}`);
  }
  let depth = 0;
  let start = 1;
  for (let i = 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote (a backslash escapes the next character).
      for (i++; i < end && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2c && depth === 0) {
      fields.push(text.slice(start, i));
      if (fields.length === count && count < 8) return fields;
      start = i + 1;
    }
  }
  fields.push(text.slice(start, end));
  if (fields.length !== 8 || depth !== 0) {
    throw new TwinError(TwinErrorCode.LedgerCorrupt, `Ledger record text must hold 8 fields: ${text.slice(0, 200)}`);
  }
  return fields;
}

/**
 * A record's wire form (the `LedgerEvent` object as JSON) spliced from its canonical text: the values are the
 * canonical text's own, nothing is parsed or serialised again. Parsed, it equals the record (keys of the values in
 * canonical order).
 */
export function ledgerEventJson(text: string): string {
  const fields = ledgerTextFields(text);
  let json = '';
  for (let i = 0; i < 8; i++) json += WIRE_KEYS[i] + fields[i];
  return json + '}';
}

/** The event type of a record, read from its canonical text. */
export function ledgerTextEventType(text: string): string {
  const eventType = scanFields(text, 4)[3];
  if (eventType === undefined || eventType.charCodeAt(0) !== 0x22) {
    throw new TwinError(TwinErrorCode.LedgerCorrupt, `Ledger record text has no event type: ${text.slice(0, 200)}`);
  }
  return JSON.parse(eventType) as string;
}
