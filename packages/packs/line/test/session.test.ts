import { MemoryLedgerStore, Simulation } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import type { LineRuntime } from '../src/index.js';
import { linearConfig, packs, scenarioOf } from './helpers.js';

const line = linearConfig({
  a: {
    cycle: 1,
    buffer_capacity: 10,
    reliability: { mtbf_min: 10, mttr_min: 1 },
    performance: { jam_prob: 0.02, jam_time_sec: 5 },
  },
  b: { cycle: 1.5, buffer_capacity: 10, quality: { detection_prob: 0.9 } },
  c: { cycle: 1.2, reliability: { mtbf_min: 15, mttr_min: 2 } },
});

async function newSim(config: Record<string, unknown> = line): Promise<Simulation> {
  return Simulation.create({
    scenario: scenarioOf(config, { durationS: 4 * 3600, seed: 11 }),
    packs,
    store: new MemoryLedgerStore(),
    validateUpdates: true,
  });
}

describe('the line on the twin session', () => {
  it('re-executes exactly: interventions mid-run, then rewind and replay give the same ledger', async () => {
    const sim = await newSim();
    sim.runUntil(3600.25);
    sim.intervene({ assetId: 'b', action: 'force_breakdown', args: { duration_seconds: 420 }, origin: 'test' });
    sim.intervene({ assetId: 'a_to_b', action: 'block', args: {}, at: 5000, origin: 'test' });
    sim.intervene({ assetId: 'a_to_b', action: 'unblock', args: {}, at: 5300, origin: 'test' });
    sim.intervene({ assetId: 'c', action: 'set_speed', args: { factor: 0.7 }, at: 6000, origin: 'test' });
    sim.runToEnd();
    const head = sim.head();

    const replay = await Simulation.create({
      scenario: scenarioOf(line, { durationS: 4 * 3600, seed: 11 }),
      packs,
      store: new MemoryLedgerStore(),
      interventionLog: sim.interventionLog(),
    });
    replay.runToEnd();
    expect(replay.head()).toEqual(head);

    await sim.rewind(4000);
    expect(sim.now).toBe(4000);
    sim.runToEnd();
    expect(sim.head()).toEqual(head);
  });

  it('a branch with a longer breakdown diverges and produces less', async () => {
    const sim = await newSim();
    sim.runToEnd();
    const child = await sim.branch(3600, [
      { assetId: 'c', action: 'force_breakdown', args: { duration_seconds: 1800 }, origin: 'test' },
    ]);
    child.runToEnd();
    expect(child.head().hash).not.toBe(sim.head().hash);
    expect(child.kpis().good_pallets + child.kpis().defective_pallets).toBeLessThan(
      sim.kpis().good_pallets + sim.kpis().defective_pallets,
    );
  });

  it('a plant of identical lines draws independent random streams per line', async () => {
    const plant = await newSim({ ...line, lines: 3 });
    plant.runToEnd();
    const lines = plant.assets('line').map((asset) => asset.runtime as LineRuntime);
    expect(lines.map((l) => l.lineId)).toEqual(['line1', 'line2', 'line3']);
    expect(plant.asset('line2.b').kind).toBe('machine');
    const finished = lines.map((l) => l.totals.finished);
    expect(new Set(finished).size).toBeGreaterThan(1);
    expect(plant.kpis().good_pallets + plant.kpis().defective_pallets).toBe(finished.reduce((a, b) => a + b, 0));
    for (const l of lines) {
      const b = l.materialBalance();
      expect(b.released).toBe(b.finished + b.scrapped + b.inBuffers + b.inMachines);
    }
  });

  it('breakpoints read machine and buffer state by kind', async () => {
    const sim = await newSim();
    sim.addBreakpoint("machine('a').state == 'DOWN'");
    const stop = sim.runToEnd();
    expect(stop.reason).toBe('breakpoint');
    expect(sim.asset('a').state.state).toBe('DOWN');
    const first = (await sim.store?.query({ simId: sim.id, assetId: 'a', eventTypes: ['BREAKDOWN'], limit: 1 })) ?? [];
    expect(first[0]?.simTime).toBe(sim.now);
    sim.removeBreakpoint(sim.breakpoints()[0]?.id as string);
    sim.addBreakpoint("buffer('a_to_b').full");
    expect(sim.runToEnd().reason).toBe('breakpoint');
    expect(sim.asset('a_to_b').state.level).toBe(10);
  });
});
