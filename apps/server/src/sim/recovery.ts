import { existsSync, readFileSync } from 'node:fs';
import type { Catalog, SimulationRow, SimulationUpdate } from '@doppel/catalog';
import { parseJournal } from './journal.js';
import type { StoredLedgers } from './ledger-stores.js';
import { interventionJournalPath } from './protocol.js';

/** The latest sim time at which a journaled intervention was submitted (0 without a journal). */
function lastSubmission(journalPath: string): number {
  if (!existsSync(journalPath)) return 0;
  try {
    const { entries } = parseJournal(readFileSync(journalPath, 'utf8'));
    return entries.reduce((latest, entry) => Math.max(latest, entry.submittedAt ?? 0), 0);
  } catch {
    return 0;
  }
}

/**
 * What the catalog must say of a simulation after the server stopped, whether gracefully or not: its head is at
 * least the durable ledger's and the latest acknowledged intervention's; a simulation that was running is paused
 * there (nothing plays until someone resumes it). The catalog is written only as often as a simulation's status
 * changes, so after a crash the ledger file and the journal are ahead of it.
 */
export async function recoveredFields(
  row: SimulationRow,
  ledgerPath: string,
  ledgers: StoredLedgers,
): Promise<SimulationUpdate | null> {
  const head = await ledgers.head(row.id, ledgerPath);
  const submitted = lastSubmission(interventionJournalPath(ledgerPath));
  const simTime = Math.max(row.sim_time, head?.simTime ?? 0, submitted);
  const ahead = head !== null && head.seq > row.head_seq;
  const status = row.status === 'running' ? 'paused' : row.status;
  if (simTime === row.sim_time && !ahead && status === row.status) return null;
  return {
    status,
    sim_time: simTime,
    ...(ahead ? { head_seq: head.seq, head_hash: head.hash } : {}),
  };
}

/** Brings every simulation of the catalog level with its durable ledger and journal (see recoveredFields). */
export async function recoverSimulations(
  catalog: Catalog,
  ledgerPath: (simId: string) => string,
  ledgers: StoredLedgers,
): Promise<void> {
  for (const row of await catalog.allSimulations()) {
    const fields = await recoveredFields(row, ledgerPath(row.id), ledgers);
    if (fields !== null) await catalog.updateSimulation(row.id, fields);
  }
}
