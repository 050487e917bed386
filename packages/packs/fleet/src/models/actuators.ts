import type { ActuatorOutputs } from './dynamics.js';
import type { VehicleParams } from './vehicle-types.js';

/**
 * One actuator channel: the output follows the command through a first-order lag, moves no faster than the rate
 * limit and stays within saturation. Discretised exactly for the lag (1 − e^(−dt/τ)), then rate-clamped.
 */
export class ActuatorChannel {
  output = 0;
  command = 0;
  constructor(
    readonly lagS: number,
    readonly ratePerS: number,
    readonly min: number,
    readonly max: number,
  ) {}

  step(dt: number): number {
    const target = this.command < this.min ? this.min : this.command > this.max ? this.max : this.command;
    const gain = this.lagS > 0 ? 1 - Math.exp(-dt / this.lagS) : 1;
    let delta = (target - this.output) * gain;
    const maxDelta = this.ratePerS * dt;
    if (delta > maxDelta) delta = maxDelta;
    else if (delta < -maxDelta) delta = -maxDelta;
    this.output += delta;
    return this.output;
  }
}

/** Faults an actuator set can carry (interventions set and clear them). */
export interface ActuatorFaults {
  /** Brake effectiveness multiplier, 1 = healthy; brake fade lowers it (0.4 = 40 % of the force). */
  brake_effectiveness: number;
  /** When set, the throttle output is stuck at this value whatever the command. */
  stuck_throttle: number | null;
}

/** Throttle, brake and steering of one vehicle, with their faults. */
export class Actuators implements ActuatorOutputs {
  readonly throttleChannel: ActuatorChannel;
  readonly brakeChannel: ActuatorChannel;
  readonly steerChannel: ActuatorChannel;
  readonly faults: ActuatorFaults = { brake_effectiveness: 1, stuck_throttle: null };
  throttle = 0;
  brake = 0;
  steer_rad = 0;

  constructor(p: VehicleParams) {
    const maxSteer = (p.max_steer_deg * Math.PI) / 180;
    this.throttleChannel = new ActuatorChannel(p.throttle_lag_s, p.throttle_rate_per_s, 0, 1);
    this.brakeChannel = new ActuatorChannel(p.brake_lag_s, p.brake_rate_per_s, 0, 1);
    this.steerChannel = new ActuatorChannel(
      p.steer_lag_s,
      (p.max_steer_rate_deg_s * Math.PI) / 180,
      -maxSteer,
      maxSteer,
    );
  }

  get brake_effectiveness(): number {
    return this.faults.brake_effectiveness;
  }

  /** Sets the commands (clamped by the channels' saturation when stepped). */
  command(throttle: number, brake: number, steerRad: number): void {
    this.throttleChannel.command = throttle;
    this.brakeChannel.command = brake;
    this.steerChannel.command = steerRad;
  }

  step(dt: number): void {
    this.throttle = this.throttleChannel.step(dt);
    if (this.faults.stuck_throttle !== null) {
      this.throttleChannel.output = this.faults.stuck_throttle;
      this.throttle = this.faults.stuck_throttle;
    }
    this.brake = this.brakeChannel.step(dt);
    this.steer_rad = this.steerChannel.step(dt);
  }
}
