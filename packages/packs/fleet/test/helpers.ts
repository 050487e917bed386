import { createNamedStream } from '@doppel/engine';
import { behaviourSchema, type BehaviourConfig } from '../src/models/behaviour.js';
import { ScriptedActor } from '../src/models/objects.js';
import { Route } from '../src/models/route.js';
import type { SensorSpecInput } from '../src/models/sensors.js';
import { vehicleParams } from '../src/models/vehicle-types.js';
import type { Vehicle } from '../src/models/vehicle.js';
import { WEATHER_EFFECTS, type Weather } from '../src/models/weather.js';
import { World } from '../src/models/world.js';

export interface StationaryTargetRun {
  readonly world: World;
  readonly ego: Vehicle;
}

/** A Euro NCAP CCRs-like run on the bare models: the ego at `kmh` towards a stationary car `distance` ahead. */
export function stationaryTarget(
  kmh: number,
  options: {
    weather?: Weather;
    distance?: number;
    behaviour?: Partial<BehaviourConfig>;
    sensors?: SensorSpecInput[];
    seed?: number;
  } = {},
): StationaryTargetRun {
  const weather = options.weather ?? 'dry';
  const world = new World({
    dt: 0.01,
    weather,
    mu: WEATHER_EFFECTS[weather].mu,
    gradeRad: 0,
    rng: (name) => createNamedStream(options.seed ?? 1, name),
  });
  const route = Route.straight(1000, 1, 3.5, 200);
  const ego = world.addVehicle({
    id: 'ego',
    modelType: 'sedan',
    params: vehicleParams('sedan'),
    behaviour: behaviourSchema.parse({ cruise_speed_kmh: kmh, acc: { enabled: false }, ...options.behaviour }),
    route,
    lane: 0,
    s0: 0,
    speed0: kmh / 3.6,
    sensors: options.sensors ?? [{ type: 'radar' }, { type: 'camera' }],
  });
  world.addActor(
    new ScriptedActor('target', 'vehicle', route.path, (options.distance ?? 150) + 2.25, [[0, 0]], [[0, 0]], 4.5, 1.8),
  );
  return { world, ego };
}

export function runToEnd(world: World, maxSteps = 6000): void {
  for (let k = 0; k < maxSteps && !world.done(); k++) world.step();
}
