import type { Json, JsonObject } from '../contracts/json.js';
import type { LedgerEvent, LedgerOrigin } from '../contracts/ledger.js';
import { TwinError, TwinErrorCode } from '../errors.js';

/**
 * Canonical JSON with the same output as `canonicalJson`, written for the ledger hot path (about a million records
 * per simulated day): no intermediate arrays for small objects, no sort for single-key objects.
 */
export function fastCanonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value} cannot be encoded`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? encodeArray(value) : encodeObject(value as Record<string, unknown>);
    default:
      // Mirrors canonicalJson: JSON.stringify gives undefined for functions, symbols and undefined.
      return JSON.stringify(value) ?? 'null';
  }
}

function encodeArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    const item = items[i];
    out += item === undefined ? 'null' : fastCanonicalJson(item);
  }
  return out + ']';
}

function encodeObject(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(key) + ':' + fastCanonicalJson(member);
  }
  return out + '}';
}

/**
 * The canonical text of a record: `[seq,simTime,assetId,eventType,oldValue,newValue,meta,origin]` as canonical JSON.
 * The simulation id is deliberately not part of it, so a branch or a re-run under another id hashes identically.
 */
export function encodeLedgerEvent(event: LedgerEvent): string {
  if (!Number.isFinite(event.simTime)) {
    throw new TypeError(`canonicalJson: non-finite number ${event.simTime} cannot be encoded`);
  }
  return (
    '[' +
    event.seq +
    ',' +
    JSON.stringify(event.simTime) +
    ',' +
    JSON.stringify(event.assetId) +
    ',' +
    JSON.stringify(event.eventType) +
    ',' +
    fastCanonicalJson(event.oldValue) +
    ',' +
    fastCanonicalJson(event.newValue) +
    ',' +
    fastCanonicalJson(event.meta) +
    ',' +
    JSON.stringify(event.origin) +
    ']'
  );
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
