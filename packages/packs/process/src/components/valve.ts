import { z } from 'zod';
import { BlockBase, type BlockContext, type ComponentType } from '../component.js';
import { clamp, num } from './common.js';

const valveProps = z.strictObject({
  kv_m3h: num(0, 1e5, 10, 'Flow coefficient Kv: m³/h of water at 1 bar pressure drop, fully open.'),
  characteristic: z
    .enum(['linear', 'equal_percentage', 'quick_opening'])
    .default('linear')
    .describe('How the flow area follows the position.'),
  rangeability: num(2, 1000, 50, 'Equal-percentage rangeability (largest to smallest controllable flow).'),
  time_constant_s: num(0, 600, 2, 'Actuator lag from command to position (s); 0: moves at once.'),
  initial_position: num(0, 1, 0, 'Position at the start (0 closed, 1 open).'),
  density_kg_m3: num(1, 20000, 1000, 'Density of the liquid (kg/m³).'),
});
type ValveProps = z.infer<typeof valveProps>;

/** A control valve: flow = Kv · f(position) · √(Δp / ρ-relative), no reverse flow; the position lags the command. */
export class ValveBlock extends BlockBase {
  readonly stateCount = 1;
  /** When stuck, the position holds (the actuator no longer moves it). */
  stuck = false;
  private readonly flowPerSqrtPa: number;

  constructor(
    readonly p: ValveProps,
    private readonly ctx: BlockContext,
  ) {
    super();
    // Kv is m³/h at Δp = 1 bar for water: q [m³/s] = Kv/3600 · √(Δp/1e5 · 1000/ρ).
    this.flowPerSqrtPa = p.kv_m3h / 3600 / Math.sqrt(1e5) / Math.sqrt(p.density_kg_m3 / 1000);
  }

  init(x: Float64Array, o: number): void {
    x[o] = this.p.initial_position;
  }

  private area(pos: number): number {
    const s = clamp(pos, 0, 1);
    switch (this.p.characteristic) {
      case 'linear':
        return s;
      case 'quick_opening':
        return Math.sqrt(s);
      // equal_percentage, the last kind, as the default: every path returns a number, so none boxes its double.
      default:
        // R^(s-1) leaks 1/R when closed: close it fully below 0.1% so a closed valve passes nothing.
        return s < 1e-3 ? 0 : Math.pow(this.p.rangeability, s - 1);
    }
  }

  private position(x: ArrayLike<number>, o: number): number {
    return this.p.time_constant_s > 0 || this.stuck ? (x[o] as number) : clamp(this.u[0] as number, 0, 1);
  }

  output(_t: number, x: ArrayLike<number>, o: number): void {
    const pos = this.position(x, o);
    const dp = (this.u[1] as number) - (this.u[2] as number);
    this.y[0] = dp > 0 ? this.flowPerSqrtPa * this.area(pos) * Math.sqrt(dp) : 0;
    this.y[1] = pos;
  }

  derivative(_t: number, x: ArrayLike<number>, o: number, dx: Float64Array): void {
    if (this.stuck || this.p.time_constant_s === 0) dx[o] = 0;
    else dx[o] = (clamp(this.u[0] as number, 0, 1) - (x[o] as number)) / this.p.time_constant_s;
  }

  update(_t: number, _dt: number, x: Float64Array, o: number): boolean {
    // Without lag the state just follows the command, so sticking freezes the position it had.
    if (this.p.time_constant_s > 0 || this.stuck) return false;
    const before = x[o];
    x[o] = clamp(this.u[0] as number, 0, 1);
    return x[o] !== before;
  }

  stick(x: Float64Array, o: number, position: number | undefined): void {
    this.stuck = true;
    if (position !== undefined) x[o] = position;
    this.ctx.event('VALVE_STUCK', { position: x[o] as number });
  }

  extras() {
    return { stuck: this.stuck };
  }

  faulted(): boolean {
    return this.stuck;
  }
}

export const valveType: ComponentType<ValveProps> = {
  type: 'valve',
  title: 'Valve',
  description:
    'A control valve: its opening and the pressure drop across it set the flow (Kv, linear, equal-percentage or quick-opening); the actuator lags the command; it can stick.',
  category: 'process',
  properties: valveProps,
  ports: (p) => [
    {
      name: 'opening',
      direction: 'in',
      unit: 'fraction',
      description: 'Commanded opening (0..1).',
      default: 0,
      feedthrough: p.time_constant_s === 0,
    },
    { name: 'p_in', direction: 'in', unit: 'Pa', description: 'Upstream gauge pressure.', default: 0 },
    { name: 'p_out', direction: 'in', unit: 'Pa', description: 'Downstream gauge pressure.', default: 0 },
    { name: 'flow', direction: 'out', unit: 'm3/s', description: 'Flow through the valve.' },
    { name: 'position', direction: 'out', unit: 'fraction', description: 'Actual position.' },
  ],
  extraState: { stuck: z.boolean() },
  create: (props, ctx) => new ValveBlock(props, ctx),
};
