import type { RandomStream } from '@doppel/engine';
import { z } from 'zod';
import { BlockBase, type BlockContext, type ComponentType } from '../component.js';
import { DelayLine, num, unitProperty } from './common.js';

const sensorProps = z.strictObject({
  unit: unitProperty('the measured value'),
  noise_sd: num(0, 1e9, 0, 'Standard deviation of the Gaussian measurement noise.'),
  bias: num(-1e9, 1e9, 0, 'Constant offset added to the measurement.'),
  drift_per_s: num(-1e6, 1e6, 0, 'Offset added per second of run time.'),
  delay_s: num(0, 3600, 0, 'Dead time of the measurement (s).'),
  time_constant_s: num(0, 3600, 0, 'First-order lag of the sensing element (s).'),
  resolution: num(0, 1e9, 0, 'Quantisation step of the reading; 0: none.'),
  sample_s: num(0, 3600, 0, 'Sampling period (s); 0: every step.'),
  range_min: num(-1e12, 1e12, -1e9, 'Lowest reading; below it the reading pegs here and is invalid.'),
  range_max: num(-1e12, 1e12, 1e9, 'Highest reading; above it the reading pegs here and is invalid.'),
});
type SensorProps = z.infer<typeof sensorProps>;

export const SENSOR_FAULTS = ['stuck', 'dropout', 'out_of_range', 'bias', 'drift', 'noise'] as const;
export type SensorFault = (typeof SENSOR_FAULTS)[number];

/**
 * A sampled sensor: the true value through a dead time and a lag, plus bias, drift and noise (from the run's random
 * streams), quantised and clipped to its range. Faults: stuck (holds its reading), dropout (reads 0, invalid),
 * out_of_range (pegs at its maximum, invalid), extra bias, drift or noise. The reading holds between samples, so a
 * sensor breaks every loop it is in.
 */
export class SensorBlock extends BlockBase {
  readonly stateCount = 0;
  readonly held = true;
  fault: SensorFault | null = null;
  faultValue = 0;
  /** The dead time's history; null without one (the true value is then the input itself). */
  private readonly delay: DelayLine | null;
  private readonly noise: RandomStream;
  private filtered = 0;
  private nextSample = 0;
  /** The lag's blend factor for the step `lagDt` (a step is fixed, so it is computed once, not at every sample). */
  private lagDt = Number.NaN;
  private lagAlpha = 0;

  constructor(
    readonly p: SensorProps,
    ctx: BlockContext,
  ) {
    super();
    this.delay = p.delay_s > 0 ? new DelayLine(p.delay_s) : null;
    this.noise = ctx.rng('noise');
  }

  start(t: number): void {
    this.filtered = this.u[0] as number;
    this.sample(t, 0);
  }

  output(): void {
    // The reading holds between samples.
  }

  update(t: number, dt: number): void {
    this.sample(t, dt);
  }

  private sample(t: number, dt: number): void {
    const input = this.u[0] as number;
    let truth = input;
    if (this.delay !== null) {
      this.delay.push(t, input);
      truth = this.delay.read(t, input);
    }
    if (this.p.time_constant_s > 0) {
      if (dt !== this.lagDt) {
        this.lagDt = dt;
        this.lagAlpha = 1 - Math.exp(-dt / this.p.time_constant_s);
      }
      this.filtered = this.filtered + this.lagAlpha * (truth - this.filtered);
    } else this.filtered = truth;
    if (t + 1e-6 < this.nextSample) return;
    if (this.p.sample_s > 0) this.nextSample += this.p.sample_s;
    else this.nextSample = t;
    if (this.fault === 'stuck') return;
    if (this.fault === 'dropout') {
      this.y[0] = 0;
      this.y[1] = 0;
      return;
    }
    let reading = this.filtered + this.p.bias + this.p.drift_per_s * t;
    let sd = this.p.noise_sd;
    if (this.fault === 'bias') reading += this.faultValue;
    else if (this.fault === 'drift') reading += this.faultValue * (t - this.faultSince);
    else if (this.fault === 'noise') sd += this.faultValue;
    if (sd > 0) reading += this.noise.normal(0, sd);
    if (this.p.resolution > 0) reading = Math.round(reading / this.p.resolution) * this.p.resolution;
    let valid = true;
    if (this.fault === 'out_of_range' || reading > this.p.range_max) {
      reading = this.p.range_max;
      valid = false;
    } else if (reading < this.p.range_min) {
      reading = this.p.range_min;
      valid = false;
    }
    this.y[0] = reading;
    this.y[1] = valid ? 1 : 0;
  }

  faultSince = 0;

  setFault(fault: SensorFault | null, value: number, t: number): void {
    this.fault = fault;
    this.faultValue = value;
    this.faultSince = t;
    // A fault shows from the instant it happens, not from the next sample.
    this.nextSample = t;
    this.sample(t, 0);
  }

  extras() {
    return { fault: this.fault ?? 'none' };
  }

  faulted(): boolean {
    return this.fault !== null;
  }
}

export const sensorType: ComponentType<SensorProps> = {
  type: 'sensor',
  title: 'Sensor',
  description:
    'Measures what it is wired to: dead time, lag, bias, drift, noise, quantisation, range, sampling; faults stuck, dropout, out of range, bias, drift, noise.',
  category: 'measurement',
  properties: sensorProps,
  unitProperties: { $u: 'unit' },
  ports: () => [
    { name: 'value', direction: 'in', unit: '$u', description: 'True value.', default: 0, feedthrough: false },
    { name: 'measured', direction: 'out', unit: '$u', description: 'Reading.' },
    { name: 'valid', direction: 'out', unit: 'bool', description: 'Reading valid (in range, no dropout).' },
  ],
  extraState: { fault: z.enum(['none', ...SENSOR_FAULTS]) },
  create: (props, ctx) => new SensorBlock(props, ctx),
};
