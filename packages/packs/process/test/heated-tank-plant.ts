// The heated-tank plant the benchmark runs and the step-plan tests split: loops of ten components each, loops
// sharing nothing (each component has its own random streams), so a loop evolves the same alone or among others.

export interface PlantSpec {
  readonly components: { id: string; type: string; properties: Record<string, unknown> }[];
  /** "a.out -> b.in" connections. */
  readonly connections: string[];
}

/**
 * Loop k: a sine feed at a constant temperature into a tank, a PID (setpoint 40 + k °C) holding the tank's sampled,
 * noisy temperature with a heater, a drain valve at a constant opening, a level sensor and a high-level thermostat.
 */
export function heatedTankLoop(k: number): PlantSpec {
  const id = (name: string): string => `${name}_${k}`;
  return {
    components: [
      {
        id: id('feed'),
        type: 'source',
        properties: { kind: 'sine', offset: 0.1, amplitude: 0.02, frequency_hz: 0.001, unit: 'L/s' },
      },
      { id: id('feed_t'), type: 'source', properties: { kind: 'constant', value: 15, unit: 'degC' } },
      { id: id('tank'), type: 'tank', properties: { area_m2: 0.25, height_m: 1.2, initial_level_m: 0.8, loss_w_k: 5 } },
      { id: id('heater'), type: 'heater', properties: { max_power_w: 20000 } },
      { id: id('sensor'), type: 'sensor', properties: { noise_sd: 0.1, time_constant_s: 5, sample_s: 0.1 } },
      { id: id('pid'), type: 'pid', properties: { kp: 2000, ki: 4, setpoint: 40 + k, out_max: 20000 } },
      { id: id('opening'), type: 'source', properties: { kind: 'constant', value: 0.3, unit: 'fraction' } },
      { id: id('drain'), type: 'valve', properties: { kv_m3h: 4 } },
      { id: id('level'), type: 'sensor', properties: { noise_sd: 0.001 } },
      { id: id('alarm'), type: 'thermostat', properties: { setpoint: 1.1, action: 'cooling', hysteresis: 0.05 } },
    ],
    connections: [
      `${id('feed')}.out -> ${id('tank')}.inflow`,
      `${id('feed_t')}.out -> ${id('tank')}.inlet_temperature`,
      `${id('tank')}.temperature -> ${id('sensor')}.value`,
      `${id('sensor')}.measured -> ${id('pid')}.pv`,
      `${id('pid')}.out -> ${id('heater')}.power`,
      `${id('heater')}.heat -> ${id('tank')}.heat`,
      `${id('opening')}.out -> ${id('drain')}.opening`,
      `${id('tank')}.pressure -> ${id('drain')}.p_in`,
      `${id('drain')}.flow -> ${id('tank')}.outflow`,
      `${id('tank')}.level -> ${id('level')}.value`,
      `${id('level')}.measured -> ${id('alarm')}.pv`,
    ],
  };
}

/** The loops numbered `loops`, as one plant. */
export function heatedTankPlant(loops: readonly number[]): PlantSpec {
  const parts = loops.map(heatedTankLoop);
  return { components: parts.flatMap((p) => p.components), connections: parts.flatMap((p) => p.connections) };
}
