// SimPy's trigger semantics, one small scenario each. The expected traces are derived by hand from SimPy 4's
// resources/base.py (`_trigger_put`/`_trigger_get` stop after an item whose `_do_put`/`_do_get` returns a falsy
// value) and resources/{resource,store,container}.py (which `_do_*` return nothing, which return true).
import { describe, expect, it } from 'vitest';
import {
  Container,
  FilterStore,
  Interrupt,
  PreemptiveResource,
  PriorityResource,
  PriorityStore,
  Resource,
  Store,
  type ProcessGenerator,
} from '../src/index.js';
import { codeOf, makeEnv } from './helpers.js';

describe('PreemptiveResource: one head per trigger', () => {
  // capacity 2; h1 (priority 9) and h2 (priority 1) hold from t=0. At t=1, a (priority 3, preempt=False) and
  // b (priority 5, preempt=True) request: both triggers try only the head, a, which may not preempt, so both wait
  // although b could evict h1. At t=2 h2 releases: the trigger grants the head a and stops (Resource._do_put
  // returns None), so b keeps waiting and h1 keeps its unit. b gets a's unit when a releases at 7.
  it('a release grants the head and stops: the request behind it does not preempt', () => {
    const env = makeEnv();
    const res = new PreemptiveResource(env, { capacity: 2 });
    const trace: string[] = [];
    function* user(
      name: string,
      delay: number,
      priority: number,
      preempt: boolean,
      hold: number,
    ): ProcessGenerator<void> {
      yield env.timeout(delay);
      const req = res.request({ priority, preempt });
      try {
        yield req;
        trace.push(`${name} got ${env.now}`);
        yield env.timeout(hold);
        trace.push(`${name} released ${env.now}`);
        res.release(req);
      } catch (error) {
        if (!(error instanceof Interrupt)) throw error;
        trace.push(`${name} preempted ${env.now}`);
      }
    }
    env.process(user('h1', 0, 9, true, 10));
    env.process(user('h2', 0, 1, true, 2));
    env.process(user('a', 1, 3, false, 5));
    env.process(user('b', 1, 5, true, 5));
    env.run();
    expect(trace).toEqual([
      'h1 got 0',
      'h2 got 0',
      'h2 released 2',
      'a got 2',
      'a released 7',
      'b got 7',
      'h1 released 10',
      'b released 12',
    ]);
    expect(env.now).toBe(12);
  });
});

describe('PreemptiveResource: leaving `using` is a trigger (SimPy `with`: cancel, then release)', () => {
  // capacity 1; l (priority 5) holds from 0. At t=1, w (priority 1, preempt=False) waits inside `using` and x
  // (priority 2, preempt=True) waits behind it: x's own trigger tries only the head w, which may not preempt. At
  // t=2 w is interrupted: leaving `using` cancels w and makes a Release whose processing triggers the line, where
  // x is now the head and evicts l at once (a plain cancel would leave x waiting until l's release at 10).
  it('a preemptor behind a cancelled head evicts at the exit of the head, not at the next release', () => {
    const env = makeEnv();
    const res = new PreemptiveResource(env, { capacity: 1 });
    const trace: string[] = [];
    env.process(function* () {
      try {
        yield* res.using(
          function* () {
            trace.push(`l got ${env.now}`);
            yield env.timeout(10);
          },
          { priority: 5 },
        );
      } catch (error) {
        if (!(error instanceof Interrupt)) throw error;
        trace.push(`l preempted ${env.now}`);
      }
    });
    const w = env.process(function* () {
      yield env.timeout(1);
      try {
        yield* res.using(function* () {}, { priority: 1, preempt: false });
      } catch (error) {
        if (!(error instanceof Interrupt)) throw error;
        trace.push(`w interrupted ${env.now}`);
      }
    });
    env.process(function* () {
      yield env.timeout(1);
      yield* res.using(
        function* () {
          trace.push(`x got ${env.now}`);
          yield env.timeout(1);
        },
        { priority: 2 },
      );
    });
    env.process(function* () {
      yield env.timeout(2);
      w.interrupt('give up');
    });
    env.run();
    expect(trace).toEqual(['l got 0', 'w interrupted 2', 'l preempted 2', 'x got 2']);
    expect(res.count).toBe(0);
    // l's timeout stays queued after the interrupt (as in SimPy), so the schedule empties at 10.
    expect(env.now).toBe(10);
  });
});

describe('Resource: one grant per trigger', () => {
  // capacity 2; p holds both units and releases them in one step at t=1, with c and d waiting. Each Release, when
  // processed, grants one request: p, resumed by the first release, sees c holding and d still waiting.
  it('a process resumed between two releases of one step sees count 1 / queue 1', () => {
    const env = makeEnv();
    const res = new Resource(env, { capacity: 2 });
    const trace: string[] = [];
    env.process(function* () {
      const r1 = res.request();
      const r2 = res.request();
      yield r1;
      yield r2;
      yield env.timeout(1);
      const first = res.release(r1);
      res.release(r2);
      trace.push(`p released both: count=${res.count} queue=${res.queue.length}`);
      yield first;
      trace.push(`p after first release: count=${res.count} queue=${res.queue.length}`);
    });
    for (const name of ['c', 'd']) {
      env.process(function* () {
        yield res.request();
        trace.push(`${name} got ${env.now}`);
      });
    }
    env.run();
    expect(trace).toEqual([
      'p released both: count=0 queue=2',
      'p after first release: count=1 queue=1',
      'c got 1',
      'd got 1',
    ]);
  });

  // The unit freed by release() is handed over when the Release is processed, but a request made in between
  // triggers the line too, and its trigger serves the head (the oldest request), not the newcomer.
  it('a request made between a release and its processing serves the head of the line', () => {
    const env = makeEnv();
    const res = new Resource(env, { capacity: 1 });
    const holder = res.request();
    const waiting = res.request();
    env.run();
    res.release(holder);
    const late = res.request();
    expect(waiting.state).toBe('held');
    expect(late.state).toBe('waiting');
    expect([res.count, res.queue.length]).toEqual([1, 1]);
  });

  it('cancel() only leaves the line; the next trigger serves the new head', () => {
    const env = makeEnv();
    const res = new Resource(env, { capacity: 1 });
    const holder = res.request();
    const first = res.request();
    const second = res.request();
    res.release(holder); // count 0; the line is served when the Release is processed
    first.cancel();
    expect(second.state).toBe('waiting');
    env.run();
    expect(second.state).toBe('held');
  });
});

describe('PriorityResource: SimPy key (priority, time, not preempt)', () => {
  for (const Kind of [PriorityResource, PreemptiveResource]) {
    it(`${Kind.name}: at equal priority and time a preempt=True request is served first`, () => {
      const env = makeEnv();
      const res = new Kind(env, { capacity: 1 });
      const trace: string[] = [];
      env.process(function* () {
        const holder = res.request({ priority: -1 });
        yield holder;
        yield env.timeout(1);
        res.release(holder);
      });
      for (const [name, preempt] of [
        ['patient', false],
        ['eager', true],
      ] as const) {
        env.process(function* () {
          yield* res.using(
            function* () {
              trace.push(`${name} got ${env.now}`);
              yield env.timeout(1);
            },
            { priority: 0, preempt },
          );
        });
      }
      env.run();
      expect(trace).toEqual(['eager got 1', 'patient got 2']);
    });
  }

  it('rejects unknown or ill-typed request options at run time', () => {
    const env = makeEnv();
    const plain = new Resource(env);
    const prio = new PriorityResource(env);
    const pre = new PreemptiveResource(env);
    const untyped = (options: unknown) => options as never;
    expect(codeOf(() => plain.request(untyped({ priority: 1 })))).toBe('DOPPEL_ERR_INVALID_REQUEST_OPTIONS');
    expect(codeOf(() => prio.request(untyped({ priorty: 1 })))).toBe('DOPPEL_ERR_INVALID_REQUEST_OPTIONS');
    expect(codeOf(() => pre.request(untyped({ preempt: 'yes' })))).toBe('DOPPEL_ERR_INVALID_REQUEST_OPTIONS');
    expect(codeOf(() => pre.request(untyped(3)))).toBe('DOPPEL_ERR_INVALID_REQUEST_OPTIONS');
    expect(codeOf(() => prio.request(untyped({ priority: '1' })))).toBe('DOPPEL_ERR_INVALID_REQUEST_PRIORITY');
    expect(prio.request({ priority: 2, preempt: false }).preempt).toBe(false);
    expect(plain.request().state).toBe('held');
  });
});

describe('Store: one item per trigger', () => {
  // Two gets wait; a producer puts two items in one step. Each processed put triggers the get line once
  // (Store._do_get returns None), so the producer, resumed by the first put, sees one item left and one get waiting.
  it('a process resumed between two puts of one step sees size 1 / one get waiting', () => {
    const env = makeEnv();
    const store = new Store<string>(env);
    const trace: string[] = [];
    for (const name of ['g1', 'g2']) {
      env.process(function* () {
        const item = (yield store.get()) as string;
        trace.push(`${name} got ${item}`);
      });
    }
    env.process(function* () {
      yield env.timeout(1);
      const first = store.put('a');
      store.put('b');
      yield first;
      trace.push(`producer: size=${store.size} gets=${store.getQueue.length}`);
    });
    env.run();
    expect(trace).toEqual(['producer: size=1 gets=1', 'g1 got a', 'g2 got b']);
  });

  it('a full store takes one waiting put per processed get', () => {
    const env = makeEnv();
    const store = new Store<number>(env, { capacity: 1 });
    store.put(0);
    const p1 = store.put(1);
    const p2 = store.put(2);
    env.run();
    const g1 = store.get();
    store.get();
    expect([p1.triggered, p2.triggered]).toEqual([false, false]);
    env.step(); // g1 processed: one put trigger
    expect(g1.processed).toBe(true);
    expect([p1.triggered, p2.triggered]).toEqual([true, false]);
  });

  it('PriorityStore serves one get per processed put, too', () => {
    const env = makeEnv();
    const store = new PriorityStore<number>(env);
    const gets = [store.get(), store.get()];
    const first = store.put(5);
    store.put(1);
    env.step(); // first put processed: one get trigger, the head takes the smallest item
    expect(first.processed).toBe(true);
    expect(gets.map((g) => g.triggered)).toEqual([true, false]);
    env.run();
    expect(gets.map((g) => g.value)).toEqual([1, 5]);
  });

  // Both puts store their item when made (their own put trigger); the first processed put triggers the get line,
  // and FilterStore._do_get returns True, so every waiting get is tried in line order: the b-get (older) takes b1,
  // then the a-get takes a1, both in that one trigger.
  it('FilterStore tries every waiting get per trigger (its _do_get returns True)', () => {
    const env = makeEnv();
    const store = new FilterStore<string>(env);
    const wantsB = store.get((item) => item.startsWith('b'));
    const wantsA = store.get((item) => item.startsWith('a'));
    store.put('a1');
    store.put('b1');
    const trace: string[] = [];
    wantsA.addCallback(() => trace.push(`a-get ${String(wantsA.value)}`));
    wantsB.addCallback(() => trace.push(`b-get ${String(wantsB.value)}`));
    env.step(); // the first put
    expect([wantsB.triggered, wantsA.triggered]).toEqual([true, true]);
    env.run();
    expect(trace).toEqual(['b-get b1', 'a-get a1']);
  });
});

describe('Container: a trigger serves its line until the head does not fit', () => {
  it('one processed put serves every waiting get that fits, in order, and stops at the first that does not', () => {
    const env = makeEnv();
    const tank = new Container(env, { capacity: 10 });
    const gets = [tank.get(1), tank.get(2), tank.get(5), tank.get(1)];
    const put = tank.put(4);
    env.step(); // the put
    expect(put.processed).toBe(true);
    expect(gets.map((g) => g.triggered)).toEqual([true, true, false, false]);
    expect(tank.level).toBe(1);
  });
});
