import { describe, expect, it } from 'vitest';
import type { PidBlock } from '../src/components/pid.js';
import { bare, model } from './helpers.js';

const RHO_CP = 1000 * 4186;

describe('heated tank against its closed form', () => {
  it('no flow, constant heat, losses to ambient: T(t) = Ta + (T0 − Ta)·e^(−t/τ) + P/UA·(1 − e^(−t/τ))', () => {
    const P = 5000;
    const UA = 50;
    const V = 0.5;
    const run = bare(
      model(
        [
          { id: 'power', type: 'source', properties: { value: P, unit: 'W' } },
          { id: 'heater', type: 'heater', properties: { max_power_w: 10_000, efficiency: 1 } },
          {
            id: 'tank',
            type: 'tank',
            properties: { area_m2: 0.5, height_m: 2, initial_level_m: 1, initial_temperature_c: 10, loss_w_k: UA },
          },
        ],
        ['power.out -> heater.power', 'heater.heat -> tank.heat'],
      ),
      1,
    );
    const tau = (RHO_CP * V) / UA;
    const expected = (t: number): number => 20 + (10 - 20) * Math.exp(-t / tau) + (P / UA) * (1 - Math.exp(-t / tau));
    for (const t of [600, 3600, 20_000]) {
      run.runTo(t);
      expect(run.out('tank', 'temperature')).toBeCloseTo(expected(t), 6);
    }
    // The heater's energy is P·t exactly.
    expect(run.system.state[run.offset('heater')]).toBeCloseTo(P * 20_000, 3);
  });

  it('through-flow: first order towards T_in + P/(ρ·cp·q) with τ = V/q', () => {
    const q = 1e-3;
    const P = 20_000;
    const run = bare(
      model(
        [
          { id: 'q', type: 'source', properties: { value: q, unit: 'm3/s' } },
          { id: 'tin', type: 'source', properties: { value: 15, unit: 'degC' } },
          { id: 'power', type: 'source', properties: { kind: 'step', initial: 0, final: P, start_s: 100, unit: 'W' } },
          { id: 'heater', type: 'heater', properties: { max_power_w: P, efficiency: 1 } },
          { id: 'tank', type: 'tank', properties: { area_m2: 1, initial_level_m: 0.5, initial_temperature_c: 15 } },
        ],
        [
          'q.out -> tank.inflow',
          'q.out -> tank.outflow',
          'tin.out -> tank.inlet_temperature',
          'power.out -> heater.power',
          'heater.heat -> tank.heat',
        ],
      ),
      0.5,
    );
    const tau = 0.5 / q;
    const gain = P / (RHO_CP * q);
    for (const t of [100, 400, 1000, 3000]) {
      run.runTo(t);
      const expected = 15 + gain * (1 - Math.exp(-Math.max(t - 100, 0) / tau));
      expect(run.out('tank', 'temperature')).toBeCloseTo(expected, 4);
      expect(run.out('tank', 'level')).toBeCloseTo(0.5, 9);
    }
  });
});

/** A tank with through-flow as a first-order plant K/(τs+1) from heater power to temperature, closed by a PID. */
function loop(pid: Record<string, unknown>, step = 0.5) {
  const q = 1e-3;
  const V = 0.5;
  return {
    K: 1 / (RHO_CP * q),
    tau: V / q,
    run: bare(
      model(
        [
          { id: 'q', type: 'source', properties: { value: q, unit: 'm3/s' } },
          { id: 'tin', type: 'source', properties: { value: 20, unit: 'degC' } },
          { id: 'tank', type: 'tank', properties: { area_m2: 1, initial_level_m: V, initial_temperature_c: 20 } },
          { id: 'heater', type: 'heater', properties: { max_power_w: 1e7, efficiency: 1 } },
          { id: 'pid', type: 'pid', properties: { setpoint: 30, out_min: 0, out_max: 1e7, ...pid } },
        ],
        [
          'q.out -> tank.inflow',
          'q.out -> tank.outflow',
          'tin.out -> tank.inlet_temperature',
          'tank.temperature -> pid.pv',
          'pid.out -> heater.power',
          'heater.heat -> tank.heat',
        ],
      ),
      step,
    ),
  };
}

describe('PID on a first-order plant against the analytic closed loop', () => {
  it('PI with Ti = τ cancels the plant pole: a first-order response with τc = τ/(K·kp), no overshoot', () => {
    const kp = 20_000;
    const { K, tau, run } = loop({ kp, ki: 0 });
    // ki = kp/τ: set after construction, the plant is known only here.
    run.block<PidBlock>('pid').ki = kp / tau;
    const tc = tau / (K * kp);
    let peak = 0;
    for (let t = 0; t <= 8 * tc; t += 25) {
      run.runTo(t);
      const T = run.out('tank', 'temperature');
      peak = Math.max(peak, T);
      expect(T).toBeCloseTo(20 + 10 * (1 - Math.exp(-t / tc)), 6);
      // Settled within 2% from 4·τc on (ln 50 ≈ 3.9).
      if (t >= 4 * tc) expect(Math.abs(T - 30)).toBeLessThan(0.2);
    }
    expect(peak).toBeLessThanOrEqual(30 + 1e-6);
  });

  it('integral-only control: a second-order loop with the textbook overshoot exp(−πζ/√(1−ζ²)) and peak time', () => {
    const { K, tau, run } = loop({ kp: 0, ki: 0 }, 0.25);
    // ωn² = K·ki/τ and 2ζωn = 1/τ: choose ζ = 0.5.
    const zeta = 0.5;
    const wn = 1 / (2 * zeta * tau);
    run.block<PidBlock>('pid').ki = (wn * wn * tau) / K;
    const wd = wn * Math.sqrt(1 - zeta * zeta);
    const tp = Math.PI / wd;
    let peak = -Infinity;
    let peakT = 0;
    for (let t = 0; t <= 3 * tp; t += 1) {
      run.runTo(t);
      const T = run.out('tank', 'temperature');
      if (T > peak) {
        peak = T;
        peakT = t;
      }
    }
    const overshoot = (peak - 30) / 10;
    expect(overshoot).toBeCloseTo(Math.exp((-Math.PI * zeta) / Math.sqrt(1 - zeta * zeta)), 3);
    expect(Math.abs(peakT - tp)).toBeLessThanOrEqual(1);
  });

  it('anti-windup: with a saturating heater, clamping overshoots far less than no anti-windup', () => {
    const peakWith = (antiWindup: string): number => {
      // Holding 30 °C takes 41.9 kW: the heater's 50 kW saturates on the way up and the integral winds up.
      const { run } = loop({ kp: 2000, ki: 100, out_max: 50_000, anti_windup: antiWindup, tracking_time_s: 20 }, 0.5);
      let peak = 0;
      for (let t = 0; t <= 6000; t += 5) {
        run.runTo(t);
        peak = Math.max(peak, run.out('tank', 'temperature'));
      }
      return peak - 30;
    };
    const none = peakWith('none');
    const clamped = peakWith('clamping');
    const back = peakWith('back_calculation');
    expect(none).toBeGreaterThan(1);
    expect(clamped).toBeLessThan(none / 3);
    expect(back).toBeLessThan(none / 3);
  });

  it('manual to auto and back is bumpless', () => {
    const { run } = loop({ kp: 20_000, ki: 40, mode: 'manual', manual_output: 8000 });
    run.runTo(600);
    expect(run.out('pid', 'out')).toBe(8000);
    const pid = run.block<PidBlock>('pid');
    pid.setMode('auto', run.system.state, run.offset('pid'));
    run.system.evaluate(run.system.time, run.system.state);
    expect(run.out('pid', 'out')).toBeCloseTo(8000, 6);
    run.runTo(700);
    pid.setMode('manual', run.system.state, run.offset('pid'));
    const held = run.out('pid', 'out');
    run.runTo(800);
    expect(run.out('pid', 'out')).toBe(held);
  });
});
