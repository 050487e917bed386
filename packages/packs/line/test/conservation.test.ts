import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { machineOee } from '../src/index.js';
import { linearConfig, run, scenarioOf, sumTimes, type StationOptions } from './helpers.js';

const station = fc.record({
  cycle: fc.double({ min: 0.5, max: 20, noNaN: true }),
  buffer_capacity: fc.integer({ min: 1, max: 30 }),
  mtbf: fc.option(fc.double({ min: 2, max: 60, noNaN: true }), { nil: undefined }),
  jam: fc.double({ min: 0, max: 0.2, noNaN: true }),
  defect: fc.double({ min: 0, max: 0.3, noNaN: true }),
  detect: fc.double({ min: 0, max: 1, noNaN: true }),
  batch: fc.integer({ min: 1, max: 4 }),
  output: fc.constantFrom('none', 'tube', 'case', 'pallet', 'box'),
});

describe('material and time are conserved', () => {
  it('released = finished + scrapped + in buffers + in machines (base units); times sum to the horizon; OEE = A × P × Q', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(station, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 600, max: 4 * 3600 }),
        fc.integer({ min: 0, max: 1000 }),
        async (stations, durationS, seed) => {
          const config: Record<string, StationOptions> = {};
          stations.forEach((s, index) => {
            config[`s${index}`] = {
              cycle: s.cycle,
              buffer_capacity: s.buffer_capacity,
              ...(s.output === 'none' || s.output === 'box' ? { batch_in: s.batch } : {}),
              output_type: s.output,
              reliability: s.mtbf === undefined ? {} : { mtbf_min: s.mtbf, mttr_min: 1 },
              performance: { jam_prob: s.jam, jam_time_sec: 5 },
              quality: { defect_rate: s.defect, detection_prob: s.detect },
            };
          });
          const ran = await run(scenarioOf(linearConfig(config), { durationS, seed }));
          const b = ran.line.materialBalance();
          expect(b.released).toBe(b.finished + b.scrapped + b.inBuffers + b.inMachines);
          for (const m of ran.line.machines) {
            expect(sumTimes(m.timesNow())).toBeCloseTo(durationS, 6);
            const oee = machineOee(m);
            expect(oee.oee).toBeCloseTo(oee.availability * oee.performance * oee.quality, 12);
            for (const value of Object.values(oee)) {
              expect(value).toBeGreaterThanOrEqual(0);
              expect(value).toBeLessThanOrEqual(1);
            }
            expect(m.counts.out).toBeLessThanOrEqual(m.counts.in);
          }
          for (const buffer of ran.line.buffers) expect(buffer.level).toBeLessThanOrEqual(buffer.capacity);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
