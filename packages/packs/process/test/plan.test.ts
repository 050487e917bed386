import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { round6, surelyWithin } from '../src/system.js';
import { heatedTankPlant } from './heated-tank-plant.js';
import { bare, model } from './helpers.js';

function plant(loops: number[]) {
  const { components, connections } = heatedTankPlant(loops);
  return model(components, connections);
}

describe('the step plan', () => {
  // The plan is straight-line code in functions of a bounded number of blocks; a model of 45 loops (450 blocks)
  // spans several such functions per stage. Loops share nothing (each component has its own random streams), so
  // each loop must evolve bit for bit as it does alone in a model of one function.
  it('runs a model split over several generated functions exactly as its parts run alone', () => {
    const big = bare(plant(Array.from({ length: 45 }, (_, k) => k)), 0.05);
    big.runTo(20);
    for (const k of [0, 22, 44]) {
      const alone = bare(plant([k]), 0.05);
      alone.runTo(20);
      for (const [name, port] of [
        ['tank', 'temperature'],
        ['tank', 'level'],
        ['pid', 'out'],
        ['drain', 'flow'],
        ['sensor', 'measured'],
        ['alarm', 'out'],
      ] as const) {
        expect(big.out(`${name}_${k}`, port), `${name}_${k}.${port}`).toBe(alone.out(`${name}_${k}`, port));
      }
    }
  });
});

describe('the ledger sample pre-check', () => {
  // surelyWithin lets a sample skip building a record: it must never call a value within the deadband when the
  // record (rounded to six digits) would differ by more than it.
  it('never skips a value whose rounded record moved past the deadband', () => {
    const value = fc.double({ min: -1e9, max: 1e9, noNaN: true });
    fc.assert(
      fc.property(
        value,
        value,
        fc.constantFrom(1e-6, 1e-3, 0.01, 0.1, 1),
        fc.constantFrom(0, 1e-4, 0.01, 0.1),
        fc.double({ min: 0.5, max: 1.5, noNaN: true }),
        (a, b, quantum, deadband, k) => {
          const before = round6(a);
          // Values near the edge of the band as well as anywhere.
          const edge = before + k * Math.max(quantum, deadband * Math.abs(before));
          for (const v of [b, edge, -edge]) {
            const changed = Math.abs(round6(v) - before) > Math.max(quantum, deadband * Math.abs(before));
            if (surelyWithin(v, before, quantum, deadband)) expect(changed, `${v} vs ${before}`).toBe(false);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('skips values well inside the band, and is unsure of anything not a finite number', () => {
    expect(surelyWithin(20.0001, 20, 1e-3, 0.01)).toBe(true);
    expect(surelyWithin(20.3, 20, 1e-3, 0.01)).toBe(false);
    expect(surelyWithin(Number.NaN, 0, 1e-3, 0.01)).toBe(false);
    expect(surelyWithin(1, true, 1e-3, 0.01)).toBe(false);
  });
});
