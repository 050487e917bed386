import { CommanderError, type Command } from 'commander';
import { BenchUsageError, models, runBench, type BenchRng } from '@doppel/bench';

/** Registers `doppel bench <model> [--param value ...] [--rng sfc32|default] [--seed N]`. */
export function register(program: Command): void {
  program
    .command('bench')
    .description(`Run a benchmark model and print one JSON result (models: ${Object.keys(models).sort().join(', ')})`)
    .argument('<model>', 'benchmark model')
    .argument('[params...]', 'model parameters as --name value')
    .option('--seed <n>', 'seed', '1')
    .option('--rng <name>', 'random generator: default or sfc32', 'default')
    .allowUnknownOption()
    .helpOption('-h, --help', 'show models and their parameters')
    .addHelpText('after', () => `\n${describeModels()}`)
    .action((model: string, params: string[], opts: { seed: string; rng: string }) => {
      try {
        const result = runBench({
          model,
          params: parseParams(params),
          seed: parseSeed(opts.seed),
          rng: parseRng(opts.rng),
        });
        process.stdout.write(`${JSON.stringify(result)}\n`);
      } catch (error) {
        if (error instanceof BenchUsageError || error instanceof RangeError) {
          process.stderr.write(`doppel bench: ${error.message}\n`);
          throw new CommanderError(2, 'doppel.bench.usage', error.message);
        }
        throw error;
      }
    });
}

function describeModels(): string {
  const lines = ['Models and their default parameters:'];
  for (const name of Object.keys(models).sort()) {
    const m = models[name];
    const params = Object.entries(m.params)
      .map(([k, v]) => `--${k} ${v}`)
      .join(' ');
    lines.push(`  ${name.padEnd(10)} ${params}   ${m.description}`);
  }
  return lines.join('\n');
}

function parseParams(tokens: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token.startsWith('--'))
      throw new BenchUsageError(`unexpected argument "${token}" (parameters are --name value)`);
    let name = token.slice(2);
    let raw: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      raw = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else {
      raw = tokens[++i];
    }
    if (raw === undefined) throw new BenchUsageError(`parameter --${name} needs a value`);
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) {
      throw new BenchUsageError(`parameter --${name} must be a number, got "${raw}"`);
    }
    out[name] = value;
  }
  return out;
}

function parseSeed(raw: string): number {
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new BenchUsageError(`--seed must be an integer, got "${raw}"`);
  return seed;
}

function parseRng(raw: string): BenchRng {
  if (raw !== 'default' && raw !== 'sfc32') throw new BenchUsageError(`--rng must be sfc32 or default, got "${raw}"`);
  return raw;
}
