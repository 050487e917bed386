/**
 * Rewind benchmark: the swap pack's city-100 example run for 24 h with every ledger record stored in SQLite, then
 * rewound to `--rewinds` seeded random instants (running to the end again before each one, untimed) and branched at
 * one instant. Prints ONE JSON object with the milliseconds per rewind (median, p95, max) and of the branch.
 *
 * Run: npx tsx --conditions=@doppel/source bench/src/rewind.ts [--scenario city-100] [--rewinds 10] [--seed 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { swapPack } from '@doppel/pack-swap';
import { SqliteLedgerStore } from '@doppel/store-sqlite';
import { loadScenarioFile, Simulation } from '@doppel/twin';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const scenarioName = flag('scenario', 'city-100');
const rewinds = Number(flag('rewinds', '10'));
const seed = Number(flag('seed', '1'));
const TARGET_MS = 300;

/** mulberry32: a seeded generator, so every run rewinds to the same instants. */
function seeded(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;
const round = (x: number): number => Math.round(x * 10) / 10;
/** Nearest-rank percentile, as in the benchmark specifications. */
const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];

const median = (sorted: readonly number[]): number =>
  sorted.length % 2 === 1
    ? sorted[(sorted.length - 1) / 2]
    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;

async function main(): Promise<void> {
  const examples = join(dirname(fileURLToPath(import.meta.url)), '../../examples/swap');
  const scenario = loadScenarioFile(join(examples, `${scenarioName}.yaml`), { packs: [swapPack] });
  const dir = mkdtempSync(join(tmpdir(), 'doppel-rewind-bench-'));
  const store = SqliteLedgerStore.open(join(dir, 'ledger.db'));
  try {
    const sim = await Simulation.create({ scenario, packs: [swapPack], store, simId: 'rewind-bench' });
    const runStart = process.hrtime.bigint();
    sim.runToEnd();
    await sim.flush();
    const runMs = ms(runStart);
    const head = sim.head();
    const random = seeded(seed);
    const instants = Array.from({ length: rewinds }, () => Math.round(random() * sim.horizon * 1000) / 1000);

    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (const t of instants) {
      if (sim.status !== 'finished') sim.runToEnd();
      await sim.flush();
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      await sim.rewind(t);
      times.push(ms(start));
      const used = process.cpuUsage(cpu);
      cpuTimes.push((used.user + used.system) / 1000);
    }
    sim.runToEnd();
    await sim.flush();
    if (sim.head().hash !== head.hash) throw new Error('the run after the rewinds differs from the first run');

    const branchAt = Math.round(sim.horizon / 2);
    const branchCpu = process.cpuUsage();
    const branchStart = process.hrtime.bigint();
    const branch = await sim.branch(branchAt, [], { simId: 'rewind-bench-branch' });
    const branchMs = ms(branchStart);
    const branchUsed = process.cpuUsage(branchCpu);
    const branchSeq = branch.head().seq;

    const sorted = [...times].sort((a, b) => a - b);
    const cpuSorted = [...cpuTimes].sort((a, b) => a - b);
    const out = {
      name: 'rewind',
      scenario: scenarioName,
      store: 'sqlite',
      hours: sim.horizon / 3600,
      ledger_events: head.seq,
      engine_events: sim.eventsProcessed,
      run_24h_s: round(runMs) / 1000,
      rewinds,
      seed,
      median_ms: round(median(sorted)),
      p95_ms: round(percentile(sorted, 0.95)),
      max_ms: round(sorted[sorted.length - 1]),
      min_ms: round(sorted[0]),
      rewind_ms: times.map(round),
      // CPU time of the process during each rewind: steadier than wall time on a shared machine.
      cpu_median_ms: round(median(cpuSorted)),
      cpu_p95_ms: round(percentile(cpuSorted, 0.95)),
      cpu_max_ms: round(cpuSorted[cpuSorted.length - 1]),
      instants_s: instants,
      branch_at_s: branchAt,
      branch_ms: round(branchMs),
      branch_cpu_ms: round((branchUsed.user + branchUsed.system) / 1000),
      branch_fork_seq: branchSeq,
      target_ms: TARGET_MS,
      meets_target_p95_wall: percentile(sorted, 0.95) <= TARGET_MS,
      meets_target_p95_cpu: percentile(cpuSorted, 0.95) <= TARGET_MS,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
