import { MemoryLedgerStore, Simulation, loadScenarioText, type ScenarioError } from '@doppel/twin';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fleetPack, liveForkDocument, MODEL_TYPES, type ForkedVehicle, type VehicleState } from '../src/index.js';

const packs = [fleetPack];
const FORKED_AT = '2026-12-03T10:15:30.250Z';

async function fork(vehicles: readonly ForkedVehicle[], durationS = 10): Promise<Simulation> {
  const document = liveForkDocument(vehicles, { forkedAt: FORKED_AT, durationS, seed: 7, weather: 'dry' });
  const scenario = loadScenarioText(JSON.stringify(document), { packs, fileName: 'fork.json' });
  return Simulation.create({ scenario, packs, store: new MemoryLedgerStore(), validateUpdates: true });
}

const stateOf = (sim: Simulation, id: string): VehicleState => sim.asset(id).state as unknown as VehicleState;

/** Two vehicles on one line at 20 m/s, the second 30 m behind the first (1.5 s apart). */
const convoy: ForkedVehicle[] = [
  { id: 'twin-001', model_type: 'sedan', x_m: 130, y_m: 40, heading_deg: 90, speed_mps: 20 },
  { id: 'twin-002', model_type: 'van', x_m: 130, y_m: 10, heading_deg: 90, speed_mps: 20 },
];

async function outcome(
  sim: Simulation,
): Promise<{ verdict: string; collision: unknown; hash: string; follower: VehicleState }> {
  sim.runToEnd();
  await sim.flush();
  const summary = sim.summary();
  const pack = summary.pack_summary as { verdict: string; scores: Record<string, unknown> };
  return {
    verdict: pack.verdict,
    collision: pack.scores.collision,
    hash: summary.ledger_sha256,
    follower: stateOf(sim, 'twin-002'),
  };
}

describe('a what-if fork of the live fleet', () => {
  it('starts every vehicle where, in the direction and at the speed it was measured', async () => {
    const vehicle = fc.record({
      model_type: fc.constantFrom(...MODEL_TYPES),
      x_m: fc.double({ min: -1e5, max: 1e5, noNaN: true }),
      y_m: fc.double({ min: -1e5, max: 1e5, noNaN: true }),
      heading_deg: fc.double({ min: -180, max: 180, noNaN: true }),
      speed_mps: fc.double({ min: 0, max: 50, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(vehicle, { minLength: 1, maxLength: 4 }), async (measured) => {
        const vehicles = measured.map((m, i) => ({ ...m, id: `twin-${i + 1}` }));
        const sim = await fork(vehicles);
        expect(sim.now).toBe(0);
        for (const v of vehicles) {
          const state = stateOf(sim, v.id);
          expect(state.model_type).toBe(v.model_type);
          expect(Math.abs(state.x_m - v.x_m)).toBeLessThanOrEqual(0.006);
          expect(Math.abs(state.y_m - v.y_m)).toBeLessThanOrEqual(0.006);
          const turn = ((((state.heading_deg - v.heading_deg) % 360) + 540) % 360) - 180;
          expect(Math.abs(turn)).toBeLessThanOrEqual(0.06);
          expect(Math.abs(state.speed_mps - v.speed_mps)).toBeLessThanOrEqual(0.006);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('answers "what if it braked now?": the copy left alone passes, the lead braking hard with the follower unguarded collides', async () => {
    const alone = await outcome(await fork(convoy));
    expect(alone).toMatchObject({ verdict: 'pass', collision: false });

    const whatIf = await fork(convoy);
    whatIf.intervene({ assetId: 'twin-002', action: 'set_aeb', args: { enabled: false }, origin: 'api' });
    whatIf.intervene({ assetId: 'twin-002', action: 'external_command', args: { accel_mps2: 0 }, origin: 'api' });
    whatIf.intervene({ assetId: 'twin-001', action: 'external_command', args: { accel_mps2: -9 }, origin: 'api' });
    const braked = await outcome(whatIf);
    expect(braked).toMatchObject({ verdict: 'fail', collision: true });
    expect(braked.follower.status).toBe('collided');
  });

  it('is reproducible: the same fork gives the same ledger', async () => {
    const a = await outcome(await fork(convoy, 5));
    const b = await outcome(await fork(convoy, 5));
    expect(a.hash).toBe(b.hash);
  });

  it('refuses a vehicle listed twice and an impossible measurement, at their places in the document', () => {
    const issuesOf = (vehicles: ForkedVehicle[]): string[] => {
      const document = liveForkDocument(vehicles, { forkedAt: FORKED_AT, durationS: 10, seed: 1, weather: 'dry' });
      try {
        loadScenarioText(JSON.stringify(document, null, 2), { packs, fileName: 'fork.json' });
      } catch (e) {
        const error = e as ScenarioError;
        expect(error.code).toBe('DOPPEL_ERR_SCENARIO_INVALID');
        return error.issues.map((i) => `${i.path} @${i.line}`);
      }
      return [];
    };
    const [first, second] = convoy as [ForkedVehicle, ForkedVehicle];
    expect(issuesOf([first, { ...second, speed_mps: 400 }])).toEqual(['fleet.test.params.vehicles[1].speed_mps @37']);
    expect(issuesOf([first, { ...second, id: first.id }])).toEqual(['fleet.test.params.vehicles[1].id @32']);
  });
});
