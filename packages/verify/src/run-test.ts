import {
  Simulation,
  type AnyPack,
  type KpiSeries,
  type ReplicationResult,
  type ResolvedScenario,
  type TestFailure,
  type TestResult,
} from '@doppel/twin';
import { compareBaseline, readBaseline, writeBaseline } from './baseline.js';
import type { Step, TestDefinition } from './definition.js';
import { RuleMonitor } from './rules.js';
import { evaluateStatistics } from './statistics.js';
import { StepRunner, messageOf } from './step-runner.js';
import { mean } from './stats.js';
import { replicationSeed, startMsOf } from './time.js';

export interface RunTestOptions {
  readonly packs: readonly AnyPack[];
  /** Write the baseline file from this run instead of comparing with it. */
  readonly updateBaselines?: boolean;
  /** Called after each replication (progress). */
  readonly onReplication?: (done: number, total: number) => void;
  /**
   * Called with each replication's simulation once it ended (before it is dropped): what re-creates it exactly is
   * its scenario, seed and intervention log, e.g. to open it later at any instant.
   */
  readonly onReplicationEnd?: (result: ReplicationResult, sim: Simulation, scenario: ResolvedScenario) => void;
  /** Wall clock in milliseconds (injected so results can be reproduced in tests); default performance.now. */
  readonly clock?: () => number;
}

/** Runs a loaded test: every replication (and variant), rules on every ledger record, statistics and baseline. */
export async function runTest(test: TestDefinition, options: RunTestOptions): Promise<TestResult> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const runs: { variant: string | null; scenario: ResolvedScenario; steps: readonly Step[] }[] = [
    { variant: null, scenario: test.scenario, steps: test.steps },
    ...test.variants.map((variant) => ({ variant: variant.name, scenario: variant.scenario, steps: variant.steps })),
  ];
  const total = runs.length * test.replications;
  const replications: ReplicationResult[] = [];
  let series: KpiSeries[] = [];
  for (const run of runs) {
    for (let index = 0; index < test.replications; index++) {
      const seed = replicationSeed(test.seed, index, test.replications);
      const first = run.variant === null && index === 0;
      const outcome = await runReplication(test, options, run, index, seed);
      replications.push(outcome.result);
      if (first) series = outcome.series;
      options.onReplication?.(replications.length, total);
    }
  }
  const statistics = evaluateStatistics(test.statistics, replications);
  const baseline = baselineResults(test, replications, options.updateBaselines ?? false);
  const failures = collectFailures(replications, statistics, baseline);
  return {
    name: test.name,
    ...(test.description !== undefined ? { description: test.description } : {}),
    file: test.file,
    pack: test.pack.name,
    scenario: test.scenario.name,
    start: test.scenario.start,
    timezone: test.scenario.timezone,
    status: failures.length === 0 ? 'passed' : 'failed',
    wallS: Math.round(clock() - started) / 1000,
    replications,
    statistics,
    baseline,
    failures,
    series,
  };
}

async function runReplication(
  test: TestDefinition,
  options: RunTestOptions,
  run: { variant: string | null; scenario: ResolvedScenario; steps: readonly Step[] },
  index: number,
  seed: number,
): Promise<{ result: ReplicationResult; series: KpiSeries[] }> {
  const sim = await Simulation.create({ scenario: run.scenario, packs: options.packs, seed, store: null });
  test.expressions.bind(sim);
  const monitor = new RuleMonitor(test.rules, test.expressions, { startMs: startMsOf(run.scenario) });
  const detach = monitor.attach(sim);
  const runner = new StepRunner(sim, test.expressions, run.scenario);
  let error: string | undefined;
  let steps: ReplicationResult['steps'] = [];
  try {
    steps = runner.run(run.steps);
    runner.finish();
  } catch (caught) {
    error = messageOf(caught);
  } finally {
    detach();
  }
  if (sim.status === 'failed') error ??= sim.error?.message ?? 'the simulation failed';
  const values: Record<string, number> = {};
  const expressions = [
    ...test.statistics.map((statistic) => [statistic.input.name, statistic.value] as const),
    ...(test.baseline?.values.map((entry) => [entry.name, entry.value] as const) ?? []),
  ];
  for (const [name, expression] of expressions) {
    try {
      const value = expression.evaluate({ now: sim.now });
      values[name] = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
    } catch {
      values[name] = Number.NaN;
    }
  }
  const rules = monitor.results();
  const failed =
    error !== undefined ||
    steps.some((step) => step.status === 'failed') ||
    rules.some((rule) => rule.status === 'failed');
  const result: ReplicationResult = {
    index,
    seed,
    variant: run.variant,
    status: failed ? 'failed' : 'passed',
    steps,
    rules,
    values,
    endS: sim.now,
    ledgerSha256: sim.head().hash,
    ...(error !== undefined ? { error } : {}),
  };
  options.onReplicationEnd?.(result, sim, run.scenario);
  const series = test.chartedKpis.map((name) => ({
    name,
    points: sim.telemetry().map((row) => [row.time, Number(row[name] ?? 0)] as [number, number]),
  }));
  return { result, series };
}

function baselineResults(
  test: TestDefinition,
  replications: readonly ReplicationResult[],
  update: boolean,
): TestResult['baseline'] {
  if (test.baseline === null) return [];
  const base = replications.filter((replication) => replication.variant === null);
  const actual: Record<string, number> = {};
  for (const { name } of test.baseline.values) actual[name] = mean(base.map((replication) => replication.values[name]));
  if (update) writeBaseline(test.baseline, test.name, actual);
  return compareBaseline(
    test.baseline,
    update ? { doppel: 1, test: test.name, values: actual } : readBaseline(test.baseline),
    actual,
  );
}

function collectFailures(
  replications: readonly ReplicationResult[],
  statistics: TestResult['statistics'],
  baseline: TestResult['baseline'],
): TestFailure[] {
  const failures: TestFailure[] = [];
  const seen = new Set<string>();
  for (const replication of replications) {
    const where =
      replication.variant !== null || replications.length > 1
        ? ` (replication ${replication.index + 1}${replication.variant !== null ? `, ${replication.variant}` : ''}, seed ${replication.seed})`
        : '';
    if (replication.error !== undefined && !seen.has('error')) {
      seen.add('error');
      failures.push({ kind: 'error', ref: 'simulation', message: `${replication.error}${where}` });
    }
    const step = replication.steps.find((candidate) => candidate.status === 'failed');
    if (step !== undefined && !seen.has(`step:${step.index}`)) {
      seen.add(`step:${step.index}`);
      failures.push({
        kind: 'step',
        ref: `steps[${step.index}] ${step.kind}`,
        message: `${step.label}: ${step.message ?? 'failed'}${where}`,
      });
    }
    for (const rule of replication.rules) {
      if (rule.status !== 'failed' || seen.has(`rule:${rule.id}`) || rule.first === null) continue;
      seen.add(`rule:${rule.id}`);
      const v = rule.first;
      failures.push({
        kind: 'rule',
        ref: rule.id,
        message: `${rule.category} rule ${rule.id} violated at ${v.datetime} (t=${v.simTime.toFixed(1)} s, seq ${v.seq}) on ${v.assetId} after ${v.eventType}: ${v.message}${where}`,
      });
    }
  }
  for (const statistic of statistics) {
    if (statistic.status === 'failed')
      failures.push({ kind: 'statistic', ref: statistic.name, message: statistic.message });
  }
  for (const entry of baseline) {
    if (entry.status === 'failed') {
      failures.push({
        kind: 'baseline',
        ref: entry.name,
        message: `${entry.name} is ${entry.actual} against a baseline of ${entry.baseline}: worse by ${(entry.worseBy * 100).toFixed(1)}% (tolerance ${(entry.tolerance * 100).toFixed(1)}%)`,
      });
    }
  }
  return failures;
}
