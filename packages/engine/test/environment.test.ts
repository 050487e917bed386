import { describe, expect, it } from 'vitest';
import { EmptySchedule, Environment, URGENT, type Event } from '../src/index.js';
import { codeOf, makeEnv } from './helpers.js';

describe('environment construction', () => {
  it('requires a valid seed', () => {
    expect(codeOf(() => new Environment({} as { seed: number }))).toBe('DOPPEL_ERR_SEED_REQUIRED');
    expect(codeOf(() => new Environment(undefined as unknown as { seed: number }))).toBe('DOPPEL_ERR_SEED_REQUIRED');
    expect(codeOf(() => new Environment({ seed: Number.NaN }))).toBe('DOPPEL_ERR_SEED_REQUIRED');
    expect(codeOf(() => new Environment({ seed: 1.5 }))).toBe('DOPPEL_ERR_SEED_REQUIRED');
    expect(codeOf(() => new Environment({ seed: '' }))).toBe('DOPPEL_ERR_SEED_REQUIRED');
    expect(new Environment({ seed: 7n }).seed).toBe(7n);
    expect(new Environment({ seed: 'run-1' }).seed).toBe('run-1');
  });

  it('starts at initialTime and rejects non-finite times', () => {
    expect(new Environment({ seed: 1, initialTime: 100 }).now).toBe(100);
    expect(codeOf(() => new Environment({ seed: 1, initialTime: Infinity }))).toBe('DOPPEL_ERR_INVALID_TIME');
    expect(codeOf(() => new Environment({ seed: 1, rng: 'mt' as 'sfc32' }))).toBe('DOPPEL_ERR_INVALID_OPTION');
  });

  it('hands out cached named RNG streams', () => {
    const env = makeEnv();
    expect(env.rng('a')).toBe(env.rng('a'));
    expect(env.rng('a')).not.toBe(env.rng('b'));
    const other = makeEnv();
    expect(other.rng('a').random()).toBe(env.rng('a').random());
  });
});

describe('step and peek', () => {
  it('peek gives the next event time, Infinity when empty; step processes one event', () => {
    const env = makeEnv();
    expect(env.peek()).toBe(Infinity);
    env.timeout(3);
    env.timeout(1);
    expect(env.peek()).toBe(1);
    env.step();
    expect(env.now).toBe(1);
    expect(env.eventsProcessed).toBe(1);
    expect(env.peek()).toBe(3);
    env.step();
    expect(env.now).toBe(3);
    expect(env.queueSize).toBe(0);
  });

  it('step on an empty schedule throws EmptySchedule', () => {
    const env = makeEnv();
    let error: unknown;
    try {
      env.step();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EmptySchedule);
    expect((error as EmptySchedule).code).toBe('DOPPEL_ERR_EMPTY_SCHEDULE');
  });

  it('lists scheduled events in queue order', () => {
    const env = makeEnv();
    const a = env.timeout(2);
    const b = env.event();
    env.schedule(b, URGENT, 2);
    expect(env.scheduled().map((s) => [s.time, s.priority, s.event])).toEqual([
      [2, 0, b],
      [2, 1, a],
    ]);
  });
});

describe('run(until)', () => {
  it('without until runs until the schedule is empty', () => {
    const env = makeEnv();
    env.timeout(5);
    expect(env.run()).toBeUndefined();
    expect(env.now).toBe(5);
  });

  it('until a number: events at exactly until are not processed and now becomes until', () => {
    const env = makeEnv();
    const at5 = env.timeout(5);
    const at4 = env.timeout(4);
    env.run({ until: 5 });
    expect(env.now).toBe(5);
    expect(at4.processed).toBe(true);
    expect(at5.processed).toBe(false);
    env.run({ until: 6 });
    expect(at5.processed).toBe(true);
    expect(env.now).toBe(6);
  });

  it('URGENT events scheduled at until before the run are processed, later ones are not', () => {
    const env = makeEnv();
    const before = env.event();
    env.schedule(before, URGENT, 5);
    let after: Event | null = null;
    env.process(function* () {
      yield env.timeout(1);
      after = env.event();
      env.schedule(after, URGENT, 4);
    });
    env.run({ until: 5 });
    expect(before.processed).toBe(true);
    expect(after!.processed).toBe(false);
  });

  it('until a number advances the clock even when the schedule is empty', () => {
    const env = makeEnv();
    env.run(10);
    expect(env.now).toBe(10);
  });

  it('until in the past (or now) is an error', () => {
    const env = makeEnv(5);
    expect(codeOf(() => env.run({ until: 4 }))).toBe('DOPPEL_ERR_UNTIL_IN_PAST');
    expect(codeOf(() => env.run({ until: 5 }))).toBe('DOPPEL_ERR_UNTIL_IN_PAST');
    expect(codeOf(() => env.advance({ until: 4 }))).toBe('DOPPEL_ERR_UNTIL_IN_PAST');
    expect(env.advance({ until: 5 })).toBe('until');
  });

  it('until an event returns its value', () => {
    const env = makeEnv();
    const p = env.process(function* () {
      yield env.timeout(3);
      return 'result';
    });
    const later = env.timeout(10);
    expect(env.run({ until: p })).toBe('result');
    expect(env.now).toBe(3);
    expect(later.processed).toBe(false);
    expect(env.run(p)).toBe('result');
  });

  it('until an event throws its error if it failed', () => {
    const env = makeEnv();
    const boom = new Error('boom');
    const p = env.process(function* () {
      yield env.timeout(1);
      throw boom;
    });
    expect(() => env.run({ until: p })).toThrow(boom);
  });

  it('until an event that never fires is an error when the schedule empties', () => {
    const env = makeEnv();
    env.timeout(1);
    expect(codeOf(() => env.run({ until: env.event() }))).toBe('DOPPEL_ERR_UNTIL_NOT_TRIGGERED');
    expect(env.advance({ until: env.event() })).toBe('empty');
  });
});

describe('advance, maxEvents, stopWhen, observe', () => {
  it('maxEvents steps n events and can resume', () => {
    const env = makeEnv();
    for (let i = 1; i <= 5; i++) env.timeout(i);
    expect(env.advance({ maxEvents: 2 })).toBe('maxEvents');
    expect(env.now).toBe(2);
    expect(env.eventsProcessed).toBe(2);
    expect(env.advance({ maxEvents: 0 })).toBe('maxEvents');
    expect(env.advance({ maxEvents: 10 })).toBe('empty');
    expect(env.eventsProcessed).toBe(5);
  });

  it('stopWhen stops right after the event that made it true', () => {
    const env = makeEnv();
    let count = 0;
    env.process(function* () {
      for (;;) {
        yield env.timeout(1);
        count++;
      }
    });
    expect(env.advance({ stopWhen: () => count === 3 })).toBe('stopWhen');
    expect(env.now).toBe(3);
    expect(count).toBe(3);
    expect(env.advance({ until: 10, stopWhen: () => count === 100 })).toBe('until');
    expect(env.now).toBe(10);
    expect(count).toBe(9);
  });

  it('an advance interrupted by maxEvents leaves no stale stop behind', () => {
    const env = makeEnv();
    for (let i = 1; i <= 10; i++) env.timeout(i);
    const target = env.timeout(4);
    expect(env.advance({ until: 8, maxEvents: 2 })).toBe('maxEvents');
    expect(env.advance({ until: target, maxEvents: 1 })).toBe('maxEvents');
    expect(env.advance({})).toBe('empty');
    expect(env.now).toBe(10);
    expect(env.eventsProcessed).toBe(11);
  });

  it('advance until an event reports event', () => {
    const env = makeEnv();
    const t = env.timeout(2);
    env.timeout(3);
    expect(env.advance({ until: t })).toBe('event');
    expect(env.now).toBe(2);
    expect(env.advance({ until: t })).toBe('event');
  });

  it('observers see every processed event, and can be removed', () => {
    const env = makeEnv();
    const seen: [number, string][] = [];
    const stop = env.observe((e) => seen.push([env.now, String(e)]));
    env.process(function* () {
      yield env.timeout(1);
    }, 'p');
    env.step();
    env.step();
    stop();
    env.run();
    expect(seen).toEqual([
      [0, 'Initialize()'],
      [1, 'Timeout(1)'],
    ]);
    expect(env.eventsProcessed).toBe(3);
  });

  it('observers see a failed event before its error stops the run', () => {
    const env = makeEnv();
    const seen: boolean[] = [];
    env.observe((e) => seen.push(e.ok));
    env.event().fail(new Error('x'));
    expect(() => env.run()).toThrow('x');
    expect(seen).toEqual([false]);
  });
});
