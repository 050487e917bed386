import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PidBlock } from '../src/components/pid.js';
import type { ValveBlock } from '../src/components/valve.js';
import { bare, model } from './helpers.js';

/**
 * A step's first stage reuses the outputs evaluated at the end of the previous step, evaluating again only the
 * blocks an update changed (a sensor's new sample and what reads it, a controller in manual). It must change nothing:
 * the same model run with every block evaluated at every stage gives the same states and signals, bit for bit.
 */
describe('reusing the outputs at the end of a step', () => {
  it('gives the same states and signals as evaluating every block at every stage', () => {
    fc.assert(
      fc.property(
        fc.record({
          sampleS: fc.constantFrom(0, 0.1, 0.5, 2),
          noise: fc.constantFrom(0, 0.2),
          valveLagS: fc.constantFrom(0, 1.5),
          kp: fc.double({ min: 100, max: 5000, noNaN: true }),
          openingStepS: fc.integer({ min: 1, max: 50 }),
          manualAtS: fc.integer({ min: 1, max: 40 }),
          // Every change falls inside the 60 s run: the last one at 40 + 19 + 0.05 s.
          manualForS: fc.integer({ min: 1, max: 19 }),
          stickAtS: fc.integer({ min: 1, max: 55 }),
          method: fc.constantFrom('rk4' as const, 'euler' as const),
        }),
        (c) => {
          const spec = model(
            [
              { id: 'feed', type: 'source', properties: { kind: 'sine', offset: 0.2, amplitude: 0.1, unit: 'L/s' } },
              { id: 'tank', type: 'tank', properties: { area_m2: 0.1, height_m: 1, initial_level_m: 0.5 } },
              { id: 'heater', type: 'heater', properties: { max_power_w: 20_000 } },
              { id: 'sensor', type: 'sensor', properties: { noise_sd: c.noise, sample_s: c.sampleS } },
              { id: 'pid', type: 'pid', properties: { kp: c.kp, ki: 2, setpoint: 30, out_max: 20_000 } },
              {
                id: 'opening',
                type: 'source',
                properties: { kind: 'step', initial: 0.2, final: 0.8, start_s: c.openingStepS, unit: 'fraction' },
              },
              { id: 'drain', type: 'valve', properties: { kv_m3h: 3, time_constant_s: c.valveLagS } },
              { id: 'level', type: 'sensor', properties: { noise_sd: c.noise / 100 } },
              { id: 'alarm', type: 'thermostat', properties: { setpoint: 0.5, action: 'cooling', hysteresis: 0.01 } },
            ],
            [
              'feed.out -> tank.inflow',
              'tank.temperature -> sensor.value',
              'sensor.measured -> pid.pv',
              'pid.out -> heater.power',
              'heater.heat -> tank.heat',
              'opening.out -> drain.opening',
              'tank.pressure -> drain.p_in',
              'drain.flow -> tank.outflow',
              'tank.level -> level.value',
              'level.measured -> alarm.pv',
            ],
          );
          const trace = (reuse: boolean): number[][] => {
            const run = bare(spec, 0.1, c.method, 7, reuse);
            const rows: number[][] = [];
            const pid = run.block<PidBlock>('pid');
            const drain = run.block<ValveBlock>('drain');
            // Changes between steps as interventions make them: the block changes, then the outputs are refreshed.
            const at = (t: number, change: () => void): void => {
              if (run.env.now < t) run.env.run({ until: t });
              change();
              run.system.refresh();
            };
            const changes: [number, () => void][] = [
              [c.manualAtS + 0.05, () => pid.setMode('manual', run.system.state, run.offset('pid'), 5000)],
              [c.manualAtS + c.manualForS + 0.05, () => pid.setMode('auto', run.system.state, run.offset('pid'))],
              [c.stickAtS + 0.05, () => drain.stick(run.system.state, run.offset('drain'), undefined)],
            ];
            changes.sort((a, b) => a[0] - b[0]);
            for (const [t, change] of changes) {
              at(t, change);
              rows.push([...run.system.state, ...run.system.signals]);
            }
            run.runTo(60);
            rows.push([...run.system.state, ...run.system.signals]);
            return rows;
          };
          expect(trace(true)).toEqual(trace(false));
        },
      ),
      { numRuns: 12 },
    );
  });
});
