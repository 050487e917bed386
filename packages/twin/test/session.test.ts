import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryLedgerStore, Simulation, TwinError, type LedgerEvent } from '../src/index.js';
import { queuePack, queueScenario } from './fixtures/queue-pack.js';
import { ledgerOf, newSim } from './fixtures/session-helpers.js';

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return error instanceof TwinError ? error.code : `not a TwinError: ${String(error)}`;
  }
  return undefined;
}

describe('Simulation', () => {
  it('builds the assets at t=0 and registers itself in the store', async () => {
    const store = new MemoryLedgerStore();
    const sim = await newSim({ store, simId: 'sim-a' });
    expect(sim.status).toBe('ready');
    expect(sim.now).toBe(0);
    expect(sim.horizon).toBe(4 * 3600);
    expect(sim.assets().map((a) => a.id)).toEqual(['q1', 'q2']);
    expect(sim.asset('q1').state).toMatchObject({ queue_length: 0, online: true });
    const record = await store.getSimulation('sim-a');
    expect(record).toMatchObject({ simId: 'sim-a', pack: 'queue', seed: 42, parentSimId: null });
    expect(JSON.parse(record?.scenarioJson ?? '{}').sha256).toBe(sim.scenario.sha256);
  });

  it('runUntil is inclusive: the state at t includes the events at exactly t', async () => {
    const a = await newSim();
    a.runUntil(3600);
    const records = await ledgerOf(a);
    const times = records.map((r) => r.simTime).filter((t) => t > 0);
    // Pick the time of some event and stop exactly there in another run.
    const t = times[Math.floor(times.length / 2)];
    const b = await newSim();
    const info = b.runUntil(t);
    expect(info).toMatchObject({ reason: 'until', status: 'paused', now: t });
    const bRecords = await ledgerOf(b);
    expect(bRecords.at(-1)?.simTime).toBe(t);
    expect(bRecords).toEqual(records.filter((r) => r.simTime <= t));
  });

  it('steps by events and by sim time, and the pieces add up to one run', async () => {
    const whole = await newSim();
    whole.runToEnd();
    const pieces = await newSim();
    pieces.step({ events: 1 });
    expect(pieces.eventsProcessed).toBe(1);
    pieces.step({ events: 17 });
    expect(pieces.eventsProcessed).toBe(18);
    const before = pieces.now;
    pieces.step({ dt: 123.5 });
    expect(pieces.now).toBe(before + 123.5);
    pieces.runUntil(3000);
    pieces.step({ events: 3 });
    const end = pieces.runToEnd();
    expect(end).toMatchObject({ reason: 'end', status: 'finished', now: 4 * 3600 });
    expect(pieces.head()).toEqual(whole.head());
    expect(pieces.eventsProcessed).toBe(whole.eventsProcessed);
    expect(pieces.telemetry()).toEqual(whole.telemetry());
  });

  it('clamps at the horizon, then refuses to go on', async () => {
    const sim = await newSim({ durationS: 1000 });
    const info = sim.runUntil(5000);
    expect(info).toMatchObject({ reason: 'end', status: 'finished', now: 1000 });
    expect(await codeOf(() => sim.runUntil(6000))).toBe('DOPPEL_ERR_SIMULATION_FINISHED');
    expect(await codeOf(() => sim.step({ events: 1 }))).toBe('DOPPEL_ERR_SIMULATION_FINISHED');
    expect(sim.runToEnd().reason).toBe('end');
    expect(
      await codeOf(() => sim.intervene({ assetId: 'q1', action: 'set_rate', args: { rate_per_h: 1 }, origin: 'api' })),
    ).toBe('DOPPEL_ERR_SIMULATION_FINISHED');
  });

  it('rejects running backwards and bad step arguments', async () => {
    const sim = await newSim();
    sim.runUntil(100);
    expect(await codeOf(() => sim.runUntil(50))).toBe('DOPPEL_ERR_TIME_OUT_OF_RANGE');
    expect(await codeOf(() => sim.step({ events: 0 }))).toBe('DOPPEL_ERR_INVALID_ARGUMENTS');
    expect(await codeOf(() => sim.step({ dt: -1 }))).toBe('DOPPEL_ERR_INVALID_ARGUMENTS');
    expect(await codeOf(() => sim.asset('nope'))).toBe('DOPPEL_ERR_UNKNOWN_ASSET');
  });

  it('publishes ledger batches in order without gaps, and status changes', async () => {
    const sim = await newSim();
    const seen: LedgerEvent[] = [];
    const statuses: string[] = [];
    sim.subscribe((batch) => seen.push(...batch));
    sim.on('status', (change) => statuses.push(`${change.previous}->${change.status}`));
    sim.runUntil(1800);
    sim.runToEnd();
    await sim.flush();
    // Records of the build (before subscribing) are published with the first batch.
    expect(seen.map((r) => r.seq)).toEqual(Array.from({ length: sim.head().seq }, (_, i) => i + 1));
    expect(statuses).toEqual(['ready->running', 'running->paused', 'paused->running', 'running->finished']);
  });

  it('reports KPIs, asset KPIs, asset status and a summary', async () => {
    const sim = await newSim();
    sim.runToEnd();
    const kpis = sim.kpis();
    expect(kpis.served).toBeGreaterThan(0);
    expect(sim.assetKpis('q1').served).toBe(sim.asset('q1').state.served);
    expect(['ok', 'warning', 'critical', 'offline']).toContain(sim.assetStatus('q1'));
    const summary = sim.summary();
    expect(summary).toMatchObject({
      scenario_sha256: sim.scenario.sha256,
      ledger_sha256: sim.head().hash,
      seed: 42,
      sim_time_s: 4 * 3600,
      events: sim.eventsProcessed,
      ledger_events: sim.head().seq,
      status: 'finished',
      wall_s: null,
      kpis,
    });
    expect(summary.pack_summary).toHaveProperty('balked');
  });

  it('works without a store (hashes only)', async () => {
    const withStore = await newSim();
    const without = await newSim({ store: null });
    withStore.runToEnd();
    without.runToEnd();
    expect(without.head()).toEqual(withStore.head());
  });

  it('needs the pack of the scenario and a valid config', async () => {
    expect(await codeOf(() => Simulation.create({ scenario: queueScenario(), packs: [] }))).toBe(
      'DOPPEL_ERR_UNKNOWN_PACK',
    );
    const bad = { ...queueScenario(), config: { queues: [] } };
    expect(await codeOf(() => Simulation.create({ scenario: bad, packs: [queuePack] }))).toBe(
      'DOPPEL_ERR_SCENARIO_INVALID',
    );
  });

  it('queries its ledger through the store, and refuses without one', async () => {
    const sim = await newSim();
    sim.runUntil(3600);
    const q1 = await sim.query({ assetId: 'q1', eventTypes: ['QUEUE_INCREMENT'] });
    expect(q1.length).toBeGreaterThan(0);
    expect(q1.every((r) => r.assetId === 'q1' && r.eventType === 'QUEUE_INCREMENT')).toBe(true);
    const page = await sim.query({ afterSeq: 10, limit: 5 });
    expect(page.map((r) => r.seq)).toEqual([11, 12, 13, 14, 15]);
    const bare = await newSim({ store: null });
    expect(await codeOf(() => bare.query())).toBe('DOPPEL_ERR_INVALID_STATE');
  });

  it('any way of cutting a run into calls gives the same ledger and telemetry (property)', async () => {
    const whole = await newSim({ store: null });
    whole.runToEnd();
    const step = fc.oneof(
      fc.record({ kind: fc.constant('until' as const), dt: fc.double({ min: 0, max: 2000, noNaN: true }) }),
      fc.record({ kind: fc.constant('events' as const), n: fc.integer({ min: 1, max: 200 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 15 }), async (steps) => {
        const sim = await newSim({ store: null });
        for (const s of steps) {
          if (sim.status === 'finished') break;
          if (s.kind === 'until') sim.runUntil(Math.min(sim.now + s.dt, sim.horizon));
          else sim.step({ events: s.n });
        }
        sim.runToEnd();
        expect(sim.head()).toEqual(whole.head());
        expect(sim.telemetry()).toEqual(whole.telemetry());
      }),
      { numRuns: 25 },
    );
  });
});
