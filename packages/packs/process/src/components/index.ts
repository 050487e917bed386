import type { AnyComponentType } from '../component.js';
import { actuatorType, thermostatType } from './control.js';
import { fmuType } from './fmu.js';
import { heaterType } from './heater.js';
import { pidType } from './pid.js';
import { mixerType, pipeType } from './piping.js';
import { pumpType } from './pump.js';
import { sensorType } from './sensor.js';
import { scopeType, sourceType } from './sources.js';
import { tankType } from './tank.js';
import { valveType } from './valve.js';

/** Every built-in component type, in palette order. */
export const COMPONENT_TYPES: readonly AnyComponentType[] = [
  sourceType,
  tankType,
  heaterType,
  valveType,
  pumpType,
  pipeType,
  mixerType,
  sensorType,
  actuatorType,
  pidType,
  thermostatType,
  scopeType,
];

/** Every type a model may use: the built-in ones and `fmu`, whose ports come from the FMU each one runs. */
const byName = new Map([...COMPONENT_TYPES, fmuType].map((t) => [t.type, t]));

export function componentType(type: string): AnyComponentType | undefined {
  return byName.get(type);
}
