/**
 * Rules benchmark: city-100 for 24 h (no store) with and without 10 validation rules checked on every ledger
 * record, in alternating pairs so the machine's drift hits both sides alike. Prints one JSON object:
 *   {scenario, ledger_events, rule_checks, pairs, without_s, with_s, median_without_s, median_with_s, overhead,
 *    median_pair_overhead, cpu_without_s, cpu_with_s, cpu_overhead, target_overhead, met}
 *
 * Run: npx tsx --conditions=@doppel/source packages/verify/bench/rules.ts [--pairs 5]
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { swapPack } from '@doppel/pack-swap';
import { loadScenarioFile, Simulation } from '@doppel/twin';
import { RuleMonitor, TestExpressions, type CompiledRule } from '../src/index.js';
import type { RuleInput } from '../src/schema.js';

const args = process.argv.slice(2);
const pairs = Number(args[args.indexOf('--pairs') + 1] ?? 5) || 5;
const examples = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/swap');
const scenario = loadScenarioFile(join(examples, 'city-100.yaml'), { packs: [swapPack] });

/** Ten rules of the three categories: seven over the state of the event's asset, three over the event itself. */
const RULES: RuleInput[] = [
  { id: 'queue-non-negative', category: 'consistency', kind: 'station', condition: 'self.queue_length >= 0' },
  {
    id: 'stock',
    category: 'consistency',
    kind: 'station',
    condition: 'self.inventory.charged <= self.inventory.total',
  },
  { id: 'bays', category: 'consistency', kind: 'station', condition: 'self.bays_available <= self.bays_total' },
  {
    id: 'grid',
    category: 'safety',
    kind: 'station',
    condition: 'self.power_draw_kw <= self.grid_power_limit_kw + 0.000001',
  },
  { id: 'soc-bounds', category: 'safety', kind: 'battery', condition: 'self.soc >= 0.0 && self.soc <= 1.0' },
  { id: 'health', category: 'safety', kind: 'battery', condition: 'self.health > 0.0' },
  { id: 'vehicle-soc', category: 'consistency', kind: 'vehicle', condition: 'self.battery_soc >= 0.0' },
  { id: 'time-forward', category: 'consistency', condition: 'event.time >= 0.0' },
  {
    id: 'swap-wait',
    category: 'performance',
    kind: 'station',
    on: ['SWAP_COMPLETED'],
    condition: 'event.meta.wait_time_s < 7200.0',
  },
  { id: 'station-events', category: 'consistency', kind: 'station', condition: "event.type != ''" },
];

async function once(withRules: boolean): Promise<{ seconds: number; cpu: number; events: number; checks: number }> {
  const sim = await Simulation.create({ scenario, packs: [swapPack], store: null });
  let monitor: RuleMonitor | null = null;
  let stop = (): void => undefined;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  if (withRules) {
    const expressions = new TestExpressions(swapPack.assetKinds.map((kind) => kind.kind));
    expressions.bind(sim);
    const rules: CompiledRule[] = RULES.map((input) => ({
      input,
      expression: expressions.compile(input.condition, 'rule'),
    }));
    monitor = new RuleMonitor(rules, expressions, { startMs: 0 });
    stop = monitor.attach(sim);
  }
  sim.runToEnd();
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(c0);
  const cpu = (used.user + used.system) / 1e6;
  stop();
  const results = monitor?.results() ?? [];
  if (results.some((rule) => rule.status !== 'passed')) throw new Error(`a rule failed: ${JSON.stringify(results)}`);
  return { seconds, cpu, events: sim.head().seq, checks: results.reduce((sum, rule) => sum + rule.checks, 0) };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// Warm-up: the first runs compile the model's and the evaluator's code.
await once(false);
await once(true);
const without: number[] = [];
const withRules: number[] = [];
const cpuWithout: number[] = [];
const cpuWith: number[] = [];
let events = 0;
let checks = 0;
for (let pair = 0; pair < pairs; pair++) {
  // Alternate which side goes first.
  const order = pair % 2 === 0 ? [false, true] : [true, false];
  const runs = [];
  for (const side of order) runs.push({ side, ...(await once(side)) });
  const plain = runs.find((run) => !run.side)!;
  const ruled = runs.find((run) => run.side)!;
  without.push(plain.seconds);
  withRules.push(ruled.seconds);
  cpuWithout.push(plain.cpu);
  cpuWith.push(ruled.cpu);
  events = plain.events;
  checks = ruled.checks;
}
const overhead = median(withRules) / median(without) - 1;
const cpuOverhead = median(cpuWith) / median(cpuWithout) - 1;
const ratios = withRules.map((value, index) => value / without[index] - 1);
process.stdout.write(
  JSON.stringify({
    scenario: 'city-100',
    duration_h: 24,
    rules: RULES.length,
    ledger_events: events,
    rule_checks: checks,
    pairs,
    without_s: without.map((value) => Number(value.toFixed(4))),
    with_s: withRules.map((value) => Number(value.toFixed(4))),
    median_without_s: Number(median(without).toFixed(4)),
    median_with_s: Number(median(withRules).toFixed(4)),
    overhead: Number(overhead.toFixed(4)),
    median_pair_overhead: Number(median(ratios).toFixed(4)),
    cpu_without_s: cpuWithout.map((value) => Number(value.toFixed(4))),
    cpu_with_s: cpuWith.map((value) => Number(value.toFixed(4))),
    cpu_overhead: Number(cpuOverhead.toFixed(4)),
    target_overhead: 0.2,
    met: overhead <= 0.2 && cpuOverhead <= 0.2,
  }) + '\n',
);
