/**
 * City benchmark: runs the swap examples for their 24 h through a real Simulation with every ledger event stored
 * (SQLite by default) and prints one JSON object per scenario:
 *   {scenario, stations, store, wall_s, cpu_s, build_s, run_s, flush_s, engine_events, ledger_events, events_per_s, ...}
 * wall_s covers building the city, the run and making the ledger durable.
 *
 * Run: npx tsx --conditions=@doppel/source packages/packs/swap/bench/city.ts [--store sqlite|sqlite-inline|memory|none]
 *      [--scenarios city-100,city-1000] [--seed N]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile, MemoryLedgerStore, Simulation, type LedgerStore } from '@doppel/twin';
import { SqliteLedgerStore, ThreadedSqliteLedgerStore } from '@doppel/store-sqlite';
import { swapPack } from '../src/index.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const storeKind = flag('store') ?? 'sqlite';
if (!['sqlite', 'sqlite-inline', 'memory', 'none'].includes(storeKind)) {
  process.stderr.write(`city bench: --store must be sqlite, sqlite-inline, memory or none, got ${storeKind}\n`);
  process.exit(2);
}
const scenarios = (flag('scenarios') ?? 'city-100,city-1000').split(',');
const seed = flag('seed') !== undefined ? Number(flag('seed')) : undefined;
const examples = join(dirname(fileURLToPath(import.meta.url)), '../../../../examples/swap');

async function runOne(name: string): Promise<void> {
  const scenario = loadScenarioFile(join(examples, `${name}.yaml`), {
    packs: [swapPack],
    ...(seed !== undefined ? { seed } : {}),
  });
  const dir = mkdtempSync(join(tmpdir(), 'doppel-swap-bench-'));
  const dbPath = join(dir, 'ledger.db');
  let store: LedgerStore | null = null;
  // sqlite: the store on its own thread, as the CLI and the server run it; sqlite-inline: on the simulation's thread.
  if (storeKind === 'sqlite') store = ThreadedSqliteLedgerStore.open(dbPath);
  else if (storeKind === 'sqlite-inline') store = SqliteLedgerStore.open(dbPath);
  else if (storeKind === 'memory') store = new MemoryLedgerStore();
  try {
    // Opening the file (and starting the store thread) is not part of the run.
    await store?.listSimulations();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const sim = await Simulation.create({ scenario, packs: [swapPack], store });
    const t1 = performance.now();
    sim.runToEnd();
    const t2 = performance.now();
    await sim.flush();
    const t3 = performance.now();
    const cpu = process.cpuUsage(c0);
    const summary = sim.summary();
    const wall = (t3 - t0) / 1000;
    const out = {
      scenario: name,
      stations: sim.assets('station').length,
      store: storeKind,
      wall_s: round(wall),
      // CPU time of this process (all threads): a steadier figure than wall time on a shared machine.
      cpu_s: round((cpu.user + cpu.system) / 1e6),
      build_s: round((t1 - t0) / 1000),
      run_s: round((t2 - t1) / 1000),
      flush_s: round((t3 - t2) / 1000),
      engine_events: summary.events,
      ledger_events: summary.ledger_events,
      events_per_s: Math.round(summary.ledger_events / wall),
      swaps: summary.kpis.swaps,
      ledger_sha256: summary.ledger_sha256,
      db_bytes: storeKind.startsWith('sqlite') ? fileBytes(dbPath) : null,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function fileBytes(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(path + suffix).size;
    } catch {
      // no WAL file left after a checkpoint
    }
  }
  return total;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

for (const name of scenarios) await runOne(name);
