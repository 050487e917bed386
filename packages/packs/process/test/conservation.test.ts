import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TankBlock } from '../src/components/tank.js';
import { bare, model } from './helpers.js';

/**
 * A tank fed by a sine inflow at a varying temperature, drained through a valve whose opening follows a table,
 * heated by a stepping heater, losing heat to ambient: whatever the figures, the totals balance.
 */
const scenario = fc.record({
  area: fc.double({ min: 0.05, max: 5, noNaN: true }),
  height: fc.double({ min: 0.2, max: 5, noNaN: true }),
  level: fc.double({ min: 0, max: 1, noNaN: true }),
  inflow: fc.double({ min: 0, max: 0.01, noNaN: true }),
  swing: fc.double({ min: 0, max: 1, noNaN: true }),
  kv: fc.double({ min: 0, max: 100, noNaN: true }),
  openings: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 6 }),
  power: fc.double({ min: 0, max: 50_000, noNaN: true }),
  loss: fc.double({ min: 0, max: 200, noNaN: true }),
  method: fc.constantFrom('rk4' as const, 'euler' as const),
});

describe('tank balances (property)', () => {
  it('volume = initial + in − out − overflow, enthalpy = initial + energy in − energy out; level within [0, height]', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const run = bare(
          model(
            [
              {
                id: 'feed',
                type: 'source',
                properties: {
                  kind: 'sine',
                  offset: s.inflow,
                  amplitude: s.inflow * s.swing,
                  frequency_hz: 0.01,
                  unit: 'm3/s',
                },
              },
              {
                id: 'feed_t',
                type: 'source',
                properties: { kind: 'ramp', initial: 10, final: 80, slope_per_s: 0.5, unit: 'degC' },
              },
              {
                id: 'tank',
                type: 'tank',
                properties: {
                  area_m2: s.area,
                  height_m: s.height,
                  initial_level_m: s.level * s.height,
                  loss_w_k: s.loss,
                },
              },
              {
                id: 'opening',
                type: 'source',
                properties: {
                  kind: 'table',
                  table: s.openings.map((v, i) => [i * 60, v]),
                  interpolation: 'hold',
                  unit: 'fraction',
                },
              },
              { id: 'drain', type: 'valve', properties: { kv_m3h: s.kv, time_constant_s: 3 } },
              {
                id: 'power',
                type: 'source',
                properties: { kind: 'step', initial: s.power, final: 0, start_s: 150, unit: 'W' },
              },
              { id: 'heater', type: 'heater', properties: { max_power_w: 50_000 } },
            ],
            [
              'feed.out -> tank.inflow',
              'feed_t.out -> tank.inlet_temperature',
              'opening.out -> drain.opening',
              'tank.pressure -> drain.p_in',
              'drain.flow -> tank.outflow',
              'power.out -> heater.power',
              'heater.heat -> tank.heat',
            ],
          ),
          0.5,
          s.method,
        );
        const tank = run.block<TankBlock>('tank');
        const o = run.offset('tank');
        const first = tank.totals(run.system.state, o);
        for (const t of [60, 120, 300]) {
          run.runTo(t);
          const now = tank.totals(run.system.state, o);
          const scale = Math.max(first.volume_m3, now.in_m3, 1e-6);
          expect(Math.abs(now.volume_m3 - first.volume_m3 - now.in_m3 + now.out_m3 + now.overflow_m3)).toBeLessThan(
            1e-9 * scale,
          );
          const escale = Math.max(Math.abs(first.enthalpy_j), Math.abs(now.energy_in_j), 1);
          expect(Math.abs(now.enthalpy_j - first.enthalpy_j - now.energy_in_j + now.energy_out_j)).toBeLessThan(
            1e-9 * escale,
          );
          const level = run.out('tank', 'level');
          expect(level).toBeGreaterThanOrEqual(0);
          // Overflow holds the level at the rim: above it by at most the 1 mm band it fades in over plus one step's
          // worth of inflow.
          expect(level).toBeLessThanOrEqual(s.height + 1e-3 + (s.inflow * (1 + s.swing) * 0.5) / s.area + 1e-9);
          expect(now.in_m3).toBeGreaterThanOrEqual(0);
          expect(now.out_m3).toBeGreaterThanOrEqual(0);
          expect(now.overflow_m3).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a mixer conserves the flow and the heat flow of its inlets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true })), {
          minLength: 2,
          maxLength: 8,
        }),
        (inlets) => {
          const n = inlets.length;
          const components = [
            { id: 'mix', type: 'mixer', properties: { inlets: n } },
            ...inlets.flatMap(([q, temp], i) => [
              { id: `q${i}`, type: 'source', properties: { value: q, unit: 'm3/s' } },
              { id: `t${i}`, type: 'source', properties: { value: temp, unit: 'degC' } },
            ]),
          ];
          const connections = inlets.flatMap((_, i) => [
            `q${i}.out -> mix.flow_${i + 1}`,
            `t${i}.out -> mix.temperature_${i + 1}`,
          ]);
          const run = bare(model(components, connections));
          const total = inlets.reduce((a, [q]) => a + q, 0);
          const heat = inlets.reduce((a, [q, temp]) => a + q * temp, 0);
          expect(run.out('mix', 'flow')).toBeCloseTo(total, 12);
          if (total > 1e-9) expect(run.out('mix', 'temperature') * total).toBeCloseTo(heat, 9);
        },
      ),
      { numRuns: 100 },
    );
  });
});
