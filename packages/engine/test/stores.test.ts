import { describe, expect, it } from 'vitest';
import { FilterStore, PriorityItem, PriorityStore, Store, type ProcessGenerator } from '../src/index.js';
import { codeOf, makeEnv } from './helpers.js';

describe('Store', () => {
  it('delivers items FIFO; a get blocks while the store is empty', () => {
    const env = makeEnv();
    const store = new Store<string>(env);
    const got: [string, number][] = [];
    env.process(function* () {
      for (let i = 0; i < 3; i++) got.push([(yield store.get()) as string, env.now]);
    });
    env.process(function* () {
      yield env.timeout(2);
      store.put('a');
      store.put('b');
      yield env.timeout(1);
      yield store.put('c');
    });
    env.run();
    expect(got).toEqual([
      ['a', 2],
      ['b', 2],
      ['c', 3],
    ]);
    expect(store.size).toBe(0);
  });

  it('a put blocks while the store is full (SimPy producer/consumer)', () => {
    const env = makeEnv();
    const store = new Store<number>(env, { capacity: 2 });
    const log: string[] = [];
    env.process(function* () {
      for (let i = 0; i < 4; i++) {
        yield store.put(i);
        log.push(`put ${i} at ${env.now}`);
      }
    });
    env.process(function* () {
      yield env.timeout(5);
      for (let i = 0; i < 4; i++) {
        const item = yield store.get();
        log.push(`got ${String(item)} at ${env.now}`);
        yield env.timeout(1);
      }
    });
    env.run();
    expect(log).toEqual([
      'put 0 at 0',
      'put 1 at 0',
      'got 0 at 5',
      'put 2 at 5',
      'got 1 at 6',
      'put 3 at 6',
      'got 2 at 7',
      'got 3 at 8',
    ]);
  });

  it('exposes items, size and waiting lines', () => {
    const env = makeEnv();
    const store = new Store<number>(env, { capacity: 2 });
    store.put(1);
    store.put(2);
    const third = store.put(3);
    expect(store.items).toEqual([1, 2]);
    expect(store.size).toBe(2);
    expect(store.putQueue).toEqual([third]);
    const empty = new Store<number>(env);
    const g = empty.get();
    expect(empty.getQueue).toEqual([g]);
  });

  it('get.or(timeout) then cancel(): a reneging get never takes an item (swap benchmark pattern)', () => {
    const env = makeEnv();
    const store = new Store<string>(env, { capacity: 5 });
    const log: string[] = [];
    env.process(function* () {
      const get = store.get();
      yield get.or(env.timeout(3));
      if (!get.triggered) {
        get.cancel();
        log.push(`reneged at ${env.now}`);
      }
    });
    env.process(function* () {
      yield env.timeout(4);
      yield store.put('late');
    });
    env.run();
    expect(log).toEqual(['reneged at 3']);
    expect(store.items).toEqual(['late']);
  });

  it('cancel() of a waiting put frees its place in line', () => {
    const env = makeEnv();
    const store = new Store<string>(env, { capacity: 1 });
    store.put('x');
    const blocked = store.put('y');
    const next = store.put('z');
    blocked.cancel();
    store.get();
    env.run();
    expect(blocked.triggered).toBe(false);
    expect(next.triggered).toBe(true);
    expect(store.items).toEqual(['z']);
  });

  it('serves gets in order through mass cancellation (waiting-line compaction)', () => {
    const env = makeEnv();
    const store = new Store<number>(env);
    const gets = Array.from({ length: 500 }, () => store.get());
    const kept = gets.filter((_, i) => i % 5 === 0);
    gets.forEach((g, i) => {
      if (i % 5 !== 0) g.cancel();
    });
    expect(store.getQueue).toEqual(kept);
    for (let i = 0; i < kept.length; i++) store.put(i);
    env.run();
    expect(kept.map((g) => g.value)).toEqual(kept.map((_, i) => i));
    expect(gets.filter((g) => g.triggered)).toEqual(kept);
  });

  it('rejects invalid capacities', () => {
    const env = makeEnv();
    for (const capacity of [0, -2, 1.5, NaN]) {
      expect(codeOf(() => new Store(env, { capacity }))).toBe('DOPPEL_ERR_INVALID_CAPACITY');
    }
  });
});

describe('FilterStore', () => {
  it('a get takes the first matching item; a non-matching get does not block the others', () => {
    const env = makeEnv();
    const store = new FilterStore<{ kind: string; id: number }>(env);
    const got: string[] = [];
    function* want(kind: string): ProcessGenerator<void> {
      const item = (yield store.get((x) => x.kind === kind)) as { kind: string; id: number };
      got.push(`${kind}:${item.id}@${env.now}`);
    }
    env.process(want('blue'));
    env.process(want('red'));
    env.process(function* () {
      yield env.timeout(1);
      yield store.put({ kind: 'red', id: 1 });
      yield store.put({ kind: 'red', id: 2 });
      yield env.timeout(1);
      yield store.put({ kind: 'blue', id: 3 });
    });
    env.run();
    expect(got).toEqual(['red:1@1', 'blue:3@2']);
    expect(store.items).toEqual([{ kind: 'red', id: 2 }]);
  });

  it('without a filter it behaves as a FIFO store', () => {
    const env = makeEnv();
    const store = new FilterStore<number>(env, { capacity: 3 });
    store.put(7);
    store.put(8);
    const g = store.get();
    env.run();
    expect(g.value).toBe(7);
  });
});

describe('PriorityStore', () => {
  it('gets the lowest priority first; equal priorities leave in put order', () => {
    const env = makeEnv();
    const store = new PriorityStore<PriorityItem<string>>(env);
    for (const [p, name] of [
      [3, 'c'],
      [1, 'a1'],
      [2, 'b'],
      [1, 'a2'],
      [1, 'a3'],
    ] as const) {
      store.put(new PriorityItem(p, name));
    }
    expect(store.items.map((x) => x.item)).toEqual(['a1', 'a2', 'a3', 'b', 'c']);
    const out: string[] = [];
    env.process(function* () {
      for (let i = 0; i < 5; i++) out.push(((yield store.get()) as PriorityItem<string>).item);
    });
    env.run();
    expect(out).toEqual(['a1', 'a2', 'a3', 'b', 'c']);
  });

  it('orders numbers by value and other items by a key function', () => {
    const env = makeEnv();
    const nums = new PriorityStore<number>(env);
    for (const n of [5, 1, 4, 2, 3]) nums.put(n);
    const jobs = new PriorityStore<{ due: number }>(env, { priority: (j) => j.due });
    for (const due of [9, 3, 6]) jobs.put({ due });
    const out: unknown[] = [];
    env.process(function* () {
      for (let i = 0; i < 5; i++) out.push(yield nums.get());
      for (let i = 0; i < 3; i++) out.push(((yield jobs.get()) as { due: number }).due);
    });
    env.run();
    expect(out).toEqual([1, 2, 3, 4, 5, 3, 6, 9]);
  });

  it('a waiting get receives the most important item available when it is served', () => {
    const env = makeEnv();
    const store = new PriorityStore<number>(env, { capacity: 10 });
    const get = store.get();
    env.process(function* () {
      yield env.timeout(1);
      store.put(9);
    });
    env.run();
    expect(get.value).toBe(9);
  });
});
