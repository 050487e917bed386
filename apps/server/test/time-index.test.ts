import { MemoryLedgerStore, Simulation, type LedgerEvent } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/config.js';
import { loadPacks } from '../src/packs.js';
import { ExampleCatalog } from '../src/sim/examples.js';
import { RecentRecords, TimeIndex } from '../src/sim/time-index.js';

async function city(hours: number): Promise<{ sim: Simulation; store: MemoryLedgerStore; records: LedgerEvent[] }> {
  const packs = await loadPacks([]);
  const scenario = new ExampleCatalog(`${repoRoot}/examples`).load('city-10', packs.list());
  if (scenario === null) throw new Error('city-10 example missing');
  const store = new MemoryLedgerStore();
  const sim = await Simulation.create({ scenario, packs, seed: scenario.seed, store });
  sim.runUntil(hours * 3600);
  await sim.flush();
  const records = await store.query({ simId: sim.id, limit: 1_000_000 });
  return { sim, store, records };
}

function kindOf(sim: Simulation): (assetId: string) => string | undefined {
  return (assetId) => sim.asset(assetId).kind;
}

describe('time index', () => {
  it('answers what the store folds, at every instant, with checkpoints and live batches', async () => {
    const { sim, store, records } = await city(24);
    expect(records.length).toBeGreaterThan(1_000);
    const index = new TimeIndex(kindOf(sim));
    // Built from the first half of the ledger, then fed the rest in uneven live batches.
    const half = records.slice(0, Math.floor(records.length / 2));
    let served = false;
    const timeline = await index.build('station', 64, async (afterSeq) => {
      if (served) return [];
      served = true;
      return half.filter((record) => record.seq > afterSeq);
    });
    expect(timeline).not.toBeNull();
    const rest = records.slice(half.length);
    for (let i = 0; i < rest.length; i += 97) index.ingest(rest.slice(i, i + 97));
    const stations = sim.assets('station').map((asset) => asset.id);
    const end = records[records.length - 1].simTime;
    const instants = [0, 1, end, ...Array.from({ length: 40 }, (_, i) => Math.round((i * end) / 40) + 0.5)];
    instants.push(...records.filter((_, i) => i % 501 === 0).map((record) => record.simTime));
    for (const t of instants) {
      const expected = await store.stateAt(sim.id, t, stations);
      const actual = index.get('station')?.stateAt(t);
      expect(actual, `t=${t}`).toEqual(expected);
    }
  });

  it('drops a timeline on a gap in the ledger and after a clear, and builds it again', async () => {
    const { sim, records } = await city(2);
    const index = new TimeIndex(kindOf(sim));
    const pages = async (afterSeq: number): Promise<LedgerEvent[]> =>
      records.filter((record) => record.seq > afterSeq && record.seq <= 100);
    expect(await index.build('station', 16, pages)).not.toBeNull();
    index.ingest(records.slice(100, 110));
    expect(index.get('station')?.coveredSeq).toBe(110);
    index.ingest(records.slice(120, 130));
    expect(index.get('station')).toBeUndefined();
    expect(await index.build('station', 16, pages)).not.toBeNull();
    index.clear();
    expect(index.get('station')).toBeUndefined();
  });

  it('gives up a build that a rewind overtakes', async () => {
    const { sim, records } = await city(1);
    const index = new TimeIndex(kindOf(sim));
    const built = index.build('station', 16, async (afterSeq) => {
      index.clear();
      return records.filter((record) => record.seq > afterSeq);
    });
    expect(await built).toBeNull();
    expect(index.get('station')).toBeUndefined();
  });

  it('builds from recent records in memory, reading from the store only what came before them', async () => {
    const { sim, store, records } = await city(24);
    const recent = new RecentRecords(1_000_000);
    // Memory starts a third of the way in (as after a rewind); before that, the store answers.
    const third = Math.floor(records.length / 3);
    for (let i = third; i < records.length; i += 50) recent.ingest(records.slice(i, i + 50));
    const storedReads: number[] = [];
    const stored = async (afterSeq: number, limit: number) => {
      storedReads.push(afterSeq);
      return store.query({ simId: sim.id, afterSeq, limit, order: 'asc' });
    };
    const index = new TimeIndex(kindOf(sim));
    const timeline = await index.build('station', 32, (afterSeq) =>
      recent.page(afterSeq, { memory: 700, stored: 300 }, stored),
    );
    expect(timeline).not.toBeNull();
    expect(timeline?.coveredSeq).toBe(records.length);
    // Only the records before memory came from the store, in pages that stop where memory starts.
    expect(Math.max(...storedReads)).toBeLessThan(third);
    const stations = sim.assets('station').map((asset) => asset.id);
    const end = records[records.length - 1].simTime;
    for (let i = 0; i <= 30; i++) {
      const t = (i * end) / 30;
      expect(timeline?.stateAt(t), `t=${t}`).toEqual(await store.stateAt(sim.id, t, stations));
    }
  });

  it('keeps no records past its limit, and starts again after a clear', async () => {
    const recent = new RecentRecords(10);
    const record = (seq: number): LedgerEvent => ({
      seq,
      simTime: seq,
      assetId: 'a',
      eventType: 'E',
      oldValue: null,
      newValue: { v: seq },
      meta: null,
      origin: 'sim',
    });
    let storeReads = 0;
    const stored = async (): Promise<LedgerEvent[]> => {
      storeReads++;
      return [];
    };
    const limits = { memory: 100, stored: 100 };
    recent.ingest([1, 2, 3].map(record));
    expect((await recent.page(1, limits, stored)).map((item) => item.seq)).toEqual([2, 3]);
    // A batch that does not follow on starts a new run of records: what came before is the store's.
    recent.ingest([7, 8].map(record));
    expect((await recent.page(6, limits, stored)).map((item) => item.seq)).toEqual([7, 8]);
    expect(storeReads).toBe(0);
    await recent.page(2, limits, stored);
    expect(storeReads).toBe(1);
    // Past the limit nothing is kept, not even later batches, until a clear.
    recent.ingest(Array.from({ length: 20 }, (_, i) => record(9 + i)));
    recent.ingest([29].map(record));
    expect(await recent.page(28, limits, stored)).toEqual([]);
    expect(storeReads).toBe(2);
    recent.clear();
    recent.ingest([40, 41].map(record));
    expect((await recent.page(39, limits, stored)).map((item) => item.seq)).toEqual([40, 41]);
    expect(storeReads).toBe(2);
  });
});
