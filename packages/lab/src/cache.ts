import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Divergence } from './divergence.js';
import type { ReplicationJob, ReplicationRecord } from './replicate.js';

/**
 * Replication results on disk, keyed by (what was run, seed, code version): re-running an experiment reuses every
 * replication it already has, and a new version of the code never reads an old one's results.
 */
export class ResultCache {
  private readonly dir: string;
  private readonly codeVersion: string;
  private readonly baseHash: string;

  /** `baseText` is the base scenario file's text (or the model's name and parameters): a change misses. */
  constructor(dir: string, codeVersion: string, baseText: string) {
    this.dir = dir;
    this.codeVersion = codeVersion;
    this.baseHash = sha256(baseText);
  }

  key(job: ReplicationJob): string {
    return sha256(
      JSON.stringify({
        code: this.codeVersion,
        base: this.baseHash,
        settings: sortedEntries(job.settings),
        seed: job.seed,
      }),
    );
  }

  get(job: ReplicationJob): ReplicationRecord | undefined {
    const path = join(this.dir, `${this.key(job)}.json`);
    if (!existsSync(path)) return undefined;
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
      return parsed !== null && typeof parsed === 'object' ? (parsed as ReplicationRecord) : undefined;
    } catch {
      return undefined; // A torn or foreign file is a miss: the replication runs again.
    }
  }

  put(job: ReplicationJob, record: ReplicationRecord): void {
    this.write(`${this.key(job)}.json`, record);
  }

  /** Where the ledgers of two paired replications part, if it was found before. */
  getPair(baseline: ReplicationJob, point: ReplicationJob): Divergence | undefined {
    const path = join(this.dir, pairName(this, baseline, point));
    if (!existsSync(path)) return undefined;
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
      return parsed !== null && typeof parsed === 'object' && 'seq' in parsed ? (parsed as Divergence) : undefined;
    } catch {
      return undefined;
    }
  }

  putPair(baseline: ReplicationJob, point: ReplicationJob, divergence: Divergence): void {
    this.write(pairName(this, baseline, point), divergence);
  }

  private write(name: string, value: unknown): void {
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, name);
    // Written aside then renamed: a killed run never leaves half a result to be read back.
    writeFileSync(`${path}.partial`, JSON.stringify(value));
    renameSync(`${path}.partial`, path);
  }
}

/** A divergence between two replications' ledgers, stored under both their keys. */
function pairName(cache: ResultCache, a: ReplicationJob, b: ReplicationJob): string {
  return `pair-${sha256(cache.key(a) + cache.key(b))}.json`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sortedEntries(record: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
