import { z } from 'zod';
import { BlockBase, type BlockContext, type ComponentType } from '../component.js';
import { clamp, num, unitProperty } from './common.js';

const pidProps = z.strictObject({
  unit: unitProperty('the measurement and setpoint'),
  output_unit: unitProperty('the output'),
  kp: num(-1e9, 1e9, 1, 'Proportional gain (output per unit of error).'),
  ki: num(-1e9, 1e9, 0, 'Integral gain (output per unit of error per second).'),
  kd: num(-1e9, 1e9, 0, 'Derivative gain (output per unit of error per second of change), on the measurement.'),
  derivative_filter: num(0.01, 1000, 10, 'N (1/s): the derivative is filtered with time constant 1/N s.'),
  setpoint: num(-1e12, 1e12, 0, 'Setpoint while the sp input is not connected.'),
  setpoint_weight: num(0, 1, 1, 'Share of the setpoint in the proportional term (b): below 1 softens setpoint steps.'),
  out_min: num(-1e12, 1e12, 0, 'Lowest output.'),
  out_max: num(-1e12, 1e12, 1, 'Highest output.'),
  bias: num(-1e12, 1e12, 0, 'Initial value of the integral term.'),
  direction: z
    .enum(['reverse', 'direct'])
    .default('reverse')
    .describe(
      'reverse: the output rises when the measurement falls below the setpoint (heating); direct: the opposite.',
    ),
  anti_windup: z
    .enum(['clamping', 'back_calculation', 'none'])
    .default('clamping')
    .describe('How the integral stops winding up while the output saturates.'),
  tracking_time_s: num(1e-3, 1e6, 1, 'Back-calculation tracking time (s).'),
  mode: z.enum(['auto', 'manual']).default('auto').describe('auto: closed loop; manual: the output is manual_output.'),
  manual_output: num(-1e12, 1e12, 0, 'Output in manual mode.'),
});
type PidProps = z.infer<typeof pidProps>;

export type PidMode = 'auto' | 'manual';

/**
 * A PID controller, parallel form u = kp·(b·sp − pv) + I + D with e = sp − pv (reverse acting), the derivative on
 * the measurement through a first-order filter, the integral a continuous state. Anti-windup by clamping
 * (conditional integration) or back-calculation. In manual the integral tracks the manual output, so switching
 * either way is bumpless.
 */
export class PidBlock extends BlockBase {
  readonly stateCount = 3;
  setpoint: number;
  mode: PidMode;
  manual: number;
  kp: number;
  ki: number;
  kd: number;
  private readonly sign: number;
  private readonly spWired: boolean;
  /** Unsaturated output and error of the last output call (derivative reuses them). */
  private v = 0;
  private e = 0;

  constructor(
    readonly p: PidProps,
    private readonly ctx: BlockContext,
  ) {
    super();
    this.setpoint = p.setpoint;
    this.mode = p.mode;
    this.manual = p.manual_output;
    this.kp = p.kp;
    this.ki = p.ki;
    this.kd = p.kd;
    this.sign = p.direction === 'reverse' ? 1 : -1;
    this.spWired = ctx.connected('sp');
  }

  /** Whether set_setpoint can act (the sp input is not wired from another component). */
  get setpointSettable(): boolean {
    return !this.spWired;
  }

  init(x: Float64Array, o: number): void {
    x[o] = this.p.bias; // integral term
    x[o + 1] = 0; // derivative filter state
    x[o + 2] = 0; // integral of |e| (IAE)
  }

  start(_t: number, x: Float64Array, o: number): void {
    // The filter starts settled on the first measurement: no derivative kick at t = 0.
    x[o + 1] = -this.sign * this.kd * (this.u[0] as number);
    if (this.mode === 'manual') this.track(x, o);
  }

  private sp(): number {
    return this.spWired ? (this.u[1] as number) : this.setpoint;
  }

  private proportional(): number {
    return this.sign * this.kp * (this.p.setpoint_weight * this.sp() - (this.u[0] as number));
  }

  private derivativeTerm(x: ArrayLike<number>, o: number): number {
    return this.p.derivative_filter * (-this.sign * this.kd * (this.u[0] as number) - (x[o + 1] as number));
  }

  output(_t: number, x: ArrayLike<number>, o: number): void {
    const p = this.proportional();
    const d = this.derivativeTerm(x, o);
    this.e = this.sign * (this.sp() - (this.u[0] as number));
    this.v = p + (x[o] as number) + d;
    const out = this.mode === 'manual' ? this.manual : this.v;
    this.y[0] = clamp(out, this.p.out_min, this.p.out_max);
    this.y[1] = this.sign * this.e;
  }

  derivative(_t: number, x: ArrayLike<number>, o: number, dx: Float64Array): void {
    const e = this.e;
    const d = this.derivativeTerm(x, o);
    dx[o + 1] = d;
    dx[o + 2] = Math.abs(e);
    if (this.mode === 'manual') {
      dx[o] = 0;
      return;
    }
    const out = this.y[0] as number;
    switch (this.p.anti_windup) {
      case 'none':
        dx[o] = this.ki * e;
        return;
      case 'back_calculation':
        dx[o] = this.ki * e + (out - this.v) / this.p.tracking_time_s;
        return;
      case 'clamping': {
        const pushesOut = (this.v > this.p.out_max && this.ki * e > 0) || (this.v < this.p.out_min && this.ki * e < 0);
        dx[o] = pushesOut ? 0 : this.ki * e;
        return;
      }
    }
  }

  /** In manual, the integral is set so the automatic output would equal the manual one (bumpless transfer). */
  private track(x: Float64Array, o: number): void {
    x[o] = clamp(this.manual, this.p.out_min, this.p.out_max) - this.proportional() - this.derivativeTerm(x, o);
  }

  update(_t: number, _dt: number, x: Float64Array, o: number): boolean {
    if (this.mode !== 'manual') return false;
    this.track(x, o);
    return true;
  }

  setMode(mode: PidMode, x: Float64Array, o: number, manual?: number): void {
    if (mode === 'manual') {
      // Auto → manual keeps the current output unless another is given.
      this.manual = manual ?? (this.y[0] as number);
      this.mode = 'manual';
      this.track(x, o);
    } else {
      this.mode = 'auto';
    }
    this.ctx.event('CONTROLLER_MODE_CHANGED', { mode: this.mode, output: this.manual });
  }

  iae(x: ArrayLike<number>, o: number): number {
    return x[o + 2] as number;
  }

  extras(x: ArrayLike<number>, o: number) {
    return { mode: this.mode, setpoint: this.sp(), integral: x[o] as number, saturated: this.v !== this.y[0] };
  }
}

export const pidType: ComponentType<PidProps> = {
  type: 'pid',
  title: 'PID controller',
  description:
    'PID with a filtered derivative on the measurement, setpoint weighting, output limits, anti-windup (clamping or back-calculation) and bumpless manual/auto transfer.',
  category: 'control',
  properties: pidProps.refine((p) => p.out_min < p.out_max, {
    message: 'out_min must be below out_max',
    path: ['out_max'],
  }),
  unitProperties: { $u: 'unit', $y: 'output_unit' },
  ports: () => [
    { name: 'pv', direction: 'in', unit: '$u', description: 'Process value (measurement).', default: 0 },
    { name: 'sp', direction: 'in', unit: '$u', description: 'Setpoint (else the setpoint property).', default: 0 },
    { name: 'out', direction: 'out', unit: '$y', description: 'Controller output.' },
    { name: 'error', direction: 'out', unit: '$u', description: 'Setpoint minus process value.' },
  ],
  extraState: {
    mode: z.enum(['auto', 'manual']),
    setpoint: z.number(),
    integral: z.number(),
    saturated: z.boolean(),
  },
  create: (props, ctx) => new PidBlock(props, ctx),
};
