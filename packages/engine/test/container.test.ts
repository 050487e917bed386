import { describe, expect, it } from 'vitest';
import { Container, type ProcessGenerator } from '../src/index.js';
import { codeOf, makeEnv } from './helpers.js';

describe('Container', () => {
  it('starts at init and tracks level through puts and gets', () => {
    const env = makeEnv();
    const tank = new Container(env, { capacity: 100, init: 40 });
    expect(tank.level).toBe(40);
    tank.put(10);
    const got = tank.get(30);
    env.run();
    expect(got.value).toBe(30);
    expect(tank.level).toBe(20);
    expect(new Container(env).capacity).toBe(Infinity);
  });

  it('a put blocks at capacity until a get makes room', () => {
    const env = makeEnv();
    const tank = new Container(env, { capacity: 10, init: 8 });
    const log: string[] = [];
    env.process(function* () {
      yield tank.put(5);
      log.push(`put done at ${env.now}, level ${tank.level}`);
    });
    env.process(function* () {
      yield env.timeout(4);
      yield tank.get(3);
      log.push(`get done at ${env.now}`);
    });
    env.run();
    expect(log).toEqual(['get done at 4', 'put done at 4, level 10']);
  });

  it('a get blocks while the level is too low; gets are served FIFO (the head blocks the rest)', () => {
    const env = makeEnv();
    const tank = new Container(env, { capacity: 50 });
    const served: string[] = [];
    function* taker(name: string, amount: number): ProcessGenerator<void> {
      yield tank.get(amount);
      served.push(`${name}@${env.now}`);
    }
    env.process(taker('big', 10));
    env.process(taker('small', 1));
    env.process(function* () {
      yield env.timeout(1);
      yield tank.put(5); // not enough for the head: the small get behind it waits too (SimPy)
      yield env.timeout(1);
      yield tank.put(6);
    });
    env.run();
    expect(served).toEqual(['big@2', 'small@2']);
    expect(tank.level).toBe(0);
  });

  it('cancel() withdraws a waiting get or put; the ones behind it wait for the next trigger (SimPy)', () => {
    const env = makeEnv();
    const tank = new Container(env, { capacity: 10, init: 2 });
    const big = tank.get(5);
    const small = tank.get(1); // level 2 would do, but the get trigger stops at the blocked head
    expect(tank.getQueue).toEqual([big, small]);
    big.cancel();
    env.run();
    expect(big.triggered).toBe(false);
    expect(small.triggered).toBe(false); // SimPy's cancel only leaves the line
    tank.put(1); // its processing triggers the get line: small is served
    env.run();
    expect(small.triggered).toBe(true);
    expect(tank.level).toBe(2);
    const full = new Container(env, { capacity: 4, init: 4 });
    const blockedPut = full.put(2);
    expect(full.putQueue).toEqual([blockedPut]);
    blockedPut.cancel();
    expect(full.putQueue).toEqual([]);
    full.get(2);
    env.run();
    expect(full.level).toBe(2);
  });

  it('validates amounts, capacity and init', () => {
    const env = makeEnv();
    const tank = new Container(env, { capacity: 10 });
    for (const bad of [0, -1, NaN, Infinity]) {
      expect(codeOf(() => tank.put(bad))).toBe('DOPPEL_ERR_INVALID_AMOUNT');
      expect(codeOf(() => tank.get(bad))).toBe('DOPPEL_ERR_INVALID_AMOUNT');
    }
    expect(codeOf(() => tank.put(11))).toBe('DOPPEL_ERR_AMOUNT_EXCEEDS_CAPACITY');
    expect(codeOf(() => tank.get(10.5))).toBe('DOPPEL_ERR_AMOUNT_EXCEEDS_CAPACITY');
    expect(codeOf(() => new Container(env, { capacity: 0 }))).toBe('DOPPEL_ERR_INVALID_CAPACITY');
    expect(codeOf(() => new Container(env, { capacity: NaN }))).toBe('DOPPEL_ERR_INVALID_CAPACITY');
    expect(codeOf(() => new Container(env, { capacity: 5, init: 6 }))).toBe('DOPPEL_ERR_INVALID_INIT');
    expect(codeOf(() => new Container(env, { init: -1 }))).toBe('DOPPEL_ERR_INVALID_INIT');
  });

  it('accepts fractional quantities (a continuous container)', () => {
    const env = makeEnv();
    const battery = new Container(env, { capacity: 2.5, init: 0.5 });
    battery.put(1.25);
    battery.get(0.75);
    env.run();
    expect(battery.level).toBeCloseTo(1, 12);
  });
});
