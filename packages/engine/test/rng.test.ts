import { describe, expect, it } from 'vitest';
import {
  RandomStreams,
  Xoshiro128Stream,
  createNamedStream,
  createStream,
  streamKey,
  type RandomStream,
} from '../src/rng/index.js';

function draws(stream: RandomStream, n: number): number[] {
  return Array.from({ length: n }, () => stream.random());
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('sfc32 (benchmark specification)', () => {
  it('yields the pinned first outputs for seed 1', () => {
    expect(draws(createStream('sfc32', 1), 5)).toEqual([
      0.005756610596520884, 0.5873619773257905, 0.9230146373398983, 0.4921440315117651, 0.5257062570664262,
    ]);
  });

  it('yields the pinned first outputs for seed 42 and raw 32-bit words for seed 1', () => {
    expect(draws(createStream('sfc32', 42), 3)).toEqual([
      0.25562830586360064, 0.003144135059501618, 0.9630267416116786,
    ]);
    const s = createStream('sfc32', 1);
    expect([s.nextUint32(), s.nextUint32(), s.nextUint32(), s.nextUint32()]).toEqual([
      24724473, 838574162, 2522700496, 473542192,
    ]);
  });

  it('reduces the seed modulo 2^32 as the specification does (d = s & 0xFFFFFFFF)', () => {
    expect(draws(createStream('sfc32', 2 ** 32 + 5), 4)).toEqual(draws(createStream('sfc32', 5), 4));
    expect(draws(createStream('sfc32', -1), 4)).toEqual(draws(createStream('sfc32', 2 ** 32 - 1), 4));
  });

  it('draws exponential, uniform and bernoulli with one uniform each, by the fixed formulas', () => {
    const a = createStream('sfc32', 9);
    const b = createStream('sfc32', 9);
    const u1 = b.random();
    const u2 = b.random();
    const u3 = b.random();
    expect(a.exponential(2.4)).toBe(-Math.log(1 - u1) / 2.4);
    expect(a.uniform(5, 15)).toBe(5 + 10 * u2);
    expect(a.bernoulli(0.3)).toBe(u3 < 0.3);
    expect(a.random()).toBe(b.random());
  });
});

describe('default generator (xoshiro128**)', () => {
  it('matches the reference implementation for state (1, 2, 3, 4)', () => {
    const x = new Xoshiro128Stream('ref', 1, 2, 3, 4);
    expect(Array.from({ length: 10 }, () => x.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('is pinned for createStream("default", 1)', () => {
    expect(draws(createStream('default', 1), 3)).toEqual([0.3946724931250869, 0.1477500889354657, 0.16688351314326166]);
  });

  it('gives different sequences for neighbouring seeds', () => {
    expect(draws(createStream('default', 1), 3)).not.toEqual(draws(createStream('default', 2), 3));
  });
});

describe('named streams', () => {
  it('are a pure function of (run seed, name, algorithm)', () => {
    expect(draws(createNamedStream(7, 'station/s4/arrivals'), 2)).toEqual([0.796989425437458, 0.2809788866130578]);
    expect(draws(createNamedStream(7, 'station/s4/arrivals', 'sfc32'), 2)).toEqual([
      0.5787477767351188, 0.8368011321924476,
    ]);
    expect(draws(createNamedStream(7n, 'x'), 5)).toEqual(draws(createNamedStream(7, 'x'), 5));
    expect(draws(createNamedStream('run-a', 'x'), 5)).toEqual(draws(createNamedStream('run-a', 'x'), 5));
  });

  it('do not shift when another stream is added or drawn from', () => {
    const lone = new RandomStreams(123);
    const expected = draws(lone.get('a'), 50);

    const crowded = new RandomStreams(123);
    const other = crowded.get('b');
    const interleaved: number[] = [];
    for (let i = 0; i < 50; i++) {
      other.random();
      crowded.get(`extra/${i}`).random();
      interleaved.push(crowded.get('a').random());
    }
    expect(interleaved).toEqual(expected);
  });

  it('differ between names, between run seeds and between similar names', () => {
    const keys = new Set<bigint>();
    for (let run = 0; run < 20; run++) {
      for (let s = 0; s < 50; s++) keys.add(streamKey(run, `station/s${s}/arrivals`));
    }
    expect(keys.size).toBe(1000);
    const a = draws(createNamedStream(1, 'ab'), 4);
    expect(a).not.toEqual(draws(createNamedStream(1, 'ba'), 4));
    expect(a).not.toEqual(draws(createNamedStream(2, 'ab'), 4));
    expect(draws(createNamedStream(1, 'é/日本'), 2)).not.toEqual(draws(createNamedStream(1, 'e/日本'), 2));
  });

  it('are uncorrelated across names (sample correlation near 0)', () => {
    const n = 20000;
    const x = draws(createNamedStream(5, 'a'), n);
    const y = draws(createNamedStream(5, 'b'), n);
    const mean = (v: number[]) => v.reduce((s, z) => s + z, 0) / v.length;
    const mx = mean(x);
    const my = mean(y);
    let cov = 0;
    let vx = 0;
    let vy = 0;
    for (let i = 0; i < n; i++) {
      cov += (x[i] - mx) * (y[i] - my);
      vx += (x[i] - mx) ** 2;
      vy += (y[i] - my) ** 2;
    }
    expect(Math.abs(cov / Math.sqrt(vx * vy))).toBeLessThan(0.03);
  });

  it('registry lists the names it created, sorted', () => {
    const streams = new RandomStreams('seed', 'sfc32');
    streams.get('z');
    streams.get('a');
    expect(streams.names()).toEqual(['a', 'z']);
    expect(streams.has('a')).toBe(true);
    expect(streams.get('a').algorithm).toBe('sfc32');
  });
});

describe('seed validation', () => {
  it('requires a seed', () => {
    expect(codeOf(() => createStream('sfc32', undefined as unknown as number))).toBe('DOPPEL_ERR_SEED_REQUIRED');
    expect(codeOf(() => createNamedStream(null as unknown as number, 'a'))).toBe('DOPPEL_ERR_SEED_REQUIRED');
    expect(codeOf(() => new RandomStreams(undefined as unknown as number))).toBe('DOPPEL_ERR_SEED_REQUIRED');
  });

  it('rejects NaN, fractional, unsafe and non-numeric seeds', () => {
    for (const bad of [NaN, 1.5, Infinity, 2 ** 60, '3' as unknown as number]) {
      expect(codeOf(() => createStream('default', bad))).toBe('DOPPEL_ERR_INVALID_SEED');
    }
    expect(codeOf(() => createNamedStream(0.5, 'a'))).toBe('DOPPEL_ERR_INVALID_SEED');
    expect(codeOf(() => createNamedStream('', 'a'))).toBe('DOPPEL_ERR_INVALID_SEED');
  });

  it('rejects empty stream names and unknown algorithms', () => {
    expect(codeOf(() => createNamedStream(1, ''))).toBe('DOPPEL_ERR_INVALID_STREAM_NAME');
    expect(codeOf(() => createStream('mt19937' as 'default', 1))).toBe('DOPPEL_ERR_UNKNOWN_RNG_ALGORITHM');
  });
});
