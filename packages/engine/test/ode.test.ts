import { describe, expect, it } from 'vitest';
import { integrate, type OdeComponent, type OdeMethod } from '../src/index.js';
import { codeOf, makeEnv } from './helpers.js';

function decay(k: number, y0: number): OdeComponent {
  return {
    state: [y0],
    derivatives(_t, y, dydt) {
      dydt[0] = -k * y[0];
    },
  };
}

function oscillator(omega: number): OdeComponent {
  return {
    state: [1, 0],
    derivatives(_t, y, dydt) {
      dydt[0] = y[1];
      dydt[1] = -omega * omega * y[0];
    },
  };
}

function oscillatorError(method: OdeMethod): number {
  const env = makeEnv();
  const osc = oscillator(2);
  integrate(env, { step: 0.01, method, components: [osc] });
  env.run({ until: 10.001 });
  return Math.hypot(osc.state[0] - Math.cos(20), osc.state[1] + 2 * Math.sin(20));
}

describe('ODE integration on the DES clock', () => {
  it('RK4 matches exponential decay', () => {
    const env = makeEnv();
    const c = decay(0.5, 10);
    const handle = integrate(env, { step: 0.1, method: 'rk4', components: [c] });
    env.run({ until: 5.05 });
    expect(handle.steps).toBe(50);
    expect(Math.abs(c.state[0] / (10 * Math.exp(-2.5)) - 1)).toBeLessThan(1e-6);
  });

  it('synchronize integrates up to now, so a change between two steps acts from its exact instant', () => {
    // dy/dt = k; k changes from 1 to 3 at t = 0.25, between steps of 0.1: y(1) = 0.25 + 3 * 0.75 exactly.
    const env = makeEnv();
    const rate = { k: 1 };
    const c: OdeComponent = {
      state: [0],
      derivatives: (_t, _y, dydt) => {
        dydt[0] = rate.k;
      },
    };
    const handle = integrate(env, { step: 0.1, method: 'rk4', components: [c] });
    env.process(
      (function* () {
        yield env.timeout(0.25);
        handle.synchronize();
        rate.k = 3;
      })(),
    );
    env.run({ until: 1.0001 });
    expect(c.state[0]).toBeCloseTo(0.25 + 3 * 0.75, 12);
    expect(handle.steps).toBe(10);
  });

  it('Euler converges to exponential decay with first-order error', () => {
    const errorAt = (step: number): number => {
      const env = makeEnv();
      const c = decay(1, 1);
      integrate(env, { step, method: 'euler', components: [c] });
      env.run({ until: 1 + step / 2 });
      return Math.abs(c.state[0] - Math.exp(-1));
    };
    const e1 = errorAt(0.01);
    const e2 = errorAt(0.005);
    expect(e1).toBeLessThan(0.01);
    expect(e1 / e2).toBeGreaterThan(1.8);
    expect(e1 / e2).toBeLessThan(2.2);
  });

  it('harmonic oscillator: RK4 error is orders of magnitude below Euler', () => {
    const euler = oscillatorError('euler');
    const rk4 = oscillatorError('rk4');
    expect(rk4).toBeLessThan(1e-7);
    expect(euler).toBeGreaterThan(0.1);
    expect(rk4 * 1e5).toBeLessThan(euler);
  });

  it('shares the clock with discrete events: afterStep sees sim time, components can come and go', () => {
    const env = makeEnv();
    const tank = decay(1, 1);
    const times: number[] = [];
    tank.afterStep = (t) => times.push(t);
    const handle = integrate(env, { step: 0.5, method: 'euler' });
    env.process(function* () {
      yield env.timeout(1);
      handle.add(tank);
      yield env.timeout(1.5);
      handle.remove(tank);
      yield env.timeout(1);
      handle.stop();
    });
    env.run();
    // The adder's events at t=1 and t=2.5 were queued before the integrator's step events at those times, so
    // the tank joins the step that ends at 1 and leaves before the step that ends at 2.5.
    expect(times).toEqual([1, 1.5, 2]);
    expect(tank.state[0]).toBeCloseTo(0.125, 12);
    expect(handle.process.processed).toBe(true);
    expect(handle.process.value).toBe(6);
    expect(env.now).toBe(3.5);
    expect(handle.components).toEqual([]);
  });

  it('can be stopped from afterStep', () => {
    const env = makeEnv();
    const c = decay(1, 1);
    const handle = integrate(env, { step: 1, components: [c] });
    c.afterStep = (t) => {
      if (t >= 3) handle.stop();
    };
    env.run();
    expect(handle.steps).toBe(3);
    expect(env.now).toBe(3);
  });

  it('validates its options', () => {
    const env = makeEnv();
    expect(codeOf(() => integrate(env, { step: 0 }))).toBe('DOPPEL_ERR_ODE_INVALID');
    expect(codeOf(() => integrate(env, { step: 1, method: 'midpoint' as OdeMethod }))).toBe('DOPPEL_ERR_ODE_INVALID');
    expect(codeOf(() => integrate(env, { step: 1, components: [{} as OdeComponent] }))).toBe('DOPPEL_ERR_ODE_INVALID');
  });
});
