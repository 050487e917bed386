import {
  InterventionRejected,
  type Asset,
  type InterventionDefinition,
  type InterventionEffect,
  type JsonObject,
} from '@doppel/twin';
import { z } from 'zod';
import { ActuatorBlock, ThermostatBlock } from './components/control.js';
import { FmuBlock } from './components/fmu.js';
import { HeaterBlock } from './components/heater.js';
import { PidBlock } from './components/pid.js';
import { PumpBlock } from './components/pump.js';
import { SENSOR_FAULTS, SensorBlock, type SensorFault } from './components/sensor.js';
import { SourceBlock } from './components/sources.js';
import { ValveBlock } from './components/valve.js';
import type { ComponentRuntime } from './model.js';

type ComponentIntervention<A> = InterventionDefinition<A, JsonObject, ComponentRuntime>;
type ComponentAsset = Asset<JsonObject, ComponentRuntime>;

const duration = z.number().positive().max(1e7).optional().describe('Ends by itself after this many seconds.');

function blockOf<B>(asset: ComponentAsset, cls: abstract new (...args: never[]) => B): B {
  const block = asset.runtime.block;
  if (!(block instanceof cls)) throw new InterventionRejected(`${asset.id} is a ${asset.kind}`);
  return block as B;
}

/**
 * Runs a change at the intervention's exact instant: integrates up to now first, records the component's state
 * after, and (with a duration) undoes it the same way when it ends.
 */
function act(
  asset: ComponentAsset,
  eventType: string,
  meta: JsonObject,
  change: () => void,
  undo?: { durationS: number | undefined; eventType: string; run: () => void },
): InterventionEffect | void {
  const { model, index } = asset.runtime;
  model.sync();
  change();
  model.record(index, eventType, meta);
  if (undo?.durationS === undefined) return;
  return {
    durationS: undo.durationS,
    end: () => {
      model.sync();
      undo.run();
      model.record(index, undo.eventType, {});
    },
  };
}

function state(asset: ComponentAsset): { x: Float64Array; o: number } {
  const { model, index } = asset.runtime;
  return { x: model.system.state, o: model.system.offsets[index] as number };
}

export const setSetpoint: ComponentIntervention<{ value: number; duration_s?: number | undefined }> = {
  name: 'set_setpoint',
  description:
    'Changes the setpoint of a controller or thermostat (when its sp input is not wired), or holds a source at a value.',
  args: z.strictObject({ value: z.number().min(-1e12).max(1e12), duration_s: duration }),
  apply: (asset, args) => {
    const block = asset.runtime.block;
    if (block instanceof SourceBlock) {
      const before = block.override;
      const t = () => asset.runtime.model.system.time;
      return act(asset, 'SETPOINT_CHANGED', { value: args.value }, () => block.setOverride(args.value, t()), {
        durationS: args.duration_s,
        eventType: 'SETPOINT_RESTORED',
        run: () => block.setOverride(before, t()),
      });
    }
    if (block instanceof PidBlock || block instanceof ThermostatBlock) {
      const settable = block instanceof PidBlock ? block.setpointSettable : !block.spWired;
      if (!settable) {
        throw new InterventionRejected(`${asset.id}.sp is wired from another component: change that component instead`);
      }
      const before = block.setpoint;
      return act(asset, 'SETPOINT_CHANGED', { from: before, to: args.value }, () => (block.setpoint = args.value), {
        durationS: args.duration_s,
        eventType: 'SETPOINT_RESTORED',
        run: () => (block.setpoint = before),
      });
    }
    throw new InterventionRejected(`${asset.id} is a ${asset.kind}: it has no setpoint`);
  },
};

export const setMode: ComponentIntervention<{ mode: 'auto' | 'manual' }> = {
  name: 'set_mode',
  description: 'Switches a controller between auto and manual, bumpless (manual keeps the current output).',
  args: z.strictObject({ mode: z.enum(['auto', 'manual']) }),
  apply: (asset, args) => {
    const pid = blockOf(asset, PidBlock);
    asset.runtime.model.sync();
    const { x, o } = state(asset);
    pid.setMode(args.mode, x, o);
  },
};

export const setManualOutput: ComponentIntervention<{ value: number }> = {
  name: 'set_manual_output',
  description: 'Puts a controller in manual with this output (switching back to auto later is bumpless).',
  args: z.strictObject({ value: z.number().min(-1e12).max(1e12) }),
  apply: (asset, args) => {
    const pid = blockOf(asset, PidBlock);
    asset.runtime.model.sync();
    const { x, o } = state(asset);
    pid.setMode('manual', x, o, args.value);
  },
};

export const setTuning: ComponentIntervention<{
  kp?: number | undefined;
  ki?: number | undefined;
  kd?: number | undefined;
}> = {
  name: 'set_tuning',
  description: 'Changes the gains of a controller (those given).',
  args: z.strictObject({
    kp: z.number().min(-1e9).max(1e9).optional(),
    ki: z.number().min(-1e9).max(1e9).optional(),
    kd: z.number().min(-1e9).max(1e9).optional(),
  }),
  apply: (asset, args) => {
    const pid = blockOf(asset, PidBlock);
    return act(asset, 'TUNING_CHANGED', { ...args } as JsonObject, () => {
      pid.kp = args.kp ?? pid.kp;
      pid.ki = args.ki ?? pid.ki;
      pid.kd = args.kd ?? pid.kd;
    });
  },
};

export const failSensor: ComponentIntervention<{
  mode: SensorFault;
  value?: number | undefined;
  duration_s?: number | undefined;
}> = {
  name: 'fail_sensor',
  description:
    'A sensor fails: stuck (holds its reading), dropout (reads 0, invalid), out_of_range (pegs high, invalid), bias (adds value), drift (adds value per second), noise (adds value to the noise sd).',
  args: z.strictObject({
    mode: z.enum(SENSOR_FAULTS),
    value: z.number().min(-1e12).max(1e12).optional().describe('bias, drift, noise: the size of the fault.'),
    duration_s: duration,
  }),
  apply: (asset, args) => {
    const sensor = blockOf(asset, SensorBlock);
    const t = () => asset.runtime.model.system.time;
    return act(
      asset,
      'SENSOR_FAILED',
      { mode: args.mode, value: args.value ?? null },
      () => sensor.setFault(args.mode, args.value ?? 0, t()),
      { durationS: args.duration_s, eventType: 'SENSOR_REPAIRED', run: () => sensor.setFault(null, 0, t()) },
    );
  },
};

export const repairSensor: ComponentIntervention<Record<string, never>> = {
  name: 'repair_sensor',
  description: 'Clears a sensor fault.',
  args: z.strictObject({}),
  apply: (asset) => {
    const sensor = blockOf(asset, SensorBlock);
    return act(asset, 'SENSOR_REPAIRED', {}, () => sensor.setFault(null, 0, asset.runtime.model.system.time));
  },
};

export const stickValve: ComponentIntervention<{ position?: number | undefined; duration_s?: number | undefined }> = {
  name: 'stick_valve',
  description: 'The valve sticks where it is (or at the given position): commands no longer move it.',
  args: z.strictObject({
    position: z.number().min(0).max(1).optional().describe('Where it sticks (0..1); default: where it is.'),
    duration_s: duration,
  }),
  apply: (asset, args) => {
    const valve = blockOf(asset, ValveBlock);
    asset.runtime.model.sync();
    const { x, o } = state(asset);
    valve.stick(x, o, args.position);
    if (args.duration_s === undefined) return;
    return {
      durationS: args.duration_s,
      end: () => {
        asset.runtime.model.sync();
        valve.stuck = false;
        asset.runtime.model.record(asset.runtime.index, 'VALVE_FREED', {});
      },
    };
  },
};

export const freeValve: ComponentIntervention<Record<string, never>> = {
  name: 'free_valve',
  description: 'A stuck valve moves again.',
  args: z.strictObject({}),
  apply: (asset) => {
    const valve = blockOf(asset, ValveBlock);
    return act(asset, 'VALVE_FREED', {}, () => (valve.stuck = false));
  },
};

export const tripPump: ComponentIntervention<{ duration_s?: number | undefined }> = {
  name: 'trip_pump',
  description: 'The pump trips (motor protection): it runs down and stays off until reset.',
  args: z.strictObject({ duration_s: duration }),
  apply: (asset, args) => {
    const pump = blockOf(asset, PumpBlock);
    return act(asset, 'PUMP_TRIPPED', {}, () => (pump.tripped = true), {
      durationS: args.duration_s,
      eventType: 'PUMP_RESET',
      run: () => (pump.tripped = false),
    });
  },
};

export const resetPump: ComponentIntervention<Record<string, never>> = {
  name: 'reset_pump',
  description: 'Resets a tripped pump: it runs again if commanded.',
  args: z.strictObject({}),
  apply: (asset) => {
    const pump = blockOf(asset, PumpBlock);
    return act(asset, 'PUMP_RESET', {}, () => (pump.tripped = false));
  },
};

export const failHeater: ComponentIntervention<{ duration_s?: number | undefined }> = {
  name: 'fail_heater',
  description: 'The heating element fails: no power, no heat.',
  args: z.strictObject({ duration_s: duration }),
  apply: (asset, args) => {
    const heater = blockOf(asset, HeaterBlock);
    return act(asset, 'HEATER_FAILED', {}, () => (heater.failed = true), {
      durationS: args.duration_s,
      eventType: 'HEATER_REPAIRED',
      run: () => (heater.failed = false),
    });
  },
};

export const repairHeater: ComponentIntervention<Record<string, never>> = {
  name: 'repair_heater',
  description: 'A failed heater works again.',
  args: z.strictObject({}),
  apply: (asset) => {
    const heater = blockOf(asset, HeaterBlock);
    return act(asset, 'HEATER_REPAIRED', {}, () => (heater.failed = false));
  },
};

export const stickActuator: ComponentIntervention<{ duration_s?: number | undefined }> = {
  name: 'stick_actuator',
  description: 'The actuator sticks where it is.',
  args: z.strictObject({ duration_s: duration }),
  apply: (asset, args) => {
    const actuator = blockOf(asset, ActuatorBlock);
    return act(asset, 'ACTUATOR_STUCK', {}, () => (actuator.stuck = true), {
      durationS: args.duration_s,
      eventType: 'ACTUATOR_FREED',
      run: () => (actuator.stuck = false),
    });
  },
};

export const freeActuator: ComponentIntervention<Record<string, never>> = {
  name: 'free_actuator',
  description: 'A stuck actuator moves again.',
  args: z.strictObject({}),
  apply: (asset) => {
    const actuator = blockOf(asset, ActuatorBlock);
    return act(asset, 'ACTUATOR_FREED', {}, () => (actuator.stuck = false));
  },
};

/** Interventions by component type. */
export const setFmuValue: ComponentIntervention<{ name: string; value: number | boolean | string }> = {
  name: 'set_fmu_value',
  description:
    'Sets an input of an FMU (an unconnected port, held from now on) or a tunable parameter; the FMU sees it at its next communication point.',
  args: z.strictObject({
    name: z.string().min(1).max(1000),
    value: z.union([z.number().min(-1e300).max(1e300), z.boolean(), z.string().max(10_000)]),
  }),
  apply: (asset, args) => {
    const block = blockOf(asset, FmuBlock);
    const { model, index } = asset.runtime;
    const inputs = model.compiled.components[index]?.inputs ?? [];
    const slot = inputs.findIndex((p) => p.name === args.name);
    const meta = { name: args.name, value: args.value };
    if (slot >= 0) {
      if (model.compiled.wires.some((w) => w.to === index && w.input === slot))
        throw new InterventionRejected(
          `${asset.id}.${args.name} is wired from another component: change that component instead`,
        );
      if (typeof args.value === 'string')
        throw new InterventionRejected(`${asset.id}.${args.name} takes a number or a Boolean, not "${args.value}"`);
      const value = Number(args.value);
      return act(asset, 'FMU_INPUT_SET', meta, () => block.holdInput(slot, value));
    }
    const variable = block.p.variables.find((v) => v.name === args.name && v.causality === 'parameter');
    if (variable === undefined) {
      const names = block.p.variables.filter((v) => v.causality !== 'output').map((v) => v.name);
      throw new InterventionRejected(
        `${asset.id} has no input or parameter "${args.name}" (it has ${names.join(', ') || 'none'})`,
      );
    }
    if (variable.variability !== 'tunable')
      throw new InterventionRejected(
        `${asset.id}.${args.name} is a ${variable.variability} parameter: FMI allows setting it only before initialisation (set it in the component's parameters)`,
      );
    return act(asset, 'FMU_PARAMETER_SET', meta, () => {
      try {
        block.setParameter(args.name, args.value);
      } catch (error) {
        throw new InterventionRejected(error instanceof Error ? error.message : String(error));
      }
    });
  },
};

export const INTERVENTIONS_BY_TYPE: Readonly<Record<string, readonly ComponentIntervention<never>[]>> = {
  pid: [setSetpoint, setMode, setManualOutput, setTuning],
  thermostat: [setSetpoint],
  source: [setSetpoint],
  sensor: [failSensor, repairSensor],
  valve: [stickValve, freeValve],
  pump: [tripPump, resetPump],
  heater: [failHeater, repairHeater],
  actuator: [stickActuator, freeActuator],
  fmu: [setFmuValue],
} as unknown as Record<string, readonly ComponentIntervention<never>[]>;
