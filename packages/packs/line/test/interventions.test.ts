import { describe, expect, it } from 'vitest';
import { linearConfig, machine, product, run, scenarioOf } from './helpers.js';

// A deterministic line (no failures): a 1 s, b 2 s (bottleneck), c 1 s; buffers of 5.
const steady = (extra: Record<string, unknown> = {}): Record<string, unknown> =>
  linearConfig({ a: { cycle: 1, buffer_capacity: 5 }, b: { cycle: 2, buffer_capacity: 5 }, c: { cycle: 1 } }, extra);
const T = 3600;

describe('interventions', () => {
  it('force_breakdown puts the machine DOWN for exactly the duration and resumes its cycle', async () => {
    const base = await run(scenarioOf(steady(), { durationS: T }));
    const ran = await run(
      scenarioOf(steady(), {
        durationS: T,
        interventions: [{ at: 1000.5, asset: 'b', action: 'force_breakdown', args: { duration_seconds: 300 } }],
      }),
    );
    const b = machine(ran, 'b').timesNow();
    expect(b.DOWN).toBe(300);
    // The bottleneck lost 300 s: 150 fewer units.
    expect(base.line.totals.finished - ran.line.totals.finished).toBe(150);
    const down = ran.ledger.find((e) => e.assetId === 'b' && e.eventType === 'BREAKDOWN');
    const up = ran.ledger.find((e) => e.assetId === 'b' && e.eventType === 'REPAIRED');
    expect(down?.simTime).toBe(1000.5);
    expect(down?.origin).toBe('intervention');
    expect(down?.newValue?.state).toBe('DOWN');
    expect(up?.simTime).toBe(1300.5);
    // Upstream fills its buffer and blocks while b is down.
    expect(machine(ran, 'a').timesNow().BLOCKED).toBeGreaterThan(machine(base, 'a').timesNow().BLOCKED + 140);
  });

  it('a second force_breakdown while DOWN extends the downtime', async () => {
    const ran = await run(
      scenarioOf(steady(), {
        durationS: T,
        interventions: [
          { at: 100, asset: 'a', action: 'force_breakdown', args: { duration_seconds: 100 } },
          { at: 150, asset: 'a', action: 'force_breakdown', args: { duration_seconds: 200 } },
        ],
      }),
    );
    expect(machine(ran, 'a').timesNow().DOWN).toBe(250);
    expect(ran.ledger.filter((e) => e.eventType === 'BREAKDOWN_EXTENDED')).toHaveLength(1);
  });

  it('set_speed 0.5 on the bottleneck halves the line output and shows as a performance loss', async () => {
    const ran = await run(
      scenarioOf(steady(), {
        durationS: T,
        interventions: [{ at: 0, asset: 'b', action: 'set_speed', args: { factor: 0.5 } }],
      }),
    );
    // b now takes 4 s: it finishes units at 5, 9, ... (first unit reaches it at t=1).
    expect(machine(ran, 'b').counts.out).toBe(Math.floor((T - 1) / 4));
    const kpis = ran.sim.assetKpis('b');
    expect(kpis.performance).toBeCloseTo(0.5, 3);
    expect(kpis.availability).toBe(1);
    expect(ran.sim.asset('b').state.speed_factor).toBe(0.5);
  });

  it('set_defect_rate 1 with a perfect inspector sends every later unit to the reject bin', async () => {
    const config = linearConfig({
      a: { cycle: 1 },
      b: { cycle: 1, quality: { detection_prob: 1 } },
      c: { cycle: 1 },
    });
    const ran = await run(
      scenarioOf(config, {
        durationS: 1000,
        interventions: [{ at: 500, asset: 'a', action: 'set_defect_rate', args: { rate: 1 } }],
      }),
    );
    const finishedAfter = ran.ledger.filter((e) => e.eventType === 'UNIT_PRODUCED' && e.simTime > 503);
    expect(finishedAfter).toHaveLength(0);
    expect(machine(ran, 'b').counts.rejects).toBeGreaterThan(490);
    // Every defect made is found by b, except those still between a and b.
    const between = ran.line.materialBalance().inBuffers + machine(ran, 'b').heldUnits + machine(ran, 'a').heldUnits;
    expect(machine(ran, 'a').counts.defects_created - machine(ran, 'b').counts.defects_detected).toBeLessThanOrEqual(
      between,
    );
    expect(ran.sim.assetKpis('a').quality).toBeLessThan(0.51);
  });

  it('block stops a buffer from accepting (its producer is BLOCKED) and unblock resumes', async () => {
    const ran = await run(
      scenarioOf(steady(), {
        durationS: T,
        interventions: [
          { at: 1000, asset: 'a_to_b', action: 'block' },
          { at: 1600, asset: 'a_to_b', action: 'unblock' },
        ],
      }),
    );
    const base = await run(scenarioOf(steady(), { durationS: T }));
    const a = machine(ran, 'a').timesNow();
    // Before: a blocked half the time behind b. During the block a waits the whole 600 s.
    const extra = a.BLOCKED - machine(base, 'a').timesNow().BLOCKED;
    expect(extra).toBeGreaterThan(280);
    expect(extra).toBeLessThan(320);
    const blocked = ran.ledger.find((e) => e.eventType === 'BUFFER_BLOCKED');
    expect(blocked?.newValue).toMatchObject({ blocked: true });
    expect(ran.sim.asset('a_to_b').state.blocked).toBe(false);
    // b drains the 5 units, then starves until the unblock.
    expect(machine(ran, 'b').timesNow().STARVED).toBeGreaterThan(580);
  });

  it('drain scraps the buffer content and keeps the material balance', async () => {
    const ran = await run(
      scenarioOf(steady(), { durationS: T, interventions: [{ at: 1000, asset: 'a_to_b', action: 'drain' }] }),
    );
    const drained = ran.ledger.find((e) => e.eventType === 'BUFFER_DRAINED');
    expect(drained?.meta).toMatchObject({ items: 5, units: 5 });
    const balance = ran.line.materialBalance();
    expect(balance.scrapped).toBe(5);
    expect(balance.released).toBe(balance.finished + balance.scrapped + balance.inBuffers + balance.inMachines);
  });

  it('change_sku switches the units released and the batch sizes that follow them; unknown SKUs fail', async () => {
    const other = {
      ...product,
      name: 'gel',
      description: 'Test gel',
      units_per_case: 6,
      cases_per_pallet: 5,
      selling_price: 200,
    };
    const config = linearConfig(
      {
        filler: { cycle: 1, output_type: 'tube' },
        packer: { cycle: 5, output_type: 'case' },
        pal: { cycle: 2, output_type: 'pallet' },
      },
      { products: [other] },
    );
    const ran = await run(
      scenarioOf(config, {
        durationS: 7200,
        telemetryS: 600,
        interventions: [
          { at: 3600, asset: 'line', action: 'change_sku', args: { product: 'gel' } },
          { at: 3700, asset: 'line', action: 'change_sku', args: { product: 'nope' } },
        ],
      }),
    );
    const produced = ran.ledger.filter((e) => e.eventType === 'UNIT_PRODUCED');
    const gel = produced.filter((e) => e.meta?.sku === 'gel');
    expect(gel.length).toBeGreaterThan(0);
    expect(gel.every((e) => e.meta?.units === 30)).toBe(true);
    expect(produced.filter((e) => e.meta?.sku === 'paste').every((e) => e.meta?.units === 120)).toBe(true);
    expect(ran.sim.asset('line').state.sku).toBe('gel');
    expect(ran.sim.asset('packer').state.sku).toBe('gel');
    const rows = ran.sim.telemetry();
    expect(rows[0]?.sku_name).toBe('paste');
    expect(rows.at(-1)?.sku_name).toBe('gel');
    expect(rows.at(-1)?.units_per_case).toBe(6);
    const statuses = ran.sim.interventions().map((i) => i.status);
    expect(statuses).toEqual(['CONFIRMED', 'FAILED']);
  });
});
