import { createHash } from 'node:crypto';
import { encodeLedgerEvent, type LedgerEvent } from '@doppel/twin';

/**
 * A compact record of a run's ledger, enough to find where two runs part: per event an 8-byte digest of its
 * canonical text, its sim time, and its type and asset (as an index into `labels`). Plain strings, so it crosses
 * worker threads and job queues unchanged.
 */
export interface LedgerTrace {
  readonly events: number;
  /** base64 of 8 bytes per event: the first 8 bytes of SHA-256 of the event's canonical encoding. */
  readonly digests: string;
  /** base64 of a Float64Array of sim times. */
  readonly times: string;
  /** base64 of a Uint32Array of indexes into labels. */
  readonly labelIndex: string;
  /** `EVENT_TYPE asset-id`, each once. */
  readonly labels: readonly string[];
}

/** The first ledger event where two paired runs differ, or `null` fields when they never do. */
export interface Divergence {
  /** 1-based seq of the first differing event; null when the ledgers are identical. */
  readonly seq: number | null;
  readonly simTime: number | null;
  /** `EVENT_TYPE asset-id` of that event in the baseline's run, or null when its ledger ended first. */
  readonly baselineEvent: string | null;
  /** The same in the point's run. */
  readonly pointEvent: string | null;
}

/** Collects a trace from ledger batches, in seq order. */
export class TraceRecorder {
  private readonly digests: Buffer[] = [];
  private readonly times: number[] = [];
  private readonly labelIndex: number[] = [];
  private readonly labels = new Map<string, number>();

  add(records: readonly LedgerEvent[]): void {
    for (const record of records) {
      this.digests.push(createHash('sha256').update(encodeLedgerEvent(record)).digest().subarray(0, 8));
      this.times.push(record.simTime);
      const label = `${record.eventType} ${record.assetId}`;
      let index = this.labels.get(label);
      if (index === undefined) {
        index = this.labels.size;
        this.labels.set(label, index);
      }
      this.labelIndex.push(index);
    }
  }

  trace(): LedgerTrace {
    return {
      events: this.times.length,
      digests: Buffer.concat(this.digests).toString('base64'),
      times: Buffer.from(new Float64Array(this.times).buffer).toString('base64'),
      labelIndex: Buffer.from(new Uint32Array(this.labelIndex).buffer).toString('base64'),
      labels: [...this.labels.keys()],
    };
  }
}

/** Where the point's run first departs from the baseline's run on the same seed. */
export function firstDivergence(baseline: LedgerTrace, point: LedgerTrace): Divergence {
  const a = Buffer.from(baseline.digests, 'base64');
  const b = Buffer.from(point.digests, 'base64');
  const common = Math.min(baseline.events, point.events);
  let index = 0;
  while (index < common && a.compare(b, index * 8, index * 8 + 8, index * 8, index * 8 + 8) === 0) index++;
  if (index === baseline.events && index === point.events) {
    return { seq: null, simTime: null, baselineEvent: null, pointEvent: null };
  }
  return {
    seq: index + 1,
    simTime: timeAt(index < baseline.events ? baseline : point, index),
    baselineEvent: labelAt(baseline, index),
    pointEvent: labelAt(point, index),
  };
}

function timeAt(trace: LedgerTrace, index: number): number {
  return Buffer.from(trace.times, 'base64').readDoubleLE(index * 8);
}

function labelAt(trace: LedgerTrace, index: number): string | null {
  if (index >= trace.events) return null;
  return trace.labels[Buffer.from(trace.labelIndex, 'base64').readUInt32LE(index * 4)] ?? null;
}
