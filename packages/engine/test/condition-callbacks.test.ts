import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConditionValue, type Event } from '../src/index.js';
import { makeEnv } from './helpers.js';

// Processes and conditions wait on events as listener objects and a condition keeps its first waiting process
// beside its build step; these tests pin that the observable callback order and values are SimPy's.
describe('condition callbacks and values', () => {
  it('a waiting process sees the built value before callbacks added after it, which see it too', () => {
    const env = makeEnv();
    const a = env.timeout(1, 'a');
    const b = env.timeout(2, 'b');
    const cond = a.or(b);
    const order: string[] = [];
    env.process(function* () {
      const v = (yield cond) as ConditionValue;
      order.push(`process:${v.events().length}`);
    });
    env.step(); // the process starts and waits on cond
    cond.addCallback((e) => order.push(`added:${(e.value as ConditionValue).size}`));
    cond.callbacks!.push(() => order.push('pushed'));
    expect(cond.callbacks).toHaveLength(4); // build step, process, added, pushed
    env.run();
    expect(order).toEqual(['process:1', 'added:1', 'pushed']);
  });

  it('a callback added before the process waits runs first', () => {
    const env = makeEnv();
    const cond = env.timeout(1).and(env.timeout(1));
    const order: string[] = [];
    cond.addCallback(() => order.push('callback'));
    env.process(function* () {
      yield cond;
      order.push('process');
    });
    env.run();
    expect(order).toEqual(['callback', 'process']);
  });

  it('two processes waiting on one condition resume in the order they waited', () => {
    const env = makeEnv();
    const cond = env.anyOf([env.timeout(3), env.timeout(5)]);
    const order: string[] = [];
    for (const name of ['p1', 'p2', 'p3']) {
      env.process(function* () {
        yield cond;
        order.push(`${name}@${env.now}`);
      });
    }
    env.run();
    expect(order).toEqual(['p1@3', 'p2@3', 'p3@3']);
  });

  it('interrupting a process that waits on a condition detaches it from the condition', () => {
    const env = makeEnv();
    const cond = env.timeout(5).or(env.timeout(6));
    const log: string[] = [];
    const victim = env.process(function* () {
      try {
        yield cond;
        log.push('resumed by condition');
      } catch {
        log.push(`interrupted@${env.now}`);
        yield env.timeout(10);
        log.push(`done@${env.now}`);
      }
    });
    env.process(function* () {
      yield env.timeout(1);
      victim.interrupt();
    });
    env.run();
    expect(log).toEqual(['interrupted@1', 'done@11']);
    expect(cond.processed).toBe(true);
  });

  it('removeCallback on a condition leaves its value intact', () => {
    const env = makeEnv();
    const a = env.timeout(1, 'a');
    const cond = a.or(env.timeout(2));
    const cb = (): void => {};
    cond.addCallback(cb);
    expect(cond.removeCallback(cb)).toBe(true);
    env.run();
    expect(cond.value.toArray()).toEqual([[a, 'a']]);
  });

  it('members that have not fired no longer hold the condition once it is processed', () => {
    const env = makeEnv();
    const fast = env.timeout(1);
    const slow = env.timeout(9);
    const user = env.timeout(9);
    user.addCallback(() => {});
    const cond = fast.or(slow).or(user);
    env.run({ until: 2 });
    expect(cond.processed).toBe(true);
    expect(slow.callbacks).toEqual([]);
    expect(user.callbacks).toHaveLength(1);
  });

  it('an event listed twice appears twice in the value', () => {
    const env = makeEnv();
    const a = env.timeout(1, 'a');
    const cond = env.allOf([a, a]);
    env.run();
    expect(cond.value.values()).toEqual(['a', 'a']);
  });

  it('values of wide conditions (list instead of mask) list the processed members in order', () => {
    const env = makeEnv();
    const members = Array.from({ length: 40 }, (_, i) => env.timeout(i % 3, i));
    const cond = env.anyOf(members);
    env.run();
    // Processed when the condition was processed (at t = 0): the delay-0 members, which ran before it.
    expect(cond.value.values()).toEqual(members.filter((_, i) => i % 3 === 0).map((_, k) => 3 * k));
  });

  it('matches a model of SimPy values for any processing pattern (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 36 }),
        fc.boolean(),
        (delays, all) => {
          const env = makeEnv();
          const members = delays.map((d, i) => env.timeout(d, i));
          const cond = all ? env.allOf(members) : env.anyOf(members);
          let seen: Event[] | undefined;
          let expected: Event[] | undefined;
          cond.addCallback(() => {
            // The value lists the members processed by the time the condition is processed, in the given order.
            expected = members.filter((m) => m.processed);
            seen = (cond.value as ConditionValue).events();
          });
          env.run();
          expect(seen).toEqual(expected);
          expect(cond.value.events()).toEqual(expected);
        },
      ),
    );
  });
});
