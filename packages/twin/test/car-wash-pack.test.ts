import { describe, expect, it } from 'vitest';
import { canonicalJson, deepFreeze, sha256Hex, Simulation, type ResolvedScenario } from '../src/index.js';
import { carWashPack } from './fixtures/car-wash-pack.js';

function scenario(seed: number): ResolvedScenario {
  const body = {
    doppel: 1 as const,
    name: 'car wash',
    pack: 'car-wash',
    description: 'The example pack of docs/writing-a-pack.md',
    start: '2026-06-01T08:00:00+02:00',
    timezone: 'Europe/Paris',
    durationS: 8 * 3600,
    seed,
    telemetryIntervalS: 900,
    config: { washes: [{ id: 'w1', bays: 2, cars_per_h: 20, wash_s: 300 }] },
    inputs: {},
    interventions: [],
    breakpoints: [],
  };
  return deepFreeze({ ...body, sha256: sha256Hex(canonicalJson(body)), source: { kind: 'inline' as const } });
}

describe('the example pack of the pack guide', () => {
  it('washes cars through the bays, and never more at once than there are bays', async () => {
    const sim = await Simulation.create({ scenario: scenario(7), packs: [carWashPack] });
    let mostWashing = 0;
    sim.subscribe((records) => {
      for (const r of records) mostWashing = Math.max(mostWashing, Number(r.newValue?.washing ?? 0));
    });
    await sim.runUntil(sim.horizon);
    const state = sim.asset('w1').state;
    expect(state.washed).toBeGreaterThan(100);
    expect(mostWashing).toBe(2);
    expect(sim.summary().kpis.washed).toBe(state.washed);
  });

  it('is deterministic, and a closure turns cars away for its duration', async () => {
    const a = await Simulation.create({ scenario: scenario(7), packs: [carWashPack] });
    const b = await Simulation.create({ scenario: scenario(7), packs: [carWashPack] });
    const turnedAway: number[] = [];
    a.subscribe((records) => {
      for (const r of records) if (r.eventType === 'CAR_TURNED_AWAY') turnedAway.push(r.simTime);
    });
    for (const sim of [a, b]) {
      sim.intervene({ assetId: 'w1', action: 'close', args: { duration_seconds: 3600 }, at: 3600, origin: 'test' });
      await sim.runUntil(sim.horizon);
    }
    expect(a.head().hash).toBe(b.head().hash);
    expect(a.asset('w1').state.open).toBe(true);
    expect(turnedAway.length).toBeGreaterThan(0);
    expect(turnedAway.every((t) => t >= 3600 && t <= 7200)).toBe(true);
  });
});
