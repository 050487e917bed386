import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linearConfig, machine, run, scenarioOf, sumTimes } from './helpers.js';

describe('blocking and starving on hand-checked lines', () => {
  it('a 1 s machine feeding a 2 s machine through a buffer of 2 is BLOCKED 1 s in every 2 once the buffer fills', async () => {
    // a: t=0..1 unit 1 (b takes it at 1), units 2,3,4 fill the buffer by t=4; from t=6 a waits 1 s for every unit b
    // (2 s per unit) takes: blocked [6,7], [8,9], ..., [998,999] = 497 s; b never waits after t=1.
    const ran = await run(
      scenarioOf(linearConfig({ a: { cycle: 1, buffer_capacity: 2 }, b: { cycle: 2 } }), { durationS: 1000 }),
    );
    const a = machine(ran, 'a').timesNow();
    const b = machine(ran, 'b').timesNow();
    expect(a.BLOCKED).toBe(497);
    expect(a.EXECUTE).toBe(503);
    expect(b.STARVED).toBe(1);
    expect(b.EXECUTE).toBe(999);
    // b finishes a unit at 3, 5, ..., 999.
    expect(ran.line.totals.finished).toBe(499);
  });

  it('a 2 s machine feeding a 1 s machine leaves it STARVED half the time', async () => {
    const ran = await run(scenarioOf(linearConfig({ a: { cycle: 2 }, b: { cycle: 1 } }), { durationS: 1000 }));
    const b = machine(ran, 'b').timesNow();
    // b works [2k, 2k+1] for k = 1..499 and waits otherwise.
    expect(b.EXECUTE).toBe(499);
    expect(b.STARVED).toBe(501);
    expect(machine(ran, 'a').timesNow().BLOCKED).toBe(0);
    expect(ran.line.totals.finished).toBe(499);
  });

  it('a line without failures reaches the bottleneck rate (units per case through a batch transform)', async () => {
    // filler 1 s/tube; packer 12 tubes per case in 15 s: bottleneck 12/15 = 0.8 tubes/s; palletizer 10 cases in 5 s.
    const config = linearConfig({
      filler: { cycle: 1, output_type: 'tube' },
      packer: { cycle: 15, output_type: 'case', buffer_capacity: 50 },
      palletizer: { cycle: 5, output_type: 'pallet' },
    });
    const hours = 10;
    const ran = await run(scenarioOf(config, { durationS: hours * 3600 }));
    const packer = machine(ran, 'packer').timesNow();
    const rate = ran.line.totals.created.get('case') ?? 0;
    // The packer never waits after its first case: it makes (T - 12) / 15 cases.
    expect(rate).toBe(Math.floor((hours * 3600 - 12) / 15));
    expect(packer.STARVED).toBe(12);
    const summary = ran.sim.summary().pack_summary as {
      production: { bottleneck: string; bottleneck_units_per_h: number };
    };
    expect(summary.production.bottleneck).toBe('packer');
    expect(summary.production.bottleneck_units_per_h).toBeCloseTo(2880, 9);
    // Pallets of 10 cases: all but the WIP reached the sink.
    expect(ran.line.totals.finished).toBe(Math.floor(rate / 10) - (rate % 10 === 0 ? 1 : 0));
    for (const m of ran.line.machines) expect(sumTimes(m.timesNow())).toBeCloseTo(hours * 3600, 6);
  });

  it('time in states sums to the horizon and the ledger folds to the same times at each change', async () => {
    const ran = await run(
      scenarioOf(
        linearConfig({
          a: {
            cycle: 1.3,
            reliability: { mtbf_min: 20, mttr_min: 3 },
            performance: { jam_prob: 0.05, jam_time_sec: 7 },
          },
          b: { cycle: 1.1, buffer_capacity: 5, reliability: { mtbf_min: 15, mttr_min: 2 } },
          c: { cycle: 1.4, batch_in: 3, output_type: 'box', quality: { defect_rate: 0.1, detection_prob: 0.5 } },
        }),
        { durationS: 7200, seed: 7 },
      ),
    );
    for (const m of ran.line.machines) {
      expect(sumTimes(m.timesNow())).toBeCloseTo(7200, 6);
      const changes = ran.ledger.filter(
        (e) => e.assetId === m.id && e.newValue !== null && 'time_in_state' in e.newValue,
      );
      for (const change of changes) {
        expect(sumTimes(change.newValue?.time_in_state as Record<string, number>)).toBeCloseTo(change.simTime, 6);
      }
    }
  });

  it('a finite source runs dry: every released unit ends finished and the first station starves', async () => {
    const config = linearConfig({ a: { cycle: 1 }, b: { cycle: 2 } });
    const scenario = config.scenario as { topology: Record<string, unknown> };
    scenario.topology.source = { name: 'lot', initial_inventory: 100 };
    const ran = await run(scenarioOf(config, { durationS: 1000 }));
    expect(ran.line.materialBalance()).toEqual({
      released: 100,
      finished: 100,
      scrapped: 0,
      inBuffers: 0,
      inMachines: 0,
    });
    // a works [0, 100] (blocked while b's buffer is full), then starves for good.
    const a = machine(ran, 'a').timesNow();
    expect(a.STARVED + a.EXECUTE + a.BLOCKED).toBe(1000);
    expect(a.EXECUTE).toBe(100);
    expect(machine(ran, 'b').counts.out).toBe(100);
  });

  it('fast feeding slow: BLOCKED → T·(1 − a/b) and the slow machine runs at its own rate (any cycles, any buffer)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        fc.double({ min: 1.1, max: 3, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        async (a, ratio, capacity) => {
          const b = a * ratio;
          const T = 2000 * b;
          const ran = await run(
            scenarioOf(linearConfig({ x: { cycle: a, buffer_capacity: capacity }, y: { cycle: b } }), { durationS: T }),
          );
          const blocked = machine(ran, 'x').timesNow().BLOCKED;
          // Until the buffer fills (about (capacity + 2) slow cycles) x is never blocked.
          expect(Math.abs(blocked - T * (1 - a / b))).toBeLessThanOrEqual((capacity + 3) * b);
          expect(machine(ran, 'y').timesNow().STARVED).toBeCloseTo(a, 6);
          expect(ran.line.totals.finished).toBe(Math.floor((T - a) / b + 1e-9));
        },
      ),
      { numRuns: 20 },
    );
  }, 60_000);
});
