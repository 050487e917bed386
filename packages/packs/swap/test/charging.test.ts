import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocatePower, drawKw, socAfter, timeToSoc } from '../src/index.js';

const curve = { cvStart: 0.8 };

describe('CC/CV charging curve', () => {
  it('charges at constant power below the CV threshold', () => {
    // 1.5 kWh at 1.5 kW: 0.2 -> 0.8 takes 0.6 h.
    expect(timeToSoc(curve, 0.2, 0.8, 1.5, 1.5)).toBeCloseTo(2160, 9);
    expect(socAfter(curve, 0.2, 1080, 1.5, 1.5)).toBeCloseTo(0.5, 12);
  });

  it('tapers above the threshold: the last percent takes longer than the first', () => {
    const first = timeToSoc(curve, 0.8, 0.85, 1, 1.5);
    const last = timeToSoc(curve, 0.9, 0.95, 1, 1.5);
    expect(last).toBeGreaterThan(first);
    expect(drawKw(curve, 0.9, 1)).toBeCloseTo(0.5, 12);
    expect(drawKw(curve, 0.5, 1)).toBe(1);
  });

  it('never charges without power', () => {
    expect(timeToSoc(curve, 0.2, 0.95, 0, 1.5)).toBe(Infinity);
    expect(socAfter(curve, 0.3, 1000, 0, 1.5)).toBe(0.3);
  });

  it('socAfter inverts timeToSoc and stays below 1', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.94, noNaN: true }),
        fc.double({ min: 0.01, max: 0.05, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        (soc0, step, power, energy) => {
          const target = Math.min(0.99, soc0 + step);
          const t = timeToSoc(curve, soc0, target, power, energy);
          expect(socAfter(curve, soc0, t, power, energy)).toBeCloseTo(target, 9);
          const later = socAfter(curve, soc0, t * 10 + 1e6, power, energy);
          expect(later).toBeLessThanOrEqual(1);
          expect(later).toBeGreaterThanOrEqual(target - 1e-12);
        },
      ),
    );
  });
});

describe('power allocation', () => {
  it('gives everyone its cap when the limit allows', () => {
    const out: number[] = [];
    expect(allocatePower([1, 2, 0.5], 10, out)).toBe(3.5);
    expect(out).toEqual([1, 2, 0.5]);
  });

  it('shares a binding limit max-min fairly', () => {
    const out: number[] = [];
    expect(allocatePower([2, 2, 0.5], 3, out)).toBeCloseTo(3, 12);
    expect(out[2]).toBe(0.5);
    expect(out[0]).toBeCloseTo(1.25, 12);
    expect(out[1]).toBeCloseTo(1.25, 12);
  });

  it('never exceeds the limit nor a cap, and wastes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { maxLength: 16 }),
        fc.double({ min: 0, max: 40, noNaN: true }),
        (caps, limit) => {
          const out: number[] = [];
          const total = allocatePower(caps, limit, out);
          const demand = caps.reduce((a, b) => a + b, 0);
          expect(total).toBeLessThanOrEqual(limit + 1e-9);
          expect(total).toBeCloseTo(Math.min(limit, demand), 9);
          caps.forEach((cap, i) => {
            expect(out[i]).toBeLessThanOrEqual(cap + 1e-12);
            expect(out[i]).toBeGreaterThanOrEqual(0);
          });
        },
      ),
    );
  });
});
