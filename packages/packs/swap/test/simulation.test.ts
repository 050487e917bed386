import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile, MemoryLedgerStore, Simulation, type ResolvedScenario } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { swapPack } from '../src/index.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '../../../../examples/swap');
const load = (name: string, seed?: number): ResolvedScenario =>
  loadScenarioFile(join(examples, name), { packs: [swapPack], ...(seed !== undefined ? { seed } : {}) });

async function runToEnd(scenario: ResolvedScenario, store: MemoryLedgerStore | null = null): Promise<Simulation> {
  const sim = await Simulation.create({ scenario, packs: [swapPack], store });
  sim.runToEnd();
  await sim.flush();
  return sim;
}

/**
 * Ledger head hashes of the shipped examples (24 h, their own seeds). A change to the model that alters one must
 * update it here on purpose and say why in the commit.
 */
const GOLDEN: Record<string, string> = {
  'city-10.yaml': 'fdfbd1403fd151eb279dfe6a31d3b1c17d4b3d50c7b9e57f8126093032df5a58',
  'historical-demand.yaml': '062879a3b2d7db385b7e91461699abe690eace30e64f4204322415035feba9a4',
  // A is the evening peak as it is: the same run (the name is not part of the ledger).
  'evening-peak.yaml': '9434af7b036cd2194c6ae915e5d4337df73d0ae0cf304ca25fd0b081cf85940a',
  'evening-peak-a.yaml': '9434af7b036cd2194c6ae915e5d4337df73d0ae0cf304ca25fd0b081cf85940a',
  'evening-peak-b.yaml': '146c5011ef5abf6a69a77945aafee25b34ed4b06127631bfc20322a740a3130c',
};

describe('examples on the real Simulation', () => {
  it.each(Object.keys(GOLDEN))('%s reproduces its golden ledger hash', async (file) => {
    const sim = await runToEnd(load(file));
    const summary = sim.summary();
    expect(summary.status).toBe('finished');
    expect(summary.ledger_sha256).toBe(GOLDEN[file]);
  });

  it('the same scenario and seed give the same ledger; another seed another one', async () => {
    const a = (await runToEnd(load('city-10.yaml', 5))).summary();
    const b = (await runToEnd(load('city-10.yaml', 5))).summary();
    const c = (await runToEnd(load('city-10.yaml', 6))).summary();
    expect(b.ledger_sha256).toBe(a.ledger_sha256);
    expect(b.kpis).toEqual(a.kpis);
    expect(c.ledger_sha256).not.toBe(a.ledger_sha256);
  });

  it('instant replay: rewinding A to 17:55 and opening the reserve chargers gives exactly run B', async () => {
    const a = await runToEnd(load('evening-peak-a.yaml'), new MemoryLedgerStore());
    const at = 17 * 3600 + 55 * 60;
    const requests = a.assets('station').map((s) => ({
      assetId: s.id,
      action: 'open_reserve_chargers',
      origin: 'api' as const,
      at,
    }));
    const branch = await a.branch(at, requests);
    branch.runToEnd();
    const b = (await runToEnd(load('evening-peak-b.yaml'))).summary();
    expect(branch.summary().kpis).toEqual(b.kpis);
    expect(branch.summary().ledger_sha256).toBe(b.ledger_sha256);
    expect(branch.summary().kpis.reneges).toBeLessThan(a.summary().kpis.reneges);
  });

  it('the network recent-window p95 wait rises into the evening peak, and opening reserve chargers lowers it', async () => {
    const recentAt = (sim: Simulation, fromH: number, toH: number): number[] =>
      sim
        .telemetry()
        .filter((row) => row.time > fromH * 3600 && row.time <= toH * 3600)
        .map((row) => Number(row.wait_p95_recent_s));
    const a = await runToEnd(load('evening-peak-a.yaml'));
    const b = await runToEnd(load('evening-peak-b.yaml'));
    const morning = Math.max(...recentAt(a, 9, 12));
    const peakA = Math.max(...recentAt(a, 17.5, 20));
    const peakB = Math.max(...recentAt(b, 17.5, 20));
    expect(peakA).toBeGreaterThan(morning);
    expect(peakA).toBeGreaterThan(60);
    expect(peakB).toBeLessThan(peakA);
  });

  it("the seed's God Mode body: a charger fault injected through the session clears by itself", async () => {
    const store = new MemoryLedgerStore();
    const sim = await Simulation.create({ scenario: load('city-10.yaml'), packs: [swapPack], store });
    sim.runUntil(8 * 3600);
    const record = sim.intervene({
      assetId: 'station_04',
      action: 'inject_fault',
      args: { target: 'charger_03', fault_type: 'connector_lock_failure', duration_seconds: 1200 },
      origin: 'api',
    });
    expect(record.status).toBe('CONFIRMED');
    sim.runUntil(9 * 3600);
    await sim.flush();
    const events = await store.query({
      simId: sim.id,
      assetId: 'station_04',
      eventTypes: ['FAULT_INJECTED', 'FAULT_CLEARED'],
    });
    expect(events.map((e) => [e.eventType, e.simTime, e.origin])).toEqual([
      ['FAULT_INJECTED', 8 * 3600, 'intervention'],
      ['FAULT_CLEARED', 8 * 3600 + 1200, 'intervention'],
    ]);
    expect(sim.interventions()[0].ended).toBe(true);
    // Telemetry carries the pack's KPIs every 5 minutes.
    const rows = sim.telemetry();
    expect(rows.length).toBeGreaterThanOrEqual(9 * 12 - 1);
    const last = rows[rows.length - 1];
    for (const kpi of ['swaps', 'wait_p95_s', 'queue_length', 'energy_kwh', 'power_draw_kw'])
      expect(last).toHaveProperty(kpi);
    // Counters arrive as increments per interval.
    expect(rows.every((row) => (row.swaps as number) >= 0)).toBe(true);
    const counted = rows.reduce((sum, row) => sum + (row.swaps as number), 0);
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThanOrEqual(sim.kpis().swaps);
  });
});
