import { describe, expect, it } from 'vitest';
import { layoutLine } from '../src/lib/line-layout.js';

describe('line layout', () => {
  it('puts a serial line in one row, upstream first', () => {
    const p = layoutLine(
      ['a', 'b', 'c'],
      [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
      ],
    );
    expect([...p.values()]).toEqual([
      { rank: 0, row: 0 },
      { rank: 1, row: 0 },
      { rank: 2, row: 0 },
    ]);
  });

  it('stacks parallel machines and places a merge after its longest feeder', () => {
    const p = layoutLine(
      ['src', 'x', 'y', 'y2', 'merge'],
      [
        { from: 'src', to: 'x' },
        { from: 'src', to: 'y' },
        { from: 'y', to: 'y2' },
        { from: 'x', to: 'merge' },
        { from: 'y2', to: 'merge' },
      ],
    );
    expect(p.get('x')).toEqual({ rank: 1, row: 0 });
    expect(p.get('y')).toEqual({ rank: 1, row: 1 });
    expect(p.get('merge')?.rank).toBe(3);
  });

  it('survives a rework loop', () => {
    const p = layoutLine(
      ['a', 'b'],
      [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a' },
      ],
    );
    expect(p.size).toBe(2);
  });
});
