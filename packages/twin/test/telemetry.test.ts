import { describe, expect, it } from 'vitest';
import { MemoryLedgerStore, Simulation, foldStates, type TelemetryRow } from '../src/index.js';
import { queuePack, queueScenario } from './fixtures/queue-pack.js';
import { ledgerOf, newSim } from './fixtures/session-helpers.js';

describe('telemetry monitor', () => {
  it('writes a row per interval with time, datetime, counter increments, gauges and pack columns', async () => {
    const sim = await newSim({ durationS: 3600, telemetryIntervalS: 600 });
    const streamed: TelemetryRow[] = [];
    sim.on('telemetry', (row) => streamed.push(row));
    sim.runToEnd();
    const rows = sim.telemetry();
    expect(rows.map((r) => r.time)).toEqual([600, 1200, 1800, 2400, 3000, 3600]);
    expect(rows[0].datetime).toBe('2026-06-01T04:10:00.000Z');
    expect(Object.keys(rows[0])).toEqual(['time', 'datetime', 'arrivals', 'served', 'queued', 'q1_queue', 'q2_queue']);
    // Counters are increments that add up to the totals; gauges are the value at the end of the run.
    const kpis = sim.kpis();
    expect(rows.reduce((sum, r) => sum + (r.served as number), 0)).toBe(kpis.served);
    expect(rows.reduce((sum, r) => sum + (r.arrivals as number), 0)).toBe(kpis.arrivals);
    expect(rows.at(-1)?.queued).toBe(kpis.queued);
    expect(rows.at(-1)?.q1_queue).toBe(sim.asset('q1').state.queue_length);
    expect(streamed).toEqual(rows);
  });

  it('samples the state at each boundary, inclusive of the events at the boundary', async () => {
    const sim = await newSim({ durationS: 7200, telemetryIntervalS: 300 });
    sim.runToEnd();
    const records = await ledgerOf(sim);
    for (const row of sim.telemetry()) {
      const states = foldStates(records.filter((r) => r.simTime <= row.time));
      expect(row.q1_queue).toBe(states.get('q1')?.queue_length);
      expect(row.q2_queue).toBe(states.get('q2')?.queue_length);
    }
  });

  it('ends with a partial interval at the horizon', async () => {
    const sim = await newSim({ durationS: 1000, telemetryIntervalS: 300 });
    sim.runToEnd();
    expect(sim.telemetry().map((r) => r.time)).toEqual([300, 600, 900, 1000]);
  });

  it('never changes the ledger, whatever the interval', async () => {
    const heads = [];
    for (const interval of [60, 300, 3600]) {
      const sim = await newSim({ telemetryIntervalS: interval });
      sim.runToEnd();
      heads.push(sim.head());
    }
    expect(heads[1]).toEqual(heads[0]);
    expect(heads[2]).toEqual(heads[0]);
  });

  it('is the same however the run is cut into pieces', async () => {
    const whole = await newSim();
    whole.runToEnd();
    const cut = await newSim();
    for (const t of [300, 450, 600, 601, 1199.5, 2400]) cut.runUntil(t);
    cut.step({ events: 5 });
    cut.runToEnd();
    expect(cut.telemetry()).toEqual(whole.telemetry());
  });

  it('writes full-state snapshots to the store at interval boundaries', async () => {
    const spy = () => {
      const store = new MemoryLedgerStore();
      const calls: { seq: number; simTime: number; size: number }[] = [];
      const original = store.putSnapshot.bind(store);
      store.putSnapshot = async (simId, seq, simTime, states) => {
        calls.push({ seq, simTime, size: states.size });
        return original(simId, seq, simTime, states);
      };
      return { store, calls };
    };
    const every = spy();
    const sim = await Simulation.create({
      scenario: queueScenario({ durationS: 1800, telemetryIntervalS: 600 }),
      packs: [queuePack],
      store: every.store,
      snapshotEveryRecords: 1,
    });
    sim.runToEnd();
    await sim.flush();
    expect(every.calls.map((c) => c.simTime)).toEqual([600, 1200, 1800]);
    expect(every.calls.every((c) => c.size === 2)).toBe(true);
    const records = await ledgerOf(sim);
    expect(await every.store.stateAt(sim.id, 1200)).toEqual(foldStates(records.filter((r) => r.simTime <= 1200)));

    // By default a snapshot waits for enough new records, so big models do not pay a full state every interval.
    const sparse = spy();
    const long = await newSim({ store: sparse.store, durationS: 24 * 3600, telemetryIntervalS: 300 });
    long.runToEnd();
    await long.flush();
    const seqs = sparse.calls.map((c) => c.seq);
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs.length).toBeLessThan(long.telemetry().length);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i] - seqs[i - 1]).toBeGreaterThanOrEqual(2048);
  });
});
