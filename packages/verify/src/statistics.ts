import type { ReplicationResult, StatisticResult } from '@doppel/twin';
import type { CompiledStatistic } from './definition.js';
import { meanInterval, quantileInterval, wilsonInterval, type Interval } from './stats.js';

/** Evaluates each `statistics:` assertion over the replications (base and variants). */
export function evaluateStatistics(
  statistics: readonly CompiledStatistic[],
  replications: readonly ReplicationResult[],
): StatisticResult[] {
  return statistics.map((statistic) => {
    const { input } = statistic;
    const base = replications.filter((replication) => replication.variant === null);
    const valuesOf = (list: readonly ReplicationResult[]): number[] =>
      list
        .map((replication) => replication.values[input.name])
        .filter((value) => typeof value === 'number' && !Number.isNaN(value));
    const confidence = input.confidence;
    let interval: Interval;
    let n: number;
    if (input.measure === 'difference') {
      // Paired on common random numbers: replication i of the variant ran with replication i's seed.
      const other = new Map(
        replications.filter((r) => r.variant === input.variant).map((r) => [r.index, r.values[input.name]]),
      );
      const differences = base
        .filter((r) => typeof other.get(r.index) === 'number')
        .map((r) => (other.get(r.index) as number) - r.values[input.name]);
      interval = meanInterval(differences, confidence);
      n = differences.length;
    } else if (input.measure === 'proportion') {
      const values = valuesOf(base);
      interval = wilsonInterval(values.filter((value) => value === 1).length, values.length, confidence);
      n = values.length;
    } else {
      const values = valuesOf(base);
      interval =
        input.measure === 'mean'
          ? meanInterval(values, confidence)
          : quantileInterval(values, input.q as number, confidence);
      n = values.length;
    }
    const failures: string[] = [];
    if (input.below !== undefined && !(interval.upper !== null && interval.upper < input.below)) {
      failures.push(
        interval.upper === null
          ? `no upper bound at ${confidence} with n=${n}`
          : `upper bound ${fmt(interval.upper)} is not below ${input.below}`,
      );
    }
    if (input.above !== undefined && !(interval.lower !== null && interval.lower > input.above)) {
      failures.push(
        interval.lower === null
          ? `no lower bound at ${confidence} with n=${n}`
          : `lower bound ${fmt(interval.lower)} is not above ${input.above}`,
      );
    }
    const what = input.measure === 'quantile' ? `q${input.q}` : input.measure;
    const summary = `${what} ${fmt(interval.estimate)}, ${Math.round(confidence * 1000) / 10}% interval [${fmt(interval.lower)}, ${fmt(interval.upper)}], n=${n}`;
    return {
      name: input.name,
      measure: input.measure,
      value: Number.isFinite(interval.estimate) ? interval.estimate : 0,
      lower: interval.lower,
      upper: interval.upper,
      confidence,
      n,
      ...(input.below !== undefined ? { below: input.below } : {}),
      ...(input.above !== undefined ? { above: input.above } : {}),
      status: failures.length === 0 ? 'passed' : 'failed',
      message: failures.length === 0 ? summary : `${summary}: ${failures.join('; ')}`,
    };
  });
}

function fmt(value: number | null): string {
  if (value === null) return '-';
  return Math.abs(value) >= 100 ? value.toFixed(1) : Number(value.toPrecision(4)).toString();
}
