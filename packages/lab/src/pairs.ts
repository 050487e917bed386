import type { ResultCache } from './cache.js';
import { pointLabel, type DesignPoint } from './design.js';
import { firstDivergence, type LedgerTrace } from './divergence.js';
import type { Experiment } from './load-experiment.js';
import type { ReplicationOutcome } from './replicate.js';
import { jobFor } from './jobs.js';
import type { ReplicationJob } from './replicate.js';
import type { DivergenceRow } from './run-experiment.js';

type RunTraced = (point: DesignPoint, index: number, trace: boolean) => Promise<ReplicationOutcome>;

/**
 * Pairs each replication with the baseline's on the same seed and finds the first ledger event where they part.
 * Traces are held only until every point of a replication has been compared; a replication taken from the cache
 * runs again for its trace only when its pair is not cached too.
 */
export class PairTracker {
  /** Scenario bases have ledgers; a design of one point has nothing to pair. */
  readonly wanted: boolean;
  private readonly experiment: Experiment;
  private readonly points: number;
  private readonly first: DesignPoint;
  private readonly cache: ResultCache | null;
  private readonly baselines = new Map<number, Baseline>();
  private readonly rows: DivergenceRow[] = [];

  constructor(experiment: Experiment, points: readonly DesignPoint[], cache: ResultCache | null) {
    this.experiment = experiment;
    this.points = points.length;
    this.first = points[0];
    this.cache = cache;
    this.wanted = experiment.scenarioPath !== null && points.length > 1;
  }

  async arrived(point: DesignPoint, index: number, trace: LedgerTrace | null, run: RunTraced): Promise<void> {
    if (!this.wanted) return;
    const baseline = this.baseline(index);
    if (point.index === 0) {
      baseline.arrive(trace, () => run(point, index, true));
      return;
    }
    const jobs = this.pairJobs(point, index);
    let divergence = this.cache?.getPair(jobs.baseline, jobs.point);
    if (divergence === undefined) {
      const own = trace ?? (await run(point, index, true)).trace;
      const base = await baseline.trace();
      if (own === null || base === null) throw new Error('a scenario replication returned no ledger trace');
      divergence = firstDivergence(base, own);
      this.cache?.putPair(jobs.baseline, jobs.point, divergence);
    }
    this.rows.push({ point, label: pointLabel(point), replication: index, ...divergence });
    if (++baseline.compared === this.points - 1) this.baselines.delete(index);
  }

  /** Every comparison made, by point then replication. */
  divergences(): DivergenceRow[] {
    return [...this.rows].sort((a, b) => a.point.index - b.point.index || a.replication - b.replication);
  }

  private pairJobs(point: DesignPoint, index: number): { baseline: ReplicationJob; point: ReplicationJob } {
    // The cache keys on settings and seed only, never on the packs module: any module string gives the same key.
    return {
      baseline: jobFor(this.experiment, this.first, index, ''),
      point: jobFor(this.experiment, point, index, ''),
    };
  }

  private baseline(index: number): Baseline {
    let baseline = this.baselines.get(index);
    if (baseline === undefined) {
      baseline = new Baseline();
      this.baselines.set(index, baseline);
    }
    return baseline;
  }
}

/** The baseline's trace for one replication: as it arrived, or run again on demand after a cache hit. */
class Baseline {
  compared = 0;
  private readonly arrival: Promise<{ trace: LedgerTrace | null; rerun: () => Promise<ReplicationOutcome> }>;
  private settle!: (value: { trace: LedgerTrace | null; rerun: () => Promise<ReplicationOutcome> }) => void;
  private traced: Promise<LedgerTrace | null> | null = null;

  constructor() {
    this.arrival = new Promise((resolve) => (this.settle = resolve));
  }

  arrive(trace: LedgerTrace | null, rerun: () => Promise<ReplicationOutcome>): void {
    this.settle({ trace, rerun });
  }

  trace(): Promise<LedgerTrace | null> {
    this.traced ??= this.arrival.then(async ({ trace, rerun }) => trace ?? (await rerun()).trace);
    return this.traced;
  }
}
