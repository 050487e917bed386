import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
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
import { INCOMPLETE_MARKER, removePartials, streamFileAtomic, syncDirectory, writeFileAtomic } from './atomic-files.js';
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

/** Streams the whole ledger of a simulation to CSV in pages, so a million-event run never sits in memory twice. */
export async function writeLedgerCsv(
  path: string,
  store: LedgerStore,
  simId: string,
  startIso: string,
): Promise<number> {
  return streamFileAtomic(path, async (stream) => {
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
    return count;
  });
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
 * Starts writing a run's outputs into `dir`: the INCOMPLETE marker goes first and a summary.json of an earlier run
 * goes, so until `finishOutputs` the directory never looks complete (whatever stops the run: an error, a full disk,
 * kill -9).
 */
export function beginOutputs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(
    join(dir, INCOMPLETE_MARKER),
    'This run has not finished writing its outputs (it is running, failed or was stopped): do not use them.\n',
  );
  rmSync(join(dir, OUTPUT_FILES.summary), { force: true });
  removePartials(dir);
  syncDirectory(dir);
}

/**
 * Writes the run's files into `dir`, all but summary.json, each whole or not at all (temporary name, fsync,
 * rename); `finishOutputs` writes the summary last.
 */
export async function writeRunFiles(dir: string, record: RunRecord, store: LedgerStore): Promise<void> {
  writeFileAtomic(
    join(dir, OUTPUT_FILES.scenario),
    JSON.stringify(JSON.parse(canonicalJson(record.scenario)), null, 2) + '\n',
  );
  writeFileAtomic(
    join(dir, OUTPUT_FILES.interventions),
    JSON.stringify({ seed: record.seed, log: record.interventionLog }, null, 2) + '\n',
  );
  await writeLedgerCsv(join(dir, OUTPUT_FILES.ledgerCsv), store, record.summary.sim_id, record.scenario.start);
  writeFileAtomic(join(dir, OUTPUT_FILES.telemetryCsv), telemetryCsv(record.telemetry));
  for (const table of record.tables) writeFileAtomic(join(dir, table.fileName), tableCsv(table));
}

/** Every other file is in place and durable: summary.json goes in last, then the INCOMPLETE marker goes. */
export function finishOutputs(dir: string, summary: RunSummary): void {
  syncDirectory(dir);
  writeFileAtomic(join(dir, OUTPUT_FILES.summary), JSON.stringify(summary, null, 2) + '\n');
  syncDirectory(dir);
  rmSync(join(dir, INCOMPLETE_MARKER), { force: true });
  syncDirectory(dir);
}

/** Best effort after a failed run: the marker says why (it is there already, from `beginOutputs`). */
export function markFailed(dir: string, error: unknown): void {
  try {
    writeFileAtomic(
      join(dir, INCOMPLETE_MARKER),
      `This run failed before it finished writing its outputs: do not use them.\n${error instanceof Error ? error.message : String(error)}\n`,
    );
    removePartials(dir);
  } catch {
    // The disk that failed the run may refuse this too; the marker from the start of the run stays.
  }
}

/** Moves a finished SQLite file into place, durably (its WAL is gone once the store is closed). */
export function moveDatabase(from: string, to: string): void {
  const fd = openSync(from, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  removeIfExists(to);
  renameSync(from, to);
}

export function removeIfExists(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix, { force: true });
}
