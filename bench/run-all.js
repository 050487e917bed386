#!/usr/bin/env node
// Runs every registered benchmark model at its representative size through the built CLI (one fresh process per
// run, so JIT state never leaks between models) and prints a JSON array of the results.
// Usage: npm run bench [-- --models mmc,timeouts] [--seed N] [--rng sfc32|default]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'apps/cli/bin/doppel.js');
const benchDist = join(root, 'bench/dist/index.js');

if (!existsSync(benchDist) || !existsSync(join(root, 'apps/cli/dist/main.js'))) {
  process.stderr.write('run-all: build first (npx tsc -b)\n');
  process.exit(2);
}

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const { models } = await import(benchDist);
const selected = flag('models')?.split(',') ?? Object.keys(models).sort();
const seed = flag('seed') ?? '1';
const rng = flag('rng') ?? 'sfc32';

const results = [];
let failed = false;
for (const name of selected) {
  const model = models[name];
  if (model === undefined) {
    process.stderr.write(`run-all: unknown model ${name}; valid: ${Object.keys(models).sort().join(', ')}\n`);
    process.exit(2);
  }
  const params = { ...model.params, ...(model.representative ?? {}) };
  const argv = [
    cli,
    'bench',
    name,
    ...Object.entries(params).flatMap(([k, v]) => [`--${k}`, String(v)]),
    '--seed',
    seed,
    '--rng',
    rng,
  ];
  process.stderr.write(`run-all: ${argv.slice(1).join(' ')}\n`);
  const run = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) {
    failed = true;
    results.push({ model: name, params, error: (run.stderr || `exit ${run.status}`).trim() });
    continue;
  }
  results.push(JSON.parse(run.stdout.trim().split('\n').pop()));
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exitCode = failed ? 1 : 0;
