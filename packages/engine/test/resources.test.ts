import { describe, expect, it } from 'vitest';
import { Interrupt, PriorityResource, Resource, type ProcessGenerator, type Request } from '../src/index.js';
import { codeOf, makeEnv } from './helpers.js';

describe('Resource (SimPy semantics)', () => {
  it('reproduces the SimPy battery-charging-station example', () => {
    const env = makeEnv();
    const bcs = new Resource(env, { capacity: 2 });
    const log: string[] = [];
    function* car(name: string, driving: number, charging: number): ProcessGenerator<void> {
      yield env.timeout(driving);
      log.push(`${name} arriving at ${env.now}`);
      yield* bcs.using(function* () {
        log.push(`${name} starting to charge at ${env.now}`);
        yield env.timeout(charging);
        log.push(`${name} leaving the bcs at ${env.now}`);
      });
    }
    for (let i = 0; i < 4; i++) env.process(car(`Car ${i}`, i * 2, 5));
    env.run();
    expect(log).toEqual([
      'Car 0 arriving at 0',
      'Car 0 starting to charge at 0',
      'Car 1 arriving at 2',
      'Car 1 starting to charge at 2',
      'Car 2 arriving at 4',
      'Car 0 leaving the bcs at 5',
      'Car 2 starting to charge at 5',
      'Car 3 arriving at 6',
      'Car 1 leaving the bcs at 7',
      'Car 3 starting to charge at 7',
      'Car 2 leaving the bcs at 10',
      'Car 3 leaving the bcs at 12',
    ]);
  });

  it('grants in FIFO order and a release hands the unit to the next request', () => {
    const env = makeEnv();
    const res = new Resource(env, { capacity: 1 });
    const granted: [string, number][] = [];
    function* user(name: string, hold: number): ProcessGenerator<void> {
      const req = res.request();
      yield req;
      granted.push([name, env.now]);
      expect(req.usageSince).toBe(env.now);
      yield env.timeout(hold);
      res.release(req);
    }
    for (const name of ['a', 'b', 'c', 'd']) env.process(user(name, 2));
    env.run();
    expect(granted).toEqual([
      ['a', 0],
      ['b', 2],
      ['c', 4],
      ['d', 6],
    ]);
    expect(res.count).toBe(0);
  });

  it('exposes count, users and queue', () => {
    const env = makeEnv();
    const res = new Resource(env, { capacity: 2 });
    const reqs = [res.request(), res.request(), res.request(), res.request()];
    expect(res.capacity).toBe(2);
    expect(res.count).toBe(2);
    expect(res.users).toEqual([reqs[0], reqs[1]]);
    expect(res.queue).toEqual([reqs[2], reqs[3]]);
    expect(reqs.map((r) => r.triggered)).toEqual([true, true, false, false]);
    expect(reqs.map((r) => r.state)).toEqual(['held', 'held', 'waiting', 'waiting']);
    res.release(reqs[0]);
    env.run();
    expect(res.users).toEqual([reqs[1], reqs[2]]);
    expect(res.queue).toEqual([reqs[3]]);
    expect(reqs[0].state).toBe('released');
  });

  it('a released unit goes to the next request only when the Release event is processed (SimPy order)', () => {
    const env = makeEnv();
    const res = new Resource(env, { capacity: 1 });
    const first = res.request();
    const second = res.request();
    const release = res.release(first);
    expect(release.triggered).toBe(true);
    expect(second.triggered).toBe(false);
    env.step(); // first's grant
    env.step(); // the release: grants second
    expect(second.triggered).toBe(true);
    expect(res.users).toEqual([second]);
  });

  it('cancel() withdraws a waiting request; it is never granted', () => {
    const env = makeEnv();
    const res = new Resource(env, { capacity: 1 });
    const holder = res.request();
    const quitter = res.request();
    const next = res.request();
    quitter.cancel();
    expect(quitter.state).toBe('cancelled');
    expect(res.queue).toEqual([next]);
    res.release(holder);
    env.run();
    expect(quitter.triggered).toBe(false);
    expect(next.triggered).toBe(true);
    quitter.cancel(); // idempotent
    expect(res.users).toEqual([next]);
  });

  it('an interrupt while waiting leaves the request queued unless it is cancelled (using() cancels it)', () => {
    const env = makeEnv();
    const res = new Resource(env, { capacity: 1 });
    const log: string[] = [];
    let bare: Request | undefined;
    env.process(function* () {
      yield* res.using(function* () {
        yield env.timeout(10);
      });
    });
    const scoped = env.process(function* () {
      try {
        yield* res.using(function* () {
          log.push('scoped got it');
        });
      } catch (err) {
        log.push(`scoped interrupted at ${env.now}: ${(err as Interrupt).cause}`);
      }
    });
    const manual = env.process(function* () {
      bare = res.request();
      try {
        yield bare;
      } catch {
        log.push(`manual interrupted at ${env.now}`);
      }
    });
    env.process(function* () {
      yield env.timeout(3);
      scoped.interrupt('give up');
      manual.interrupt();
    });
    env.run({ until: 5 });
    expect(log).toEqual(['scoped interrupted at 3: give up', 'manual interrupted at 3']);
    expect(res.queue).toEqual([bare]); // the bare request still waits, as in SimPy
    env.run();
    expect(bare!.triggered).toBe(true);
  });

  it('using() releases the unit when the body throws and returns the body value', () => {
    const env = makeEnv();
    const res = new Resource(env, { capacity: 1 });
    const p = env.process(function* () {
      try {
        yield* res.using(function* () {
          yield env.timeout(1);
          throw new Error('boom');
        });
      } catch (err) {
        expect((err as Error).message).toBe('boom');
      }
      expect(res.count).toBe(0);
      return yield* res.using(function* (req) {
        expect(req.state).toBe('held');
        yield env.timeout(1);
        return 42;
      });
    });
    env.run();
    expect(p.value).toBe(42);
    expect(res.count).toBe(0);
  });

  it('releasing a request that does not hold the resource fails with DOPPEL_ERR_RELEASE_NOT_HELD', () => {
    const env = makeEnv();
    const res = new Resource(env, { capacity: 1 });
    const held = res.request();
    const waiting = res.request();
    expect(codeOf(() => res.release(waiting))).toBe('DOPPEL_ERR_RELEASE_NOT_HELD');
    res.release(held);
    expect(codeOf(() => res.release(held))).toBe('DOPPEL_ERR_RELEASE_NOT_HELD');
    waiting.cancel();
    expect(codeOf(() => waiting.release())).toBe('DOPPEL_ERR_RELEASE_NOT_HELD');
    const other = new Resource(env, { capacity: 1 }).request();
    expect(codeOf(() => res.release(other))).toBe('DOPPEL_ERR_FOREIGN_REQUEST');
  });

  it.each([0, -1, 1.5, NaN, Infinity])('rejects capacity %s with DOPPEL_ERR_INVALID_CAPACITY', (capacity) => {
    expect(codeOf(() => new Resource(makeEnv(), { capacity }))).toBe('DOPPEL_ERR_INVALID_CAPACITY');
  });

  it('a request made outside a process has no process; inside, it records the requester', () => {
    const env = makeEnv();
    const res = new Resource(env, { capacity: 2 });
    expect(res.request().process).toBeNull();
    let req: Request | undefined;
    const p = env.process(function* () {
      req = res.request();
      yield req;
    });
    env.run();
    expect(req!.process).toBe(p);
    expect(req!.usageSince).toBe(0);
  });

  it.each([
    ['Resource', (env: ReturnType<typeof makeEnv>) => new Resource(env, { capacity: 1 })],
    ['PriorityResource', (env: ReturnType<typeof makeEnv>) => new PriorityResource(env, { capacity: 1 })],
  ] as const)('%s keeps service order through mass cancellation (waiting-line compaction)', (_name, make) => {
    const env = makeEnv();
    const res = make(env);
    const holder = res.request();
    const waiting = Array.from({ length: 1000 }, () => res.request());
    const kept = waiting.filter((_, i) => i % 7 === 3);
    waiting.forEach((req, i) => {
      if (i % 7 !== 3) req.cancel();
    });
    expect(res.queue).toEqual(kept);
    const served: Request[] = [];
    env.process(function* () {
      res.release(holder);
      for (const req of kept) {
        yield req;
        served.push(req);
        res.release(req);
      }
    });
    env.run();
    expect(served).toEqual(kept);
    expect(res.count).toBe(0);
    expect(res.queue).toEqual([]);
  });
});
