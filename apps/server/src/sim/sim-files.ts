import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { interventionJournalPath } from './protocol.js';

/** Where a simulation's files live in the data directory: its ledger, intervention journal and webhook outbox. */
export class SimulationFiles {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'sims');
    mkdirSync(this.dir, { recursive: true });
  }

  ledgerPath(simId: string): string {
    return join(this.dir, `${simId}.sqlite`);
  }

  /** The simulation's webhook outbox: not derived from its inputs like the ledger, so a file of its own. */
  webhookOutboxPath(simId: string): string {
    return join(this.dir, `${simId}.webhooks.sqlite`);
  }

  /**
   * Marks a simulation as being created until `endCreation`. A creation the disk refuses may be unable to remove
   * its catalog row (deleting needs space too): the marker left behind tells the next start to finish removing it,
   * so a refused creation never reappears.
   */
  beginCreation(simId: string): void {
    const fd = openSync(this.creationMarker(simId), 'w');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** The creation is acknowledged: the simulation is kept from now on. */
  endCreation(simId: string): void {
    rmSync(this.creationMarker(simId), { force: true });
  }

  /** Ids of simulations whose creation began and was neither acknowledged nor fully undone. */
  unfinishedCreations(): string[] {
    return readdirSync(this.dir)
      .map((name) => /^(.+)\.creating$/.exec(name)?.[1])
      .filter((id): id is string => id !== undefined);
  }

  /** Ids of simulations with a webhook outbox on disk. */
  withOutbox(): string[] {
    return readdirSync(this.dir)
      .map((name) => /^(.+)\.webhooks\.sqlite$/.exec(name)?.[1])
      .filter((id): id is string => id !== undefined);
  }

  private creationMarker(simId: string): string {
    return join(this.dir, `${simId}.creating`);
  }

  /** Removes every file of a deleted simulation. */
  remove(simId: string): void {
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(this.ledgerPath(simId) + suffix, { force: true });
      rmSync(this.webhookOutboxPath(simId) + suffix, { force: true });
    }
    rmSync(interventionJournalPath(this.ledgerPath(simId)), { force: true });
  }
}
