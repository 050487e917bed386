import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryLedgerStore, Simulation, TwinError, foldStates, type AnyPack } from '../src/index.js';
import { queuePack, queueScenario } from './fixtures/queue-pack.js';
import { playScript } from './fixtures/scripts.js';
import { ledgerOf, newSim } from './fixtures/session-helpers.js';

const HORIZON = 4 * 3600;

describe('rewind', () => {
  it('continues from the exact state at t: identical to a fresh run of the log prefix (property over t)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0, max: HORIZON, noNaN: true }), async (t) => {
        const a = await newSim({ simId: 'a' });
        playScript(a);
        const original = await ledgerOf(a);
        const originalState = await a.stateAt(t);
        await a.rewind(t);
        expect(a.now).toBe(t);
        expect(a.status).toBe(t >= HORIZON ? 'finished' : 'paused');
        const rewound = await ledgerOf(a);
        expect(rewound).toEqual(original.filter((r) => r.simTime <= t));
        expect(a.head().seq).toBe(rewound.length);
        expect(new Map(a.states())).toEqual(originalState);

        const b = await newSim({ simId: 'b', log: a.interventionLog() });
        if (t > 0) b.runUntil(t);
        expect(b.head()).toEqual(a.head());
        expect(b.telemetry()).toEqual(a.telemetry());
        expect(b.interventions()).toEqual(a.interventions());
        a.runToEnd();
        b.runToEnd();
        expect(a.head()).toEqual(b.head());
        expect(await ledgerOf(a)).toEqual(await ledgerOf(b));
        expect(a.telemetry()).toEqual(b.telemetry());
      }),
      { numRuns: 12 },
    );
  });

  it('rewinds at the instants of the script, mid-instant entries included, and replays the rest identically', async () => {
    const reference = await newSim({ simId: 'ref' });
    playScript(reference);
    const head = reference.head();
    for (const t of [0, 900, 1800, 2400, 5000, 7000, HORIZON]) {
      const a = await newSim({ simId: `a-${t}` });
      playScript(a);
      const log = a.interventionLog();
      await a.rewind(t);
      // Re-submit the entries dropped by the rewind exactly as logged: the run ends where the reference did.
      const kept = new Set(a.interventionLog().map((e) => e.id));
      const b = await newSim({ simId: `b-${t}`, log });
      b.runToEnd();
      expect(b.head()).toEqual(head);
      expect(a.interventionLog()).toEqual(log.filter((e) => kept.has(e.id)));
      expect(log.filter((e) => !kept.has(e.id)).every((e) => (e.submittedAt ?? 0) > t)).toBe(true);
    }
  });

  it('replays from the same log gives the reference run', async () => {
    const reference = await newSim({ simId: 'ref' });
    playScript(reference);
    const replay = await newSim({ simId: 'replay', log: reference.interventionLog() });
    replay.runToEnd();
    expect(replay.head()).toEqual(reference.head());
    expect(await ledgerOf(replay)).toEqual(await ledgerOf(reference));
    expect(replay.interventions()).toEqual(reference.interventions());
  });

  it('works without a store, by re-execution', async () => {
    const a = await newSim({ store: null });
    playScript(a);
    const withStore = await newSim();
    playScript(withStore);
    expect(a.head()).toEqual(withStore.head());
    const at = await a.stateAt(3000);
    expect(at).toEqual(await withStore.stateAt(3000));
    await a.rewind(3000);
    await withStore.rewind(3000);
    expect(a.head()).toEqual(withStore.head());
    expect(foldStates(await ledgerOf(withStore))).toEqual(new Map(a.states()));
  });

  it('stateAt equals the fold of the ledger up to t, from snapshots or from scratch', async () => {
    const sim = await newSim();
    playScript(sim);
    const records = await ledgerOf(sim);
    for (const t of [0, 299.99, 300, 4321.5, HORIZON]) {
      expect(await sim.stateAt(t)).toEqual(foldStates(records.filter((r) => r.simTime <= t)));
    }
  });

  it('refuses times outside [0, now] and rewinds during a paced run', async () => {
    const sim = await newSim();
    sim.runUntil(100);
    for (const t of [-1, 101, Number.NaN]) {
      await expect(sim.rewind(t)).rejects.toSatisfy(
        (e: unknown) => e instanceof TwinError && e.code === 'DOPPEL_ERR_TIME_OUT_OF_RANGE',
      );
      await expect(sim.stateAt(t)).rejects.toBeInstanceOf(TwinError);
    }
  });

  it('brings a failed simulation back to before the failure', async () => {
    const sim = await newSim();
    sim.runUntil(1000);
    const head = sim.head();
    expect(() => sim.intervene({ assetId: 'q1', action: 'explode', origin: 'test' })).toThrow();
    expect(sim.status).toBe('failed');
    await sim.rewind(999);
    expect(sim.status).toBe('paused');
    sim.runUntil(1000);
    expect(sim.head()).toEqual(head);
  });

  it('keeps an independent store truncated at the rewind point and notifies listeners', async () => {
    const store = new MemoryLedgerStore();
    const sim = await newSim({ store });
    sim.runToEnd();
    const events: { t: number; seq: number }[] = [];
    sim.on('rewind', (e) => events.push(e));
    await sim.rewind(3600);
    expect(events).toEqual([{ t: 3600, seq: sim.head().seq }]);
    expect((await store.head(sim.id)).seq).toBe(sim.head().seq);
    expect((await store.verify(sim.id)).ok).toBe(true);
    sim.runToEnd();
    await sim.flush();
    expect((await store.head(sim.id)).hash).toBe(sim.head().hash);
    expect((await store.verify(sim.id)).ok).toBe(true);
  });

  it('rewinds a simulation replaying a log without submission times (kept up to the event count reached)', async () => {
    const reference = await newSim({ simId: 'ref' });
    playScript(reference);
    const bare = reference.interventionLog().map(({ submittedAt: _submittedAt, ...entry }) => entry);
    const sim = await newSim({ simId: 'bare', log: bare });
    sim.runToEnd();
    expect(sim.head()).toEqual(reference.head());
    await sim.rewind(3000);
    const kept = sim.interventionLog();
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(bare.length);
    expect(kept.every((entry) => entry.submittedAtEvent <= sim.eventsProcessed)).toBe(true);
    const fresh = await newSim({ simId: 'fresh', log: kept });
    fresh.runUntil(3000);
    expect(fresh.head()).toEqual(sim.head());
    sim.runToEnd();
    fresh.runToEnd();
    expect(fresh.head()).toEqual(sim.head());
  });
});

describe('rewind integrity', () => {
  it('refuses to continue from a re-execution that does not reproduce the stored ledger', async () => {
    // A model that is not a pure function of its inputs: it counts builds in module state.
    let builds = 0;
    const leaky: AnyPack = {
      ...queuePack,
      name: 'leaky',
      build: (context) => {
        builds++;
        const model = queuePack.build(context);
        const q1 = context.twin.asset('q1');
        if (q1 !== undefined) context.twin.update(q1, { served: builds }, 'LEAK');
        return model;
      },
    };
    const scenario = { ...queueScenario(), pack: 'leaky' };
    const store = new MemoryLedgerStore();
    const sim = await Simulation.create({ scenario, packs: [leaky], store, simId: 'leaky-1' });
    sim.runUntil(1000);
    const corrupt = (e: unknown) => e instanceof TwinError && e.code === 'DOPPEL_ERR_LEDGER_CORRUPT';
    await expect(sim.branch(500, [], { simId: 'leaky-branch' })).rejects.toSatisfy(corrupt);
    expect((await store.listSimulations()).map((record) => record.simId)).toEqual(['leaky-1']);
    await expect(sim.rewind(500)).rejects.toSatisfy(corrupt);
    expect(sim.status).toBe('failed');
    expect(sim.error?.code).toBe('DOPPEL_ERR_LEDGER_CORRUPT');
  });
});
