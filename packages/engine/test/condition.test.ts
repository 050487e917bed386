import { describe, expect, it } from 'vitest';
import { Condition, ConditionValue, Environment } from '../src/index.js';
import { codeOf, makeEnv } from './helpers.js';

describe('conditions', () => {
  it('allOf waits for all events; the value maps each event to its value', () => {
    const env = makeEnv();
    const a = env.timeout(1, 'a');
    const b = env.timeout(2, 'b');
    const log: unknown[] = [];
    env.process(function* () {
      const v = (yield env.allOf([a, b])) as ConditionValue;
      log.push(env.now, v.get(a), v.get(b), v.size, v.values());
    });
    env.run();
    expect(log).toEqual([2, 'a', 'b', 2, ['a', 'b']]);
  });

  it('anyOf fires on the first event; the value holds only fired events', () => {
    const env = makeEnv();
    const a = env.timeout(1, 'a');
    const b = env.timeout(2, 'b');
    let value: ConditionValue | undefined;
    env.process(function* () {
      value = (yield env.anyOf([a, b])) as ConditionValue;
      expect(env.now).toBe(1);
    });
    env.run();
    expect(value!.has(a)).toBe(true);
    expect(value!.has(b)).toBe(false);
    expect(codeOf(() => value!.get(b))).toBe('DOPPEL_ERR_CONDITION_VALUE_MISSING');
    expect(value!.toArray()).toEqual([[a, 'a']]);
    expect(value!.toMap().get(a)).toBe('a');
    expect([...value!]).toEqual([[a, 'a']]);
  });

  it('events processed at the same time are all in an anyOf value', () => {
    const env = makeEnv();
    const a = env.timeout(1, 'a');
    const b = env.timeout(1, 'b');
    const cond = env.anyOf([a, b]);
    env.run();
    expect(cond.value.events()).toEqual([a, b]);
  });

  it('and/or build nested conditions whose values flatten', () => {
    const env = makeEnv();
    const a = env.timeout(1, 'a');
    const b = env.timeout(2, 'b');
    const c = env.timeout(5, 'c');
    const cond = a.and(b).or(c);
    env.run({ until: 3 });
    expect(cond.processed).toBe(true);
    expect(cond.value.events()).toEqual([a, b]);
    expect(cond).toBeInstanceOf(Condition);

    const env2 = makeEnv();
    const x = env2.timeout(1, 'x');
    const y = env2.timeout(4, 'y');
    const z = env2.timeout(2, 'z');
    const nested = x.and(y).or(z);
    env2.run();
    expect(nested.value.toArray()).toEqual([
      [x, 'x'],
      [z, 'z'],
    ]);
  });

  it('a condition over already processed events fires at once', () => {
    const env = makeEnv();
    const a = env.timeout(1, 1);
    env.run();
    const cond = env.allOf([a]);
    expect(cond.triggered).toBe(true);
    env.run();
    expect(cond.value.get(a)).toBe(1);
  });

  it('an empty condition succeeds immediately with an empty value', () => {
    const env = makeEnv();
    const all = env.allOf([]);
    const any = env.anyOf([]);
    env.run();
    expect(all.value.size).toBe(0);
    expect(any.value.size).toBe(0);
  });

  it('fails as soon as one event fails, and that failure counts as handled', () => {
    const env = makeEnv();
    const bad = env.event();
    const slow = env.timeout(10);
    let caught: unknown;
    env.process(function* () {
      try {
        yield env.allOf([slow, bad]);
      } catch (error) {
        caught = [(error as Error).message, env.now];
      }
    });
    env.process(function* () {
      yield env.timeout(1);
      bad.fail(new Error('bad'));
    });
    env.run();
    expect(caught).toEqual(['bad', 1]);
    expect(bad.defused).toBe(true);
  });

  it('a timeout race: anyOf(request-like event, timeout) lets the caller tell which fired', () => {
    const env = makeEnv();
    const slow = env.event<string>();
    const result: string[] = [];
    env.process(function* () {
      const patience = env.timeout(5);
      const v = (yield slow.or(patience)) as ConditionValue;
      result.push(v.has(slow) ? 'served' : `gave up@${env.now}`);
    });
    env.run();
    expect(result).toEqual(['gave up@5']);
  });

  it('refuses events of another environment', () => {
    const env = makeEnv();
    const other = new Environment({ seed: 2 });
    expect(codeOf(() => env.allOf([env.event(), other.event()]))).toBe('DOPPEL_ERR_FOREIGN_EVENT');
  });
});
