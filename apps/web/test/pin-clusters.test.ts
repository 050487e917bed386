import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterPins } from '../src/components/pin-clusters.js';
import type { SliderPin } from '../src/components/time-slider.js';

const violation = (id: string, time: number): SliderPin => ({ id, time, label: id, kind: 'violation' });
const DAY = 86_400;

describe('slider marks grouped by screen distance', () => {
  it('groups violations minutes apart on a day’s slider, keeps hours apart separate, and never mixes kinds', () => {
    const pins = [
      violation('c', 14 * 3600 + 600),
      violation('a', 14 * 3600 + 332),
      violation('b', 14 * 3600 + 300),
      violation('late', 20 * 3600),
      { id: 'branch', time: 14 * 3600 + 400, label: 'branch' },
    ];
    const clusters = clusterPins(pins, DAY, 1300);
    expect(clusters.map((c) => [c.kind, c.pins.map((p) => p.id)])).toEqual([
      ['branch', ['branch']],
      ['violation', ['b', 'a', 'c']],
      ['violation', ['late']],
    ]);
    expect(clusters[1].time).toBe(14 * 3600 + 300);
  });

  it('separates the same marks once the slider is wide enough to tell them apart', () => {
    const pins = [violation('a', 0), violation('b', 300)];
    expect(clusterPins(pins, DAY, 1300)).toHaveLength(1);
    expect(clusterPins(pins, DAY, 1300 * 20)).toHaveLength(2);
  });

  it('keeps every pin exactly once, and two marks are never closer than the gap (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: DAY }), { maxLength: 60 }),
        fc.integer({ min: 200, max: 3000 }),
        (times, width) => {
          const pins = times.map((t, i) => violation(`v${i}`, t));
          const clusters = clusterPins(pins, DAY, width, 16);
          expect(clusters.flatMap((c) => c.pins.map((p) => p.id)).sort()).toEqual(pins.map((p) => p.id).sort());
          for (let i = 1; i < clusters.length; i += 1)
            expect(((clusters[i].time - clusters[i - 1].time) * width) / DAY).toBeGreaterThanOrEqual(16);
        },
      ),
    );
  });
});
