import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveScenarioObject, Simulation, type DatasetValue } from '@doppel/twin';
import { fleetDataset, fleetPack } from '../src/index.js';

const packs = [fleetPack];

/** A CCRs approach (a stopped car ahead) at `kmh`, recorded by the pack's dataset recorder. */
async function episode(kmh: number, aeb: boolean, horizonS = 3, seed = 1) {
  const scenario = resolveScenarioObject(
    {
      doppel: 1,
      name: 'ccrs',
      pack: 'fleet',
      duration: 30,
      seed,
      fleet: {
        entities: { ego: { behaviour: { aeb: { enabled: aeb } } } },
        test: { type: 'emergency_braking', params: { target: 'stationary', initial_speed: kmh } },
      },
    },
    { packs, fileName: 'ccrs.yaml' },
  );
  const simulation = await Simulation.create({ scenario, packs, store: null });
  const recorder = fleetDataset.recorder({ scenario, assets: simulation.assets(), horizonS });
  const collisions: number[] = [];
  simulation.observe((record) => {
    recorder.record(record);
    if (record.eventType === 'COLLISION') collisions.push(record.simTime);
  });
  simulation.runToEnd();
  const { steps, episode: row } = recorder.finish();
  const names = fleetDataset.steps.map((c) => c.name);
  const rows = steps.map((values) => Object.fromEntries(names.map((n, i) => [n, values[i]])));
  const outcome = Object.fromEntries(fleetDataset.episode.map((c, i) => [c.name, row[i]]));
  return { rows, outcome, collisions, summary: simulation.summary() };
}

describe('fleet training data from a run’s ledger', () => {
  it('labels a collision without AEB: collision_ahead holds exactly in the horizon before the impact', async () => {
    const { rows, outcome, collisions } = await episode(50, false);
    expect(collisions).toHaveLength(1);
    const impact = collisions[0] as number;
    expect(outcome).toMatchObject({ type: 'emergency_braking', collision: true, steps: rows.length });
    for (const row of rows) {
      const t = row.t_s as number;
      expect(row.collision_ahead).toBe(t <= impact + 1e-9 && t >= impact - 3 - 1e-9);
    }
    expect(rows.some((r) => r.collision_ahead === true)).toBe(true);
    // The true TTC shrinks toward the impact, and is gap over closing speed wherever it is given.
    const before = rows.filter((r) => (r.t_s as number) < impact && r.ttc_s !== null);
    expect(before.length).toBeGreaterThan(10);
    for (const row of before) {
      expect(row.ttc_s as number).toBeCloseTo((row.gap_m as number) / (row.closing_speed_mps as number), 1);
    }
    const last = before.at(-1) as Record<string, DatasetValue>;
    expect(last.ttc_s as number).toBeLessThan(0.2);
    expect(rows.every((r) => r.braking === false)).toBe(true);
  });

  it('labels the AEB’s braking when it avoids the car, with no collision ahead anywhere', async () => {
    const { rows, outcome, summary } = await episode(50, true);
    expect(outcome).toMatchObject({ verdict: 'pass', collision: false });
    expect(rows.every((r) => r.collision_ahead === false)).toBe(true);
    const braking = rows.filter((r) => r.braking === true);
    expect(braking.length).toBeGreaterThan(3);
    expect(braking.some((r) => r.aeb_stage === 'full')).toBe(true);
    // The least true gap seen at 10 Hz is no smaller than the case's least gap scored at 100 Hz.
    const minGap = Math.min(...rows.filter((r) => r.gap_m !== null).map((r) => r.gap_m as number));
    const scored = (summary.pack_summary as { scores: { min_gap_m: number } }).scores.min_gap_m;
    expect(typeof scored).toBe('number');
    expect(minGap).toBeGreaterThanOrEqual(scored - 0.05);
    expect(minGap).toBeLessThan(scored + 2);
    expect(rows.map((r) => r.step)).toEqual(rows.map((_, i) => i));
  });

  it('gives the same rows for the same scenario and seed, any speed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 20, max: 80 }), fc.boolean(), async (kmh, aeb) => {
        const a = await episode(kmh, aeb, 2, 3);
        const b = await episode(kmh, aeb, 2, 3);
        expect(b.rows).toEqual(a.rows);
        // Every row has a value of the declared type (or null where the column allows it).
        for (const row of a.rows) {
          for (const column of fleetDataset.steps) {
            const value = row[column.name];
            if (value === null) {
              expect(column.nullable).toBe(true);
              continue;
            }
            const expected = { DOUBLE: 'number', BIGINT: 'number', BOOLEAN: 'boolean', VARCHAR: 'string' };
            expect(typeof value).toBe(expected[column.type]);
          }
        }
      }),
      { numRuns: 4 },
    );
  });
});
