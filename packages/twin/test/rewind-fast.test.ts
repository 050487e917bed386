import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEDGER_BLOCK_SIZE, MemoryLedgerStore, Simulation, TwinError, type AnyPack } from '../src/index.js';
import { queuePack, queueScenario } from './fixtures/queue-pack.js';
import { playScript } from './fixtures/scripts.js';
import { ledgerOf, newSim } from './fixtures/session-helpers.js';

const HORIZON = 4 * 3600;
/** Busy queues: about 34 hash blocks over the horizon, so most instants resume far into the ledger. */
const busy = [
  { id: 'q1', rate_per_h: 400, service_s: 8, max_queue: 30 },
  { id: 'q2', rate_per_h: 350, service_s: 9, max_queue: 30 },
  { id: 'q3', rate_per_h: 300, service_s: 11, max_queue: 30 },
  { id: 'q4', rate_per_h: 250, service_s: 13, max_queue: 30 },
];
const corrupt = (e: unknown): boolean => e instanceof TwinError && e.code === 'DOPPEL_ERR_LEDGER_CORRUPT';

describe('rewind resumes hashing near t (store-backed)', () => {
  it('gives the head hash and records of a fresh run at any instant, then continues identically', async () => {
    const reference = await newSim({ simId: 'ref', queues: busy });
    playScript(reference);
    const fullLedger = await ledgerOf(reference);
    expect(fullLedger.length).toBeGreaterThan(30 * LEDGER_BLOCK_SIZE);
    const log = reference.interventionLog();

    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 0, max: HORIZON, noNaN: true }), { minLength: 1, maxLength: 4 }),
        async (times) => {
          const store = new MemoryLedgerStore();
          const sim = await newSim({ simId: 'sim', queues: busy, store });
          playScript(sim);
          // Several rewinds in a row, each to an earlier or later instant of the current timeline.
          for (const raw of times) {
            const t = Math.min(raw, sim.now);
            await sim.rewind(t);
            const expected = fullLedger.filter((r) => r.simTime <= t);
            expect(await ledgerOf(sim)).toEqual(expected);
            const fresh = await newSim({ simId: 'fresh', queues: busy, log: sim.interventionLog(), store: null });
            if (t > 0) fresh.runUntil(t);
            expect(sim.head()).toEqual(fresh.head());
            expect(sim.head().seq).toBe(expected.length);
            expect(new Map(sim.states())).toEqual(new Map(fresh.states()));
            expect(sim.telemetry()).toEqual(fresh.telemetry());
          }
          // Continuing from the last rewind with the dropped log entries gives the reference run again.
          const replay = await newSim({ simId: 'replay', queues: busy, log, store: null });
          replay.runToEnd();
          expect(replay.head()).toEqual(reference.head());
          sim.runToEnd();
          await sim.flush();
          expect((await store.verify('sim')).ok).toBe(true);
          expect((await store.head('sim')).hash).toBe(sim.head().hash);
        },
      ),
      { numRuns: 6 },
    );
  });

  it('branches at any instant equal a fresh run and continue exactly like the parent', async () => {
    const sim = await newSim({ simId: 'sim', queues: busy });
    sim.runToEnd();
    for (const t of [0, 1, 600, 5000, 9999.5, HORIZON]) {
      const records = (await ledgerOf(sim)).filter((r) => r.simTime <= t).length;
      const fresh = await newSim({ simId: 'fresh', queues: busy, store: null });
      if (t > 0) fresh.runUntil(t);
      const branch = await sim.branch(t, [], { simId: `b-${t}` });
      expect(branch.head()).toEqual(fresh.head());
      expect(branch.head().seq).toBe(records);
      expect(await ledgerOf(branch)).toEqual((await ledgerOf(sim)).filter((r) => r.simTime <= t));
      branch.runToEnd();
      expect(branch.head()).toEqual(sim.head());
    }
  });

  it('stateAt and rewind without a store resume too and agree with the store-backed run', async () => {
    const a = await newSim({ simId: 'a', queues: busy, store: null });
    const b = await newSim({ simId: 'b', queues: busy });
    playScript(a);
    playScript(b);
    for (const t of [7200, 3333.3, 100]) {
      expect(await a.stateAt(t)).toEqual(await b.stateAt(t));
      await a.rewind(t);
      await b.rewind(t);
      expect(a.head()).toEqual(b.head());
    }
  });
});

describe('resumed re-executions still catch a model that is not deterministic', () => {
  /** A pack that behaves differently in every build after the first: module state leaks into the run. */
  function leakyPack(shift: (build: number) => number): AnyPack {
    let builds = 0;
    return {
      ...queuePack,
      name: 'leaky',
      build: (context) => {
        builds++;
        const model = queuePack.build(context);
        const extraAt = shift(builds);
        const q1 = context.twin.asset('q1');
        if (q1 !== undefined && extraAt > 0) {
          context.env.process(function* leak() {
            yield context.env.timeout(extraAt);
            context.twin.emit(q1, 'LEAK');
          }, 'leak');
        }
        return model;
      },
    };
  }

  async function leakySim(pack: AnyPack, store: MemoryLedgerStore | null, simId: string): Promise<Simulation> {
    const scenario = { ...queueScenario({ queues: busy }), pack: 'leaky' };
    return Simulation.create({ scenario, packs: [pack], store, simId });
  }

  it('an extra record early in the skipped prefix fails rewind and branch with DOPPEL_ERR_LEDGER_CORRUPT', async () => {
    // The first (live) build emits nothing; later builds emit one record at t=60, deep inside the skipped prefix.
    const pack = leakyPack((build) => (build === 1 ? 0 : 60));
    const store = new MemoryLedgerStore();
    const sim = await leakySim(pack, store, 'leaky-1');
    sim.runUntil(HORIZON / 2);
    const head = sim.head();
    expect(sim.head().seq).toBeGreaterThan(10 * LEDGER_BLOCK_SIZE);
    await expect(sim.branch(HORIZON / 2 - 100, [], { simId: 'leaky-branch' })).rejects.toSatisfy(corrupt);
    expect((await store.listSimulations()).map((record) => record.simId)).toEqual(['leaky-1']);
    await expect(sim.rewind(HORIZON / 2 - 100)).rejects.toSatisfy(corrupt);
    expect(sim.status).toBe('failed');
    expect(sim.error?.code).toBe('DOPPEL_ERR_LEDGER_CORRUPT');
    expect(head.seq).toBeGreaterThan((await store.head('leaky-1')).seq);
  });

  it('a difference that only shows near t is caught by the blocks hashed again', async () => {
    // Same count and block ends until close to t: one extra record 30 s before the rewind point.
    const t = 9000;
    const pack = leakyPack((build) => (build === 1 ? 0 : t - 30));
    const store = new MemoryLedgerStore();
    const sim = await leakySim(pack, store, 'leaky-2');
    sim.runUntil(HORIZON);
    await expect(sim.rewind(t)).rejects.toSatisfy(corrupt);
  });

  it('without a store, a rewind that does not reproduce the ledger is refused and the simulation is unchanged', async () => {
    const pack = leakyPack((build) => (build === 1 ? 0 : 60));
    const sim = await leakySim(pack, null, 'leaky-3');
    sim.runUntil(HORIZON / 2);
    const head = sim.head();
    await expect(sim.rewind(HORIZON / 4)).rejects.toSatisfy(corrupt);
    expect(sim.status).toBe('paused');
    expect(sim.head()).toEqual(head);
    await expect(sim.stateAt(HORIZON / 4)).rejects.toSatisfy(corrupt);
  });
});
