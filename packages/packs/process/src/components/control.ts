import { z } from 'zod';
import { BlockBase, type BlockContext, type ComponentType } from '../component.js';
import { clamp, num, unitProperty } from './common.js';

const thermostatProps = z.strictObject({
  unit: unitProperty('the measurement and setpoint'),
  output_unit: unitProperty('the output'),
  setpoint: num(-1e12, 1e12, 20, 'Setpoint while the sp input is not connected.'),
  hysteresis: num(0, 1e9, 1, 'Width of the band around the setpoint where the output keeps its state.'),
  action: z
    .enum(['heating', 'cooling'])
    .default('heating')
    .describe('heating: on below the band, off above it; cooling: the opposite.'),
  on_value: num(-1e12, 1e12, 1, 'Output while on.'),
  off_value: num(-1e12, 1e12, 0, 'Output while off.'),
  initially_on: z.boolean().default(false).describe('State at the start.'),
});
type ThermostatProps = z.infer<typeof thermostatProps>;

/** An on/off controller with hysteresis: switches when the measurement leaves the band around the setpoint. */
export class ThermostatBlock extends BlockBase {
  readonly stateCount = 0;
  readonly held = true;
  on: boolean;
  setpoint: number;
  readonly spWired: boolean;

  constructor(
    readonly p: ThermostatProps,
    private readonly ctx: BlockContext,
  ) {
    super();
    this.on = p.initially_on;
    this.setpoint = p.setpoint;
    this.spWired = ctx.connected('sp');
  }

  private write(): void {
    this.y[0] = this.on ? 1 : 0;
    this.y[1] = this.on ? this.p.on_value : this.p.off_value;
  }

  start(): void {
    this.write();
  }

  output(): void {
    // Switches only at completed steps.
  }

  update(): void {
    const pv = this.u[0] as number;
    const sp = this.spWired ? (this.u[1] as number) : this.setpoint;
    const half = this.p.hysteresis / 2;
    const low = pv < sp - half;
    const high = pv > sp + half;
    const next =
      this.p.action === 'heating' ? (low ? true : high ? false : this.on) : high ? true : low ? false : this.on;
    if (next !== this.on) {
      this.on = next;
      this.ctx.event(next ? 'THERMOSTAT_ON' : 'THERMOSTAT_OFF', { pv, sp });
    }
    this.write();
  }

  extras() {
    return { setpoint: this.spWired ? (this.u[1] as number) : this.setpoint };
  }
}

export const thermostatType: ComponentType<ThermostatProps> = {
  type: 'thermostat',
  title: 'Thermostat',
  description: 'On/off control with a hysteresis band around the setpoint (heating or cooling action).',
  category: 'control',
  properties: thermostatProps,
  unitProperties: { $u: 'unit', $y: 'output_unit' },
  ports: () => [
    { name: 'pv', direction: 'in', unit: '$u', description: 'Measurement.', default: 0, feedthrough: false },
    {
      name: 'sp',
      direction: 'in',
      unit: '$u',
      description: 'Setpoint (else the property).',
      default: 0,
      feedthrough: false,
    },
    { name: 'on', direction: 'out', unit: 'bool', description: 'Switched on.' },
    { name: 'out', direction: 'out', unit: '$y', description: 'on_value or off_value.' },
  ],
  extraState: { setpoint: z.number() },
  create: (props, ctx) => new ThermostatBlock(props, ctx),
};

const actuatorProps = z.strictObject({
  unit: unitProperty('the command and output'),
  min: num(-1e12, 1e12, 0, 'Lowest output (saturation).'),
  max: num(-1e12, 1e12, 1, 'Highest output (saturation).'),
  rate_limit_per_s: num(0, 1e12, 0, 'Fastest change of the output per second; 0: no limit.'),
  initial: num(-1e12, 1e12, 0, 'Output at the start.'),
});
type ActuatorProps = z.infer<typeof actuatorProps>;

/** An actuator: follows its command within saturation limits and a rate limit; can stick (a fault). */
export class ActuatorBlock extends BlockBase {
  readonly stateCount = 0;
  readonly held = true;
  stuck = false;
  private value: number;

  constructor(readonly p: ActuatorProps) {
    super();
    this.value = clamp(p.initial, p.min, p.max);
  }

  start(): void {
    this.y[0] = this.value;
  }

  output(): void {
    // Moves only at completed steps (the rate limit is per step).
  }

  update(_t: number, dt: number): void {
    if (!this.stuck) {
      const target = clamp(this.u[0] as number, this.p.min, this.p.max);
      const room = this.p.rate_limit_per_s > 0 ? this.p.rate_limit_per_s * dt : Infinity;
      this.value += clamp(target - this.value, -room, room);
    }
    this.y[0] = this.value;
    this.y[1] = this.value <= this.p.min || this.value >= this.p.max ? 1 : 0;
  }

  extras() {
    return { stuck: this.stuck };
  }

  faulted(): boolean {
    return this.stuck;
  }
}

export const actuatorType: ComponentType<ActuatorProps> = {
  type: 'actuator',
  title: 'Actuator',
  description: 'Follows a command with saturation and a rate limit (a positioner, a drive); can stick.',
  category: 'control',
  properties: actuatorProps.refine((p) => p.min < p.max, { message: 'min must be below max', path: ['max'] }),
  unitProperties: { $u: 'unit' },
  ports: () => [
    { name: 'command', direction: 'in', unit: '$u', description: 'Command.', default: 0, feedthrough: false },
    { name: 'output', direction: 'out', unit: '$u', description: 'Actual output.' },
    { name: 'saturated', direction: 'out', unit: 'bool', description: 'At a limit.' },
  ],
  extraState: { stuck: z.boolean() },
  create: (props) => new ActuatorBlock(props),
};
