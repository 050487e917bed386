import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDevice, toModel } from '../src/binding.js';

const scale = fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((v) => Math.abs(v) > 1e-6);
const offset = fc.double({ min: -1e6, max: 1e6, noNaN: true });

describe('binding values', () => {
  it('reads a boolean scaled by its binding as the number it stands for (true = 1, false = 0)', () => {
    // A PLC's heater-on coil bound to a heater-power source with scale 20,000 is 20,000 W, not 1 W.
    expect(toModel({ scale: 20_000 }, true)).toBe(20_000);
    expect(toModel({ scale: 20_000 }, false)).toBe(0);
    expect(toModel({ offset: 5 }, true)).toBe(6);
    fc.assert(
      fc.property(fc.boolean(), scale, offset, (bit, s, o) => {
        expect(toModel({ scale: s, offset: o }, bit)).toBe((bit ? 1 : 0) * s + o);
      }),
    );
  });

  it('keeps an unscaled boolean a boolean', () => {
    expect(toModel({}, true)).toBe(true);
    expect(toModel({}, false)).toBe(false);
  });

  it('writes back to the device what it read (numbers), within rounding', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), scale, offset, (raw, s, o) => {
        const back = toDevice({ scale: s, offset: o }, toModel({ scale: s, offset: o }, raw)) as number;
        expect(Math.abs(back - raw)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(raw), Math.abs(o / s)));
      }),
    );
  });
});
