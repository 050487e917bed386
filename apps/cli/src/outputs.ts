import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import {
  canonicalJson,
  ledgerCsvHeader,
  ledgerEventToCsvRow,
  type InterventionLogEntry,
  type LedgerStore,
  type OutputTable,
  type ResolvedScenario,
  type RunSummary,
  type TelemetryRow,
} from '@doppel/twin';
import { csvLine } from './csv.js';

/** What a finished run leaves in its output directory; `doppel replay` reads it back. */
export const OUTPUT_FILES = {
  summary: 'summary.json',
  ledgerCsv: 'ledger.csv',
  telemetryCsv: 'telemetry.csv',
  ledgerDb: 'ledger.sqlite',
  scenario: 'scenario.json',
  interventions: 'interventions.json',
} as const;

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function closeStream(stream: Writable): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/** Streams the whole ledger of a simulation to CSV in pages, so a million-event run never sits in memory twice. */
export async function writeLedgerCsv(
  path: string,
  store: LedgerStore,
  simId: string,
  startIso: string,
): Promise<number> {
  const stream = createWriteStream(path);
  await write(stream, ledgerCsvHeader + '\n');
  let afterSeq = 0;
  let count = 0;
  for (;;) {
    const page = await store.query({ simId, afterSeq, limit: 20_000, order: 'asc' });
    if (page.length === 0) break;
    let chunk = '';
    for (const event of page) chunk += ledgerEventToCsvRow(event, simId, startIso) + '\n';
    await write(stream, chunk);
    count += page.length;
    afterSeq = page[page.length - 1].seq;
  }
  await closeStream(stream);
  return count;
}

export function telemetryCsv(rows: readonly TelemetryRow[]): string {
  if (rows.length === 0) return 'time,datetime\n';
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  return csvLine(columns) + rows.map((row) => csvLine(columns.map((column) => row[column]))).join('');
}

export function tableCsv(table: OutputTable): string {
  return csvLine(table.columns) + table.rows.map((row) => csvLine(row)).join('');
}

export interface RunRecord {
  readonly scenario: ResolvedScenario;
  readonly seed: number;
  readonly interventionLog: readonly InterventionLogEntry[];
  readonly summary: RunSummary;
  readonly telemetry: readonly TelemetryRow[];
  readonly tables: readonly OutputTable[];
}

/**
 * Writes the run's files into `dir`, all but summary.json: the caller writes that last (after the ledger database is
 * in place), so a directory with a summary is always complete.
 */
export async function writeRunFiles(dir: string, record: RunRecord, store: LedgerStore): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, OUTPUT_FILES.scenario),
    JSON.stringify(JSON.parse(canonicalJson(record.scenario)), null, 2) + '\n',
  );
  writeFileSync(
    join(dir, OUTPUT_FILES.interventions),
    JSON.stringify({ seed: record.seed, log: record.interventionLog }, null, 2) + '\n',
  );
  await writeLedgerCsv(join(dir, OUTPUT_FILES.ledgerCsv), store, record.summary.sim_id, record.scenario.start);
  writeFileSync(join(dir, OUTPUT_FILES.telemetryCsv), telemetryCsv(record.telemetry));
  for (const table of record.tables) writeFileSync(join(dir, table.fileName), tableCsv(table));
}

export function writeSummary(dir: string, summary: RunSummary): void {
  writeFileSync(join(dir, OUTPUT_FILES.summary), JSON.stringify(summary, null, 2) + '\n');
}

/** Moves a finished SQLite file into place (its WAL is gone once the store is closed). */
export function moveDatabase(from: string, to: string): void {
  removeIfExists(to);
  renameSync(from, to);
}

export function removeIfExists(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix, { force: true });
}
