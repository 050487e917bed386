import type { LedgerEvent } from '../contracts/ledger.js';
import { fastCanonicalJson } from './encoding.js';
import { formatEpochMsIso, parseIsoToEpochMs } from './iso-time.js';

/**
 * Columns of a ledger CSV export: seed 000 §4.1 (`sim_id` included, so exports of many simulations concatenate into
 * one table) plus seq, sim time and origin.
 */
export const LEDGER_CSV_COLUMNS = [
  'seq',
  'sim_time',
  'datetime',
  'sim_id',
  'asset_id',
  'event_type',
  'old_value',
  'new_value',
  'meta',
  'origin',
] as const;

/** The header line (no line terminator). */
export const ledgerCsvHeader: string = LEDGER_CSV_COLUMNS.join(',');

/** RFC 4180 quoting: a cell holding a comma, quote or line break is quoted, with quotes doubled. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const jsonCell = (value: LedgerEvent['newValue']): string => (value === null ? '' : csvCell(fastCanonicalJson(value)));

/**
 * One CSV line (no line terminator) for a record of simulation `simId`; `datetime` is the scenario start plus the
 * record's sim time, as ISO 8601 UTC. Null values are empty cells; objects are canonical JSON.
 */
export function ledgerEventToCsvRow(event: LedgerEvent, simId: string, startIso: string): string {
  return ledgerEventToCsvRowAt(event, csvCell(simId), parseIsoToEpochMs(startIso));
}

function ledgerEventToCsvRowAt(event: LedgerEvent, simIdCell: string, startMs: number): string {
  return [
    String(event.seq),
    String(event.simTime),
    formatEpochMsIso(startMs + event.simTime * 1000),
    simIdCell,
    csvCell(event.assetId),
    csvCell(event.eventType),
    jsonCell(event.oldValue),
    jsonCell(event.newValue),
    jsonCell(event.meta),
    event.origin,
  ].join(',');
}

/** A whole CSV document of simulation `simId` (header plus one line per record, "\n"-terminated). */
export function ledgerToCsv(events: Iterable<LedgerEvent>, simId: string, startIso: string): string {
  const startMs = parseIsoToEpochMs(startIso);
  const simIdCell = csvCell(simId);
  let out = ledgerCsvHeader + '\n';
  for (const event of events) out += ledgerEventToCsvRowAt(event, simIdCell, startMs) + '\n';
  return out;
}
