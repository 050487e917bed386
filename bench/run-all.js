#!/usr/bin/env node
// Runs every Doppel benchmark, each in a fresh process (so JIT and heap state never leak between them), and prints
// one JSON array of the results on stdout (progress on stderr):
//   - the engine models (bench/src/models) through the built CLI, `node apps/cli/bin/doppel.js bench <model>`:
//     compiled JavaScript, so build first (`npx tsc -b`);
//   - the package benchmarks (SQLite ledger append, swap city, line pack, rewind) through tsx's loader with the
//     `@doppel/source` condition, i.e. straight from the TypeScript sources, like their own READMEs run them.
// Every process runs with the Node flags the doppel command itself uses (NODE_FLAGS).
// Every element carries `bench` (its name here) and `command` (how to run it alone).
//
// Usage: npm run bench [-- --only models,append,city,line,fleet,process,rewind,rules,fmi,hil,mqtt,controlplane,dataset,lab] [--repeat N] [--seed N]
//   --repeat N  runs each engine model N times and keeps the run with the median wall_s (default 1; 3 for RESULTS.md)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The young generation the doppel command and the server's simulation workers run with (see apps/cli/bin/doppel.js).
const NODE_FLAGS = ['--max-semi-space-size=64'];
const cli = join(root, 'apps/cli/bin/doppel.js');

if (!existsSync(join(root, 'bench/dist/index.js')) || !existsSync(join(root, 'apps/cli/dist/main.js'))) {
  process.stderr.write('run-all: build first (npx tsc -b)\n');
  process.exit(2);
}

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = flag('only')?.split(',') ?? [
  'models',
  'append',
  'city',
  'line',
  'fleet',
  'process',
  'rewind',
  'rules',
  'fmi',
  'hil',
  'mqtt',
  'controlplane',
  'dataset',
  'lab',
];
const repeat = Number(flag('repeat') ?? '1');
const seed = flag('seed') ?? '1';

/** The public check value of the mmc model (shared benchmark README): exact with --rng sfc32. */
const MMC_CHECK = { customers: 4791, mean_wait: 1.0587206527699284 };

const model = (bench, name, params) => ({
  group: 'models',
  bench,
  argv: [cli, 'bench', name, ...Object.entries(params).flatMap(([k, v]) => [`--${k}`, String(v)])],
  extra: ['--seed', seed, '--rng', 'sfc32'],
  repeatable: true,
});
const script = (group, bench, path, scriptArgs = []) => ({
  group,
  bench,
  argv: ['--import', 'tsx', '--conditions=@doppel/source', join(root, path), ...scriptArgs],
  extra: [],
  repeatable: false,
});

const benches = [
  model('timeouts', 'timeouts', { n: 2_000_000, procs: 1000 }),
  model('mmc', 'mmc', { lam: 2.4, mu: 1, c: 3, until: 100_000, warmup: 0 }),
  { ...model('mmc-check', 'mmc', { lam: 2.4, mu: 1, c: 3, until: 2000 }), extra: ['--seed', '1', '--rng', 'sfc32'] },
  model('line', 'line', { hours: 8, lines: 10 }),
  model('swap-10', 'swap', { stations: 10, until: 1440 }),
  model('swap-100', 'swap', { stations: 100, until: 1440 }),
  model('swap-1000', 'swap', { stations: 1000, until: 1440 }),
  script('append', 'ledger-append', 'packages/store-sqlite/bench/append.ts', ['1000000', '1000', '4096']),
  script('append', 'ledger-append-threaded', 'packages/store-sqlite/bench/append.ts', [
    '1000000',
    '1000',
    '4096',
    '--threaded',
  ]),
  // The PostgreSQL ledger store (DOPPEL_BENCH_POSTGRES_URL, default the machine's postgres://…/test).
  script('append', 'ledger-append-postgres', 'packages/store-postgres/bench/append.ts', ['300000', '1000', '4096']),
  script('city', 'swap-city', 'packages/packs/swap/bench/city.ts', [
    '--store',
    'sqlite',
    '--scenarios',
    'city-100,city-1000',
  ]),
  script('city', 'swap-city-inline', 'packages/packs/swap/bench/city.ts', [
    '--store',
    'sqlite-inline',
    '--scenarios',
    'city-1000',
  ]),
  script('line', 'line-pack', 'packages/packs/line/bench/line.ts', ['--runs', '3']),
  script('fleet', 'fleet-pack', 'packages/packs/fleet/bench/fleet.ts', ['--runs', '3']),
  // 600 s of a 100-component plant at a 10 ms step; median of 5 (the figure to compare is realtime_ratio_cpu).
  script('process', 'process-pack', 'packages/packs/process/bench/process.ts', ['--runs', '5', '--duration', '600']),
  script('rewind', 'rewind', 'bench/src/rewind.ts', ['--scenario', 'city-100', '--rewinds', '10', '--seed', seed]),
  script('rules', 'verify-rules', 'packages/verify/bench/rules.ts', ['--pairs', '5']),
  script('controlplane', 'controlplane-24h', 'packages/packs/controlplane/bench/controlplane.ts', ['--runs', '3']),
  script('fmi', 'fmu-cosim', 'packages/bridges/fmi/bench/cosim.ts', ['--steps', '50000']),
  script('hil', 'hil-loop', 'packages/bridges/hil/bench/hil.ts', ['--seconds', '10']),
  script('mqtt', 'mqtt-ingest', 'packages/bridges/mqtt/bench/ingest.ts', ['--seconds', '10']),
  // 1,000 Twin API vehicles at 10 Hz into doppel serve --mqtt-url: the fleet mirror's sync latency p99 (target 20 ms).
  script('mqtt', 'fleet-live-sync', 'apps/server/bench/fleet-live-sync.ts', ['--vehicles', '1000', '--seconds', '10']),
  // Compiled code (no source condition): its worker threads load what the doppel command's load.
  {
    group: 'dataset',
    bench: 'dataset-1000-episodes',
    argv: ['--import', 'tsx', join(root, 'packages/lab/bench/dataset.ts'), '50'],
    extra: [],
    repeatable: false,
  },
];

// The lab's scale-out (worker threads, `doppel worker` processes through Redis at DOPPEL_BENCH_REDIS_URL, default
// the machine's) and its scheduling overhead per job: 8 M/M/c replications until 20,000 each; needs the built CLI.
benches.push(script('lab', 'lab-scale', 'packages/lab/bench/scale.ts', ['8', '20000']));

const display = (argv) =>
  ['node', ...NODE_FLAGS, ...argv]
    .map((a) => (a === cli ? 'apps/cli/bin/doppel.js' : a.startsWith(root) ? relative(root, a) : a))
    .join(' ');

/** Runs one process; returns the JSON objects it printed (one per stdout line) or an error. */
function runOnce(argv) {
  const run = spawnSync(process.execPath, [...NODE_FLAGS, ...argv], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) return { error: (run.stderr || `exit ${run.status}`).trim().split('\n').slice(-5).join('\n') };
  const lines = run.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'));
  return { outputs: lines.map((line) => JSON.parse(line)) };
}

const results = [];
let failed = false;
const started = Date.now();
for (const bench of benches) {
  if (!only.includes(bench.group)) continue;
  const argv = [...bench.argv, ...bench.extra];
  const command = display(argv);
  const runs = bench.repeatable ? Math.max(1, repeat) : 1;
  process.stderr.write(`run-all: ${command}${runs > 1 ? ` (x${runs})` : ''}\n`);
  const attempts = [];
  let error = null;
  for (let i = 0; i < runs && error === null; i++) {
    const result = runOnce(argv);
    if (result.error !== undefined) error = result.error;
    else attempts.push(result.outputs);
  }
  if (error !== null) {
    failed = true;
    results.push({ bench: bench.bench, command, error });
    continue;
  }
  // Median run by wall time (single-output benchmarks only: the models).
  attempts.sort((a, b) => (a[0].wall_s ?? 0) - (b[0].wall_s ?? 0));
  const chosen = attempts[Math.floor((attempts.length - 1) / 2)];
  for (const output of chosen) {
    const entry = {
      bench: chosen.length > 1 ? `${bench.bench}:${output.scenario ?? output.name}` : bench.bench,
      command,
    };
    if (runs > 1) entry.runs = runs;
    if (runs > 1) entry.wall_s_all = attempts.map((a) => a[0].wall_s);
    results.push({ ...entry, ...output });
  }
  if (bench.bench === 'mmc-check') {
    const out = chosen[0];
    const ok = out.customers === MMC_CHECK.customers && Math.abs(out.mean_wait - MMC_CHECK.mean_wait) <= 1e-12;
    results[results.length - 1].check = ok ? 'pass' : `FAIL: expected ${JSON.stringify(MMC_CHECK)}`;
    if (!ok) failed = true;
  }
}
process.stderr.write(`run-all: ${results.length} results in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exitCode = failed ? 1 : 0;
