import { describe, expect, it } from 'vitest';
import { steppedBlock, type SteppedModel } from '../src/index.js';

/** An external model stepped like an FMU: it accumulates its input · dt (an integrator in co-simulation). */
class Accumulator implements SteppedModel {
  total = 0;
  private input = 0;
  readonly calls: [number, number][] = [];
  setInputs(u: ArrayLike<number>): void {
    this.input = u[0] as number;
  }
  step(t: number, dt: number): void {
    this.calls.push([t, dt]);
    this.total += this.input * dt;
  }
  getOutputs(y: Float64Array): void {
    y[0] = this.total;
  }
}

describe('an externally stepped model as a block', () => {
  it('holds its outputs between steps, no states, and after each completed step: inputs set, step(t0, dt), outputs read', () => {
    const model = new Accumulator();
    const block = steppedBlock(model);
    block.u = new Float64Array([2]);
    block.y = new Float64Array(1);
    expect(block.stateCount).toBe(0);
    expect(block.held).toBe(true);
    block.start?.(0, new Float64Array(0), 0);
    expect(block.y[0]).toBe(0);
    for (let k = 1; k <= 4; k++) {
      block.output(k * 0.5 - 0.25, new Float64Array(0), 0); // a stage inside the step: nothing moves
      expect(block.y[0]).toBe((k - 1) * 1);
      block.update?.(k * 0.5, 0.5, new Float64Array(0), 0);
    }
    expect(model.calls).toEqual([
      [0, 0.5],
      [0.5, 0.5],
      [1, 0.5],
      [1.5, 0.5],
    ]);
    expect(block.y[0]).toBe(4);
  });
});
