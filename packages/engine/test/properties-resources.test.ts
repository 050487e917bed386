// Model-based property tests: random command sequences run against the real resource and against a few-line
// reference model (for Container and Store, SimPy's trigger loop itself); after each command the simulation is advanced past all events at the current instant and the
// two must agree. Invariants checked throughout: capacity never exceeded, levels never negative, FIFO among equal
// priorities, time never decreases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Container,
  Environment,
  PriorityResource,
  Store,
  type ContainerGet,
  type ContainerPut,
  Resource,
  type Request,
  type StoreGet,
  type StorePut,
} from '../src/index.js';

const RUNS = { numRuns: 150 };

/** Processes everything at the current instant and moves the clock on by 1; returns the new time. */
function settle(env: Environment, lastNow: number): number {
  env.run({ until: env.now + 1 });
  expect(env.now).toBeGreaterThan(lastNow);
  return env.now;
}

// ---------------------------------------------------------------- PriorityResource (covers FIFO Resource)

interface ResModel {
  capacity: number;
  users: number[];
  waiting: { id: number; priority: number }[];
  nextId: number;
  now: number;
}
interface ResReal {
  env: Environment;
  res: Resource;
  /** Makes a request of the given priority (a plain Resource only gets priority 0). */
  request: (priority: number) => Request;
  reqs: Request[];
}

function fillUsers(m: ResModel): void {
  // Stable sort = (priority, arrival): FIFO among equal priorities.
  m.waiting.sort((a, b) => a.priority - b.priority);
  while (m.users.length < m.capacity && m.waiting.length > 0) m.users.push(m.waiting.shift()!.id);
}

function checkResource(m: ResModel, r: ResReal): void {
  m.now = settle(r.env, m.now);
  expect(r.res.count).toBeLessThanOrEqual(r.res.capacity);
  expect(r.res.users.map((q) => r.reqs.indexOf(q))).toEqual(m.users);
  expect(r.res.queue.map((q) => r.reqs.indexOf(q))).toEqual(m.waiting.map((w) => w.id));
  for (const id of m.users) expect(r.reqs[id].triggered).toBe(true);
  for (const w of m.waiting) expect(r.reqs[w.id].triggered).toBe(false);
}

class RequestCmd implements fc.Command<ResModel, ResReal> {
  constructor(readonly priority: number) {}
  check = () => true;
  run(m: ResModel, r: ResReal): void {
    r.reqs.push(r.request(this.priority));
    m.waiting.push({ id: m.nextId++, priority: this.priority });
    fillUsers(m);
    checkResource(m, r);
  }
  toString = () => `request(${this.priority})`;
}

class ReleaseCmd implements fc.Command<ResModel, ResReal> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<ResModel>) => m.users.length > 0;
  run(m: ResModel, r: ResReal): void {
    const id = m.users.splice(this.pick % m.users.length, 1)[0];
    r.res.release(r.reqs[id]);
    fillUsers(m);
    checkResource(m, r);
  }
  toString = () => `release(#${this.pick})`;
}

class CancelCmd implements fc.Command<ResModel, ResReal> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<ResModel>) => m.waiting.length > 0;
  run(m: ResModel, r: ResReal): void {
    const { id } = m.waiting.splice(this.pick % m.waiting.length, 1)[0];
    r.reqs[id].cancel();
    fillUsers(m);
    checkResource(m, r);
  }
  toString = () => `cancel(#${this.pick})`;
}

// ---------------------------------------------------------------- Container

interface ContModel {
  capacity: number;
  level: number;
  puts: { id: number; amount: number }[];
  gets: { id: number; amount: number }[];
  done: Set<string>;
  /** Succeeded puts and gets not processed yet, in order. */
  pending: Trigger[];
  next: number;
  now: number;
}
interface ContReal {
  env: Environment;
  c: Container;
  puts: ContainerPut[];
  gets: ContainerGet[];
}

// SimPy's trigger loop in a few lines: a new put triggers the put line, a new get the get line; every put or get
// that succeeds is processed later in the order it succeeded, and its processing triggers the other line.
type Trigger = 'put' | 'get';

/** Container: a trigger serves its line from the head while the head fits (`_do_put`/`_do_get` return True). */
function containerTrigger(m: ContModel, line: Trigger): void {
  if (line === 'put') {
    while (m.puts.length > 0 && m.capacity - m.level >= m.puts[0].amount) {
      const p = m.puts.shift()!;
      m.level += p.amount;
      m.done.add(`p${p.id}`);
      m.pending.push('put');
    }
  } else {
    while (m.gets.length > 0 && m.level >= m.gets[0].amount) {
      const g = m.gets.shift()!;
      m.level -= g.amount;
      m.done.add(`g${g.id}`);
      m.pending.push('get');
    }
  }
}

/** Processes the succeeded events in order: each one triggers the other line. */
function drain(pending: Trigger[], trigger: (line: Trigger) => void): void {
  for (let kind = pending.shift(); kind !== undefined; kind = pending.shift()) trigger(kind === 'put' ? 'get' : 'put');
}

function checkContainer(m: ContModel, r: ContReal): void {
  drain(m.pending, (line) => containerTrigger(m, line));
  m.now = settle(r.env, m.now);
  expect(r.c.level).toBe(m.level);
  expect(r.c.level).toBeGreaterThanOrEqual(0);
  expect(r.c.level).toBeLessThanOrEqual(r.c.capacity);
  r.puts.forEach((p, i) => expect(p.triggered).toBe(m.done.has(`p${i}`)));
  r.gets.forEach((g, i) => expect(g.triggered).toBe(m.done.has(`g${i}`)));
}

class PutCmd implements fc.Command<ContModel, ContReal> {
  constructor(readonly amount: number) {}
  check = (m: Readonly<ContModel>) => this.amount <= m.capacity;
  run(m: ContModel, r: ContReal): void {
    r.puts.push(r.c.put(this.amount));
    m.puts.push({ id: r.puts.length - 1, amount: this.amount });
    containerTrigger(m, 'put');
    checkContainer(m, r);
  }
  toString = () => `put(${this.amount})`;
}

class GetCmd implements fc.Command<ContModel, ContReal> {
  constructor(readonly amount: number) {}
  check = (m: Readonly<ContModel>) => this.amount <= m.capacity;
  run(m: ContModel, r: ContReal): void {
    r.gets.push(r.c.get(this.amount));
    m.gets.push({ id: r.gets.length - 1, amount: this.amount });
    containerTrigger(m, 'get');
    checkContainer(m, r);
  }
  toString = () => `get(${this.amount})`;
}

class CancelContainerCmd implements fc.Command<ContModel, ContReal> {
  constructor(
    readonly side: 'put' | 'get',
    readonly pick: number,
  ) {}
  check = (m: Readonly<ContModel>) => (this.side === 'put' ? m.puts : m.gets).length > 0;
  run(m: ContModel, r: ContReal): void {
    const line = this.side === 'put' ? m.puts : m.gets;
    const { id } = line.splice(this.pick % line.length, 1)[0];
    (this.side === 'put' ? r.puts[id] : r.gets[id]).cancel();
    checkContainer(m, r);
  }
  toString = () => `cancel-${this.side}(#${this.pick})`;
}

// ---------------------------------------------------------------- Store

interface StoreModel {
  capacity: number;
  items: number[];
  puts: { id: number; item: number }[];
  gets: number[];
  received: Map<number, number>;
  putDone: Set<number>;
  pending: Trigger[];
  now: number;
}
interface StoreReal {
  env: Environment;
  s: Store<number>;
  puts: StorePut<number>[];
  gets: StoreGet<number>[];
}

/** Store: a trigger tries the head of its line only (`_do_put`/`_do_get` return None). */
function storeTrigger(m: StoreModel, line: Trigger): void {
  if (line === 'put') {
    if (m.puts.length > 0 && m.items.length < m.capacity) {
      const p = m.puts.shift()!;
      m.items.push(p.item);
      m.putDone.add(p.id);
      m.pending.push('put');
    }
  } else if (m.gets.length > 0 && m.items.length > 0) {
    m.received.set(m.gets.shift()!, m.items.shift()!);
    m.pending.push('get');
  }
}

function checkStore(m: StoreModel, r: StoreReal): void {
  drain(m.pending, (line) => storeTrigger(m, line));
  m.now = settle(r.env, m.now);
  expect(r.s.size).toBeLessThanOrEqual(r.s.capacity);
  expect(r.s.items).toEqual(m.items);
  r.puts.forEach((p, i) => expect(p.triggered).toBe(m.putDone.has(i)));
  r.gets.forEach((g, i) => {
    expect(g.triggered).toBe(m.received.has(i));
    if (g.triggered) expect(g.value).toBe(m.received.get(i));
  });
}

class StorePutCmd implements fc.Command<StoreModel, StoreReal> {
  check = () => true;
  run(m: StoreModel, r: StoreReal): void {
    const item = r.puts.length;
    r.puts.push(r.s.put(item));
    m.puts.push({ id: item, item });
    storeTrigger(m, 'put');
    checkStore(m, r);
  }
  toString = () => 'put';
}

class StoreGetCmd implements fc.Command<StoreModel, StoreReal> {
  check = () => true;
  run(m: StoreModel, r: StoreReal): void {
    r.gets.push(r.s.get());
    m.gets.push(r.gets.length - 1);
    storeTrigger(m, 'get');
    checkStore(m, r);
  }
  toString = () => 'get';
}

class StoreCancelCmd implements fc.Command<StoreModel, StoreReal> {
  constructor(
    readonly side: 'put' | 'get',
    readonly pick: number,
  ) {}
  check = (m: Readonly<StoreModel>) => (this.side === 'put' ? m.puts : m.gets).length > 0;
  run(m: StoreModel, r: StoreReal): void {
    if (this.side === 'put') {
      const { id } = m.puts.splice(this.pick % m.puts.length, 1)[0];
      r.puts[id].cancel();
    } else {
      const id = m.gets.splice(this.pick % m.gets.length, 1)[0];
      r.gets[id].cancel();
    }
    checkStore(m, r);
  }
  toString = () => `cancel-${this.side}(#${this.pick})`;
}

describe('model-based properties', () => {
  it.each([
    ['Resource', 0],
    ['PriorityResource', 3],
  ] as const)(
    '%s agrees with a sorted-list model (capacity, FIFO among equal priorities, time)',
    (kind, maxPriority) => {
      const commands = [
        fc.integer({ min: 0, max: maxPriority }).map((p) => new RequestCmd(p)),
        fc.nat().map((k) => new ReleaseCmd(k)),
        fc.nat().map((k) => new CancelCmd(k)),
      ];
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.commands(commands, { maxCommands: 60 }), (capacity, cmds) => {
          const env = new Environment({ seed: 1 });
          let real: ResReal;
          if (kind === 'Resource') {
            const res = new Resource(env, { capacity });
            real = { env, res, request: () => res.request(), reqs: [] };
          } else {
            const res = new PriorityResource(env, { capacity });
            real = { env, res, request: (priority) => res.request({ priority }), reqs: [] };
          }
          fc.modelRun(() => ({ model: { capacity, users: [], waiting: [], nextId: 0, now: -1 }, real }), cmds);
        }),
        RUNS,
      );
    },
  );

  it('Container agrees with a level + two FIFO lines model (0 <= level <= capacity)', () => {
    const amount = fc.integer({ min: 1, max: 12 });
    const commands = [
      amount.map((a) => new PutCmd(a)),
      amount.map((a) => new GetCmd(a)),
      fc.tuple(fc.constantFrom('put' as const, 'get' as const), fc.nat()).map(([s, k]) => new CancelContainerCmd(s, k)),
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        fc.commands(commands, { maxCommands: 60 }),
        (capacity, init0, cmds) => {
          const init = Math.min(init0, capacity);
          const env = new Environment({ seed: 1 });
          const real: ContReal = { env, c: new Container(env, { capacity, init }), puts: [], gets: [] };
          const model: ContModel = {
            capacity,
            level: init,
            puts: [],
            gets: [],
            done: new Set(),
            pending: [],
            next: 0,
            now: -1,
          };
          fc.modelRun(() => ({ model, real }), cmds);
        },
      ),
      RUNS,
    );
  });

  it('Store agrees with a FIFO items model (size <= capacity, items delivered in put order)', () => {
    const commands = [
      fc.constant(new StorePutCmd()),
      fc.constant(new StoreGetCmd()),
      fc.tuple(fc.constantFrom('put' as const, 'get' as const), fc.nat()).map(([s, k]) => new StoreCancelCmd(s, k)),
    ];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.commands(commands, { maxCommands: 60 }), (capacity, cmds) => {
        const env = new Environment({ seed: 1 });
        const real: StoreReal = { env, s: new Store<number>(env, { capacity }), puts: [], gets: [] };
        const model: StoreModel = {
          capacity,
          items: [],
          puts: [],
          gets: [],
          received: new Map(),
          putDone: new Set(),
          pending: [],
          now: -1,
        };
        fc.modelRun(() => ({ model, real }), cmds);
      }),
      RUNS,
    );
  });
});
