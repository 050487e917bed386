import { MemoryLedgerStore, Simulation, type LedgerStore } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/config.js';
import { loadPacks } from '../src/packs.js';
import { CoalescingLedgerStore } from '../src/sim/coalescing-store.js';
import { ExampleCatalog } from '../src/sim/examples.js';

/** A memory store that counts the appends it receives. */
function counted(): { store: MemoryLedgerStore; appends: () => number } {
  const store = new MemoryLedgerStore();
  let appends = 0;
  const append = store.append.bind(store);
  store.append = (simId, records, sealed) => {
    appends++;
    return append(simId, records, sealed);
  };
  return { store, appends: () => appends };
}

async function citySim(store: LedgerStore): Promise<Simulation> {
  const packs = await loadPacks([]);
  const scenario = new ExampleCatalog(`${repoRoot}/examples`).load('city-10', packs.list());
  if (scenario === null) throw new Error('city-10 example missing');
  return Simulation.create({ scenario, packs, seed: scenario.seed, store });
}

describe('coalescing ledger store', () => {
  it('writes a burst of interventions as one append, and the ledger matches a direct store', async () => {
    const direct = new MemoryLedgerStore();
    const reference = await citySim(direct);
    const { store: inner, appends } = counted();
    const store = new CoalescingLedgerStore(inner, { delayMs: 1_000 });
    const sim = await citySim(store);
    for (const run of [reference, sim]) {
      run.runUntil(3600);
      for (let i = 0; i < 20; i++) {
        const args = { factor: 1 + i / 100 };
        run.intervene({ assetId: 'station_01', action: 'set_service_speed', args, origin: 'api' });
      }
    }
    const before = appends();
    await store.drain();
    // Everything since the last write (the run's batches and 20 interventions) went as one append.
    expect(appends()).toBe(before + 1);
    await reference.flush();
    await sim.flush();
    expect(await store.query({ simId: sim.id, limit: 100_000 })).toEqual(
      await direct.query({ simId: reference.id, limit: 100_000 }),
    );
    expect((await store.head(sim.id)).hash).toBe((await direct.head(reference.id)).hash);
  });

  it('writes what is queued before any read, and on its own after the delay', async () => {
    const { store: inner, appends } = counted();
    const store = new CoalescingLedgerStore(inner, { delayMs: 5 });
    const sim = await citySim(store);
    sim.runUntil(6 * 3600);
    const head = sim.head().seq;
    expect(head).toBeGreaterThan(0);
    // No drain and no flush: the read itself writes the queue first.
    const records = await store.query({ simId: sim.id, limit: 100_000 });
    expect(records.at(-1)?.seq).toBe(head);
    const written = appends();
    sim.runUntil(9 * 3600);
    expect(sim.head().seq).toBeGreaterThan(head);
    expect(appends()).toBe(written);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(appends()).toBe(written + 1);
    expect((await inner.head(sim.id)).seq).toBe(sim.head().seq);
  });

  it('rejects every append of a failed write', async () => {
    const inner = new MemoryLedgerStore();
    const store = new CoalescingLedgerStore(inner, { delayMs: 1_000 });
    inner.append = () => Promise.reject(new Error('disk full'));
    const first = store.append('sim', [], []);
    const second = store.append('sim', [], []);
    void store.drain();
    await expect(first).rejects.toThrow('disk full');
    await expect(second).rejects.toThrow('disk full');
  });
});
