import { describe, expect, it } from 'vitest';
import {
  Interrupt,
  Preempted,
  PreemptiveResource,
  PriorityResource,
  type Process,
  type ProcessGenerator,
} from '../src/index.js';
import { codeOf, makeEnv } from './helpers.js';

describe('PriorityResource', () => {
  it('reproduces the SimPy PriorityResource example', () => {
    const env = makeEnv();
    const res = new PriorityResource(env, { capacity: 1 });
    const log: string[] = [];
    function* user(name: number, wait: number, priority: number): ProcessGenerator<void> {
      yield env.timeout(wait);
      yield* res.using(
        function* () {
          log.push(`${name} got resource at ${env.now}`);
          yield env.timeout(3);
        },
        { priority },
      );
    }
    env.process(user(1, 0, 0));
    env.process(user(2, 1, 0));
    env.process(user(3, 2, -1));
    env.run();
    expect(log).toEqual(['1 got resource at 0', '3 got resource at 3', '2 got resource at 6']);
  });

  it('serves by (priority, request time, insertion order): FIFO among equal priorities', () => {
    const env = makeEnv();
    const res = new PriorityResource(env, { capacity: 1 });
    const holder = res.request();
    const order: string[] = [];
    const spec: [string, number][] = [
      ['b1', 2],
      ['a1', 1],
      ['b2', 2],
      ['a2', 1],
      ['c1', 3],
      ['a3', 1],
    ];
    for (const [name, priority] of spec) {
      const req = res.request({ priority });
      req.callbacks!.push(() => {
        order.push(name);
        env.process(
          (function* () {
            yield env.timeout(1);
            res.release(req);
          })(),
        );
      });
    }
    expect(res.queue.map((r) => r.priority)).toEqual([1, 1, 1, 2, 2, 3]);
    res.release(holder);
    env.run();
    expect(order).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1']);
  });

  it('a plain priority request never preempts', () => {
    const env = makeEnv();
    const res = new PriorityResource(env, { capacity: 1 });
    const low = res.request({ priority: 5 });
    const high = res.request({ priority: -5 });
    env.run();
    expect(low.state).toBe('held');
    expect(high.state).toBe('waiting');
  });

  it('rejects non-finite priorities', () => {
    const res = new PriorityResource(makeEnv(), { capacity: 1 });
    expect(codeOf(() => res.request({ priority: NaN }))).toBe('DOPPEL_ERR_INVALID_REQUEST_PRIORITY');
  });
});

describe('PreemptiveResource', () => {
  it('reproduces the SimPy PreemptiveResource example (cause, by, usage_since)', () => {
    const env = makeEnv();
    const res = new PreemptiveResource(env, { capacity: 1 });
    const log: string[] = [];
    const procs: Process<unknown>[] = [];
    const causes: Preempted[] = [];
    function* user(name: number, wait: number, priority: number): ProcessGenerator<void> {
      yield env.timeout(wait);
      yield* res.using(
        function* () {
          log.push(`${name} got resource at ${env.now}`);
          try {
            yield env.timeout(3);
          } catch (err) {
            const cause = (err as Interrupt).cause as Preempted;
            causes.push(cause);
            log.push(`${name} preempted by ${cause.by?.name} at ${env.now} after ${env.now - cause.usageSince}`);
          }
        },
        { priority },
      );
    }
    procs.push(env.process(user(1, 0, 0), 'p1'));
    procs.push(env.process(user(2, 1, 0), 'p2'));
    procs.push(env.process(user(3, 2, -1), 'p3'));
    env.run();
    expect(log).toEqual([
      '1 got resource at 0',
      '1 preempted by p3 at 2 after 2',
      '3 got resource at 2',
      '2 got resource at 5',
    ]);
    expect(causes[0]).toBeInstanceOf(Preempted);
    expect(causes[0].by).toBe(procs[2]);
    expect(causes[0].usageSince).toBe(0);
    expect(causes[0].resource).toBe(res);
    expect(res.count).toBe(0);
  });

  it('preempts the least important user, and only for a strictly more important key', () => {
    const env = makeEnv();
    const res = new PreemptiveResource(env, { capacity: 2 });
    const interrupted: string[] = [];
    function* holder(name: string, priority: number): ProcessGenerator<void> {
      const req = res.request({ priority });
      try {
        yield req;
        yield env.timeout(100);
        res.release(req);
      } catch (err) {
        if (!(err instanceof Interrupt)) throw err;
        interrupted.push(`${name}@${env.now}`);
        expect(req.state).toBe('preempted');
        res.release(req); // releasing a preempted request is a no-op, as in SimPy
      }
    }
    env.process(holder('mid', 1));
    env.process(holder('low', 3));
    env.process(function* () {
      yield env.timeout(1);
      const equal = res.request({ priority: 3 }); // same priority as 'low' but later: no preemption
      const urgent = res.request({ priority: 0 });
      yield urgent;
      expect(equal.state).toBe('waiting');
      expect(env.now).toBe(1);
      yield env.timeout(1);
      res.release(urgent);
    });
    env.run({ until: 50 });
    expect(interrupted).toEqual(['low@1']);
    expect(res.users.map((r) => r.priority)).toEqual([1, 3]);
  });

  it('a request with preempt: false waits even when it is more important', () => {
    const env = makeEnv();
    const res = new PreemptiveResource(env, { capacity: 1 });
    const low = res.request({ priority: 2 });
    const patient = res.request({ priority: 0, preempt: false });
    env.run();
    expect(low.state).toBe('held');
    expect(patient.state).toBe('waiting');
    res.release(low);
    env.run();
    expect(patient.state).toBe('held');
  });

  it('preempting a request made outside any process fails loudly, as in SimPy', () => {
    const env = makeEnv();
    const res = new PreemptiveResource(env, { capacity: 1 });
    const low = res.request({ priority: 1 });
    expect(codeOf(() => res.request({ priority: 0 }))).toBe('DOPPEL_ERR_PREEMPT_WITHOUT_PROCESS');
    expect(low.state).toBe('held');
    // Not preempting is fine: the request waits.
    const other = new PreemptiveResource(env, { capacity: 1 });
    other.request({ priority: 1 });
    expect(other.request({ priority: 0, preempt: false }).state).toBe('waiting');
  });

  it('preempting a holder whose process has finished fails loudly too (SimPy cannot interrupt it)', () => {
    const env = makeEnv();
    const res = new PreemptiveResource(env, { capacity: 1 });
    env.process(function* () {
      yield res.request({ priority: 1 }); // ends holding the unit
    });
    env.process(function* () {
      yield env.timeout(1);
      yield res.request({ priority: 0 });
    });
    expect(() => env.run()).toThrow(expect.objectContaining({ code: 'DOPPEL_ERR_PROCESS_DEAD' }));
  });

  it('a preemptor inside a process fails that process when the holder has none', () => {
    const env = makeEnv();
    const res = new PreemptiveResource(env, { capacity: 1 });
    res.request({ priority: 1 });
    env.process(function* () {
      yield res.request({ priority: 0 });
    });
    expect(() => env.run()).toThrow(expect.objectContaining({ code: 'DOPPEL_ERR_PREEMPT_WITHOUT_PROCESS' }));
  });
});
