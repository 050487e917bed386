// Stream construction: from a bare integer seed (the benchmark convention) or from (run seed, stream name), where each
// name gets its own independent generator state so adding or removing a stream never shifts another stream's draws.
import { RngError } from './errors.js';
import { Sfc32Stream, Xoshiro128Stream } from './generators.js';
import { expandKey, fnv1a64, mix64, toUint64 } from './hash.js';
import type { RandomStream, RngAlgorithm } from './stream.js';

export type RunSeed = number | bigint | string;

function checkAlgorithm(algorithm: unknown): RngAlgorithm {
  if (algorithm === 'sfc32' || algorithm === 'default') return algorithm;
  throw new RngError(
    'DOPPEL_ERR_UNKNOWN_RNG_ALGORITHM',
    'algorithm',
    algorithm,
    `unknown RNG algorithm ${String(algorithm)} (expected 'sfc32' or 'default')`,
  );
}

function checkIntegerSeed(seed: unknown): number {
  if (seed === undefined || seed === null) {
    throw new RngError('DOPPEL_ERR_SEED_REQUIRED', 'seed', seed, 'a seed is required (an integer)');
  }
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new RngError('DOPPEL_ERR_INVALID_SEED', 'seed', seed, `seed must be a safe integer, got ${String(seed)}`);
  }
  return seed;
}

function runSeedKey(runSeed: unknown): bigint {
  if (runSeed === undefined || runSeed === null) {
    throw new RngError('DOPPEL_ERR_SEED_REQUIRED', 'seed', runSeed, 'a run seed is required');
  }
  if (typeof runSeed === 'bigint') return toUint64(runSeed);
  if (typeof runSeed === 'string' && runSeed.length > 0) return fnv1a64(runSeed);
  if (typeof runSeed === 'number' && Number.isSafeInteger(runSeed)) return toUint64(BigInt(runSeed));
  throw new RngError(
    'DOPPEL_ERR_INVALID_SEED',
    'seed',
    runSeed,
    `run seed must be a safe integer, a bigint or a non-empty string, got ${String(runSeed)}`,
  );
}

/**
 * A stream for a bare integer seed. For 'sfc32' this is exactly the benchmark specification's stream for seed s
 * (a, b, c fixed, d = s mod 2^32); for 'default' the seed is expanded to 128 bits of xoshiro state by SplitMix64.
 */
export function createStream(algorithm: RngAlgorithm, seed: number, name?: string): RandomStream {
  const algo = checkAlgorithm(algorithm);
  const s = checkIntegerSeed(seed);
  const streamName = name ?? `seed:${s}`;
  if (algo === 'sfc32') return Sfc32Stream.forSeed(s, streamName);
  const [a, b, c, d] = expandKey(toUint64(BigInt(s)));
  return new Xoshiro128Stream(streamName, a, b, c, d);
}

/** The 64-bit key of stream `name` in run `runSeed`: both parts are hashed and mixed, so nearby seeds and similar
 *  names land far apart. */
export function streamKey(runSeed: RunSeed, name: string): bigint {
  if (typeof name !== 'string' || name.length === 0) {
    throw new RngError('DOPPEL_ERR_INVALID_STREAM_NAME', 'name', name, 'a stream name must be a non-empty string');
  }
  return mix64(mix64(runSeedKey(runSeed)) ^ fnv1a64(name));
}

/** The stream called `name` of a run: its whole state derives from (runSeed, name) only. */
export function createNamedStream(runSeed: RunSeed, name: string, algorithm: RngAlgorithm = 'default'): RandomStream {
  const algo = checkAlgorithm(algorithm);
  const [a, b, c, d] = expandKey(streamKey(runSeed, name));
  return algo === 'sfc32' ? new Sfc32Stream(name, a, b, c, d) : new Xoshiro128Stream(name, a, b, c, d);
}

/** Named streams of one run, created on first use and cached: `streams.get('station/s4/arrivals')`. */
export class RandomStreams {
  readonly runSeed: RunSeed;
  readonly algorithm: RngAlgorithm;
  private readonly byName = new Map<string, RandomStream>();

  constructor(runSeed: RunSeed, algorithm: RngAlgorithm = 'default') {
    runSeedKey(runSeed); // validate eagerly
    this.runSeed = runSeed;
    this.algorithm = checkAlgorithm(algorithm);
  }

  get(name: string): RandomStream {
    let stream = this.byName.get(name);
    if (stream === undefined) {
      stream = createNamedStream(this.runSeed, name, this.algorithm);
      this.byName.set(name, stream);
    }
    return stream;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Names of the streams created so far, sorted (stable for reports and checkpoints). */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}
