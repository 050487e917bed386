import { describe, expect, it } from 'vitest';
import type { ThermostatBlock } from '../src/components/control.js';
import type { SensorBlock } from '../src/components/sensor.js';
import { bare, model, simulate } from './helpers.js';

/** A sensor on a ramp source (value = t), with the given properties. */
function sensorOnRamp(props: Record<string, unknown>, step = 0.1) {
  return bare(
    model(
      [
        { id: 'ramp', type: 'source', properties: { kind: 'ramp', initial: 0, final: 1e9, slope_per_s: 1 } },
        { id: 's', type: 'sensor', properties: props },
      ],
      ['ramp.out -> s.value'],
    ),
    step,
  );
}

describe('sensor', () => {
  it('dead time, bias, drift, quantisation and sampling', () => {
    const run = sensorOnRamp({ delay_s: 2, bias: 0.5, drift_per_s: 0.01, resolution: 0.25, sample_s: 1 });
    run.runTo(10.5);
    // Sampled at 10 s: the ramp 2 s ago (8) + 0.5 + 0.1 = 8.6, quantised to 8.5.
    expect(run.out('s', 'measured')).toBe(8.5);
    expect(run.out('s', 'valid')).toBe(1);
  });

  it('noise from the run seed: mean and sd as configured, the same seed the same readings', () => {
    const readings = (seed: number): number[] => {
      const run = bare(
        model(
          [
            { id: 'c', type: 'source', properties: { value: 10 } },
            { id: 's', type: 'sensor', properties: { noise_sd: 2 } },
          ],
          ['c.out -> s.value'],
        ),
        1,
        'rk4',
        seed,
      );
      const out: number[] = [];
      for (let t = 1; t <= 4000; t++) {
        run.runTo(t);
        out.push(run.out('s', 'measured'));
      }
      return out;
    };
    const a = readings(1);
    const mean = a.reduce((x, y) => x + y, 0) / a.length;
    const sd = Math.sqrt(a.reduce((x, y) => x + (y - mean) ** 2, 0) / (a.length - 1));
    expect(Math.abs(mean - 10)).toBeLessThan(0.15);
    expect(Math.abs(sd - 2)).toBeLessThan(0.1);
    expect(readings(1)).toEqual(a);
    expect(readings(2)).not.toEqual(a);
  });

  it('faults: stuck holds, dropout reads 0 and invalid, out of range pegs at the maximum, range clips', () => {
    const run = sensorOnRamp({ range_min: 0, range_max: 50 });
    const sensor = run.block<SensorBlock>('s');
    run.runTo(10);
    sensor.setFault('stuck', 0, run.system.time);
    run.runTo(20);
    expect(run.out('s', 'measured')).toBeCloseTo(10, 9);
    sensor.setFault('dropout', 0, run.system.time);
    expect([run.out('s', 'measured'), run.out('s', 'valid')]).toEqual([0, 0]);
    sensor.setFault('out_of_range', 0, run.system.time);
    expect([run.out('s', 'measured'), run.out('s', 'valid')]).toEqual([50, 0]);
    sensor.setFault(null, 0, run.system.time);
    run.runTo(30);
    expect(run.out('s', 'measured')).toBeCloseTo(30, 9);
    run.runTo(60);
    expect([run.out('s', 'measured'), run.out('s', 'valid')]).toEqual([50, 0]);
  });
});

describe('valve, pump, actuator, thermostat, pipe', () => {
  it('a valve passes Kv at 1 bar fully open (m³/h of water), nothing against the pressure, and lags its command', () => {
    const run = bare(
      model(
        [
          { id: 'p', type: 'source', properties: { value: 1, unit: 'bar' } },
          { id: 'open', type: 'source', properties: { value: 1 } },
          { id: 'v', type: 'valve', properties: { kv_m3h: 36, time_constant_s: 5 } },
        ],
        ['p.out -> v.p_in', 'open.out -> v.opening'],
      ),
      0.05,
    );
    run.runTo(5);
    expect(run.out('v', 'position')).toBeCloseTo(1 - Math.exp(-1), 6);
    run.runTo(100);
    expect(run.out('v', 'flow')).toBeCloseTo(36 / 3600, 6);
  });

  it('a pump delivers its curve: full flow against no head, none at the shut-off head, speed² scaling', () => {
    const flowAt = (head_m: number, speed: number): number => {
      const run = bare(
        model(
          [
            { id: 'back', type: 'source', properties: { value: head_m * 1000 * 9.80665, unit: 'Pa' } },
            { id: 'n', type: 'source', properties: { value: speed } },
            { id: 'pump', type: 'pump', properties: { max_flow_m3s: 0.01, max_head_m: 20, time_constant_s: 0 } },
          ],
          ['back.out -> pump.p_out', 'n.out -> pump.speed'],
        ),
      );
      run.runTo(1);
      return run.out('pump', 'flow');
    };
    expect(flowAt(0, 1)).toBeCloseTo(0.01, 12);
    expect(flowAt(15, 1)).toBeCloseTo(0.01 * Math.sqrt(1 - 15 / 20), 12);
    expect(flowAt(20, 1)).toBe(0);
    expect(flowAt(5, 0.5)).toBe(0);
    expect(flowAt(2.5, 0.5)).toBeCloseTo(0.005 * Math.sqrt(0.5), 12);
  });

  it('an actuator saturates and limits its rate', () => {
    const run = bare(
      model(
        [
          { id: 'cmd', type: 'source', properties: { kind: 'step', initial: 0, final: 5, start_s: 1 } },
          { id: 'a', type: 'actuator', properties: { min: 0, max: 2, rate_limit_per_s: 0.5 } },
        ],
        ['cmd.out -> a.command'],
      ),
      0.1,
    );
    run.runTo(3);
    expect(run.out('a', 'output')).toBeCloseTo(1, 9);
    run.runTo(10);
    expect(run.out('a', 'output')).toBe(2);
    expect(run.out('a', 'saturated')).toBe(1);
  });

  it('a thermostat switches only outside its hysteresis band', () => {
    const run = bare(
      model(
        [
          { id: 'pv', type: 'source', properties: { kind: 'sine', offset: 20, amplitude: 1, frequency_hz: 0.01 } },
          { id: 't', type: 'thermostat', properties: { setpoint: 20, hysteresis: 1.5 } },
        ],
        ['pv.out -> t.pv'],
      ),
      0.5,
    );
    const thermostat = run.block<ThermostatBlock>('t');
    const switches: number[] = [];
    let on = thermostat.on;
    for (let t = 0; t <= 300; t += 0.5) {
      run.runTo(t);
      if (thermostat.on !== on) {
        on = thermostat.on;
        switches.push(t);
      }
    }
    // pv = 20 + sin(2π·0.01·t) leaves the band 20 ± 0.75 where sin = ∓0.75: on at (π + asin 0.75)/(2π·0.01)
    // ≈ 63.5 s, off 50 s later, and so on; never inside the band.
    const first = (Math.PI + Math.asin(0.75)) / (2 * Math.PI * 0.01);
    expect(switches).toHaveLength(5);
    switches.forEach((t, k) => expect(Math.abs(t - (first + 50 * k))).toBeLessThanOrEqual(0.5));
  });

  it('a pipe delivers what entered delay_s earlier, nearer ambient', () => {
    const run = bare(
      model(
        [
          {
            id: 'q',
            type: 'source',
            properties: { kind: 'step', initial: 0, final: 0.002, start_s: 10, unit: 'm3/s' },
          },
          { id: 'temp', type: 'source', properties: { value: 60, unit: 'degC' } },
          { id: 'pipe', type: 'pipe', properties: { delay_s: 5, heat_loss_fraction: 0.1, ambient_c: 20 } },
        ],
        ['q.out -> pipe.flow_in', 'temp.out -> pipe.temperature_in'],
      ),
      0.1,
    );
    run.runTo(14.8);
    expect(run.out('pipe', 'flow')).toBe(0);
    run.runTo(15.2);
    expect(run.out('pipe', 'flow')).toBe(0.002);
    expect(run.out('pipe', 'temperature')).toBeCloseTo(56, 9);
  });
});

describe('on the twin', () => {
  it('a breakpoint on a component state pauses the run when it holds', async () => {
    const { sim } = await simulate(
      {
        components: [
          { id: 'power', type: 'source', properties: { value: 20_000, unit: 'W' } },
          { id: 'heater', type: 'heater', properties: { max_power_w: 20_000 } },
          { id: 'tank', type: 'tank', properties: { area_m2: 0.25, initial_level_m: 0.8 } },
        ],
        connections: ['power.out -> heater.power', 'heater.heat -> tank.heat'],
      },
      { duration: 3600 },
      0,
    );
    sim.addBreakpoint("tank('tank').temperature > 30.0");
    const stop = sim.runToEnd();
    expect(stop.reason).toBe('breakpoint');
    expect((sim.asset('tank').state as { temperature: number }).temperature).toBeGreaterThan(30);
    expect(sim.now).toBeLessThan(3600);
  });
});
