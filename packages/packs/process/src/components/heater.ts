import { z } from 'zod';
import { BlockBase, type ComponentType } from '../component.js';
import { clamp, num } from './common.js';

const heaterProps = z.strictObject({
  max_power_w: num(0, 1e9, 5000, 'Power limit (W): a larger demand draws this much.'),
  efficiency: num(0, 1, 0.95, 'Share of the electrical power that becomes heat in the liquid.'),
  time_constant_s: num(0, 3600, 0, 'Thermal lag of the element (s); 0: the heat follows the demand at once.'),
});
type HeaterProps = z.infer<typeof heaterProps>;

/** An electric heater: power demand (clamped to its limit) → heat, through its efficiency and an optional lag. */
export class HeaterBlock extends BlockBase {
  readonly stateCount: number;
  failed = false;

  constructor(readonly p: HeaterProps) {
    super();
    // States: electrical energy drawn (J), and the element's power when it lags.
    this.stateCount = p.time_constant_s > 0 ? 2 : 1;
  }

  init(x: Float64Array, o: number): void {
    x[o] = 0;
    if (this.stateCount > 1) x[o + 1] = 0;
  }

  private demand(): number {
    if (this.failed || (this.u[1] as number) < 0.5) return 0;
    return clamp(this.u[0] as number, 0, this.p.max_power_w);
  }

  output(_t: number, x: ArrayLike<number>, o: number): void {
    const power = this.stateCount > 1 ? (x[o + 1] as number) : this.demand();
    this.y[0] = power * this.p.efficiency;
    this.y[1] = power;
  }

  derivative(_t: number, x: ArrayLike<number>, o: number, dx: Float64Array): void {
    dx[o] = this.y[1] as number;
    if (this.stateCount > 1) dx[o + 1] = (this.demand() - (x[o + 1] as number)) / this.p.time_constant_s;
  }

  energyJ(x: ArrayLike<number>, o: number): number {
    return x[o] as number;
  }

  extras(x: ArrayLike<number>, o: number) {
    return { energy_kwh: (x[o] as number) / 3.6e6, failed: this.failed };
  }

  faulted(): boolean {
    return this.failed;
  }
}

export const heaterType: ComponentType<HeaterProps> = {
  type: 'heater',
  title: 'Heater',
  description: 'An electric heater: the power it is asked for, up to its limit, becomes heat through its efficiency.',
  category: 'process',
  properties: heaterProps,
  ports: (p) => [
    {
      name: 'power',
      direction: 'in',
      unit: 'W',
      description: 'Power demand.',
      default: 0,
      feedthrough: p.time_constant_s === 0,
    },
    {
      name: 'enable',
      direction: 'in',
      unit: 'bool',
      description: 'Off (0) cuts the heater.',
      default: 1,
      feedthrough: p.time_constant_s === 0,
    },
    { name: 'heat', direction: 'out', unit: 'W', description: 'Heat delivered.' },
    { name: 'electrical_power', direction: 'out', unit: 'W', description: 'Electrical power drawn.' },
  ],
  extraState: { energy_kwh: z.number(), failed: z.boolean() },
  create: (props) => new HeaterBlock(props),
};
