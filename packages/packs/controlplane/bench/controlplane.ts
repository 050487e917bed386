/**
 * Control-plane benchmark: a day of a 1,000-endpoint region (3 Enactors, a plan every 30 s ± 3 s, about 2,880
 * generations, the event log replayed with its ~10,000 events), one Enactor stalled, every rule of the example tests
 * checked on every ledger record — run through `runTest` exactly as `doppel test` runs the examples (no store).
 * Prints one JSON object per Enactor version, then a summary with the ratio to the 10 s target.
 *
 * Run: npx tsx --conditions=@doppel/source packages/packs/controlplane/bench/controlplane.ts [--runs 3]
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTestFile, runTest } from '@doppel/verify';
import { controlPlanePack } from '../src/index.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 3) || 3;
const examples = join(dirname(fileURLToPath(import.meta.url)), '../../../../examples/controlplane');
const packs = [controlPlanePack];
const TARGET_S = 10;

const results: Record<string, unknown>[] = [];
for (const version of ['guarded', 'legacy']) {
  const test = await loadTestFile(join(examples, `enactor-${version}.test.yaml`), { packs });
  const times: number[] = [];
  const cpus: number[] = [];
  let last: Awaited<ReturnType<typeof runTest>> | undefined;
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    last = await runTest(test, { packs });
    const cpu = process.cpuUsage(c0);
    times.push((performance.now() - t0) / 1000);
    cpus.push((cpu.user + cpu.system) / 1e6);
  }
  // On a shared machine wall time includes waiting for a core; CPU seconds are what the run itself costs.
  const cpuMedian = [...cpus].sort((a, b) => a - b)[Math.floor(cpus.length / 2)];
  times.sort((a, b) => a - b);
  const replication = last?.replications[0];
  const median = times[Math.floor(times.length / 2)];
  const result = {
    bench: `controlplane-24h-${version}`,
    endpoints: 1000,
    enactors: 3,
    rules: replication?.rules.length ?? 0,
    rule_checks: replication?.rules.reduce((sum, rule) => sum + rule.checks, 0) ?? 0,
    status: last?.status,
    runs: times.map((t) => Number(t.toFixed(3))),
    median_s: Number(median.toFixed(3)),
    cpu_runs: cpus.map((t) => Number(t.toFixed(3))),
    median_cpu_s: Number(cpuMedian.toFixed(3)),
    target_s: TARGET_S,
    ratio_to_target: Number((median / TARGET_S).toFixed(3)),
    met: median < TARGET_S,
  };
  results.push(result);
  process.stderr.write(
    `${result.bench}: median ${result.median_s} s wall, ${result.median_cpu_s} CPU-s (${result.rule_checks} rule checks)\n`,
  );
}
// One JSON object per line, as bench/run-all.js reads every benchmark's output.
for (const result of results) process.stdout.write(JSON.stringify(result) + '\n');
