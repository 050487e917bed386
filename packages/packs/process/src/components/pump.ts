import { z } from 'zod';
import { BlockBase, type BlockContext, type ComponentType } from '../component.js';
import { clamp, G, num } from './common.js';

const pumpProps = z.strictObject({
  max_flow_m3s: num(1e-9, 100, 0.01, 'Flow at full speed against no head (m³/s).'),
  max_head_m: num(0.01, 5000, 20, 'Head at full speed and no flow (m).'),
  efficiency: num(0.01, 1, 0.7, 'Hydraulic power / electrical power.'),
  time_constant_s: num(0, 600, 1, 'Run-up and run-down lag of the speed (s).'),
  density_kg_m3: num(1, 20000, 1000, 'Density of the liquid (kg/m³).'),
});
type PumpProps = z.infer<typeof pumpProps>;

/**
 * A centrifugal pump on its curve H = H0·n²·(1 − (q / (q0·n))²) at relative speed n: the flow is where the curve
 * meets the pressure it pumps against. A trip stops it until it is reset.
 */
export class PumpBlock extends BlockBase {
  readonly stateCount = 1;
  tripped = false;
  private running = false;

  constructor(
    readonly p: PumpProps,
    private readonly ctx: BlockContext,
  ) {
    super();
  }

  init(x: Float64Array, o: number): void {
    x[o] = 0;
  }

  private target(): number {
    return this.tripped || (this.u[0] as number) < 0.5 ? 0 : clamp(this.u[1] as number, 0, 1);
  }

  private speed(x: ArrayLike<number>, o: number): number {
    return this.p.time_constant_s > 0 ? Math.max(x[o] as number, 0) : this.target();
  }

  output(_t: number, x: ArrayLike<number>, o: number): void {
    const n = this.speed(x, o);
    const rhoG = this.p.density_kg_m3 * G;
    const head = ((this.u[3] as number) - (this.u[2] as number)) / rhoG;
    const shutoff = this.p.max_head_m * n * n;
    const q = n > 0 && head < shutoff ? this.p.max_flow_m3s * n * Math.sqrt(1 - Math.max(head, 0) / shutoff) : 0;
    this.y[0] = q;
    this.y[1] = q > 0 ? (rhoG * Math.max(head, 0) * q) / this.p.efficiency : 0;
    this.y[2] = n > 0.01 ? 1 : 0;
  }

  derivative(_t: number, x: ArrayLike<number>, o: number, dx: Float64Array): void {
    dx[o] = this.p.time_constant_s > 0 ? (this.target() - (x[o] as number)) / this.p.time_constant_s : 0;
  }

  update(): boolean {
    const running = (this.y[2] as number) > 0.5;
    if (running !== this.running) {
      this.running = running;
      this.ctx.event(running ? 'PUMP_STARTED' : 'PUMP_STOPPED');
    }
    // `running` only tells the events apart; the outputs do not read it.
    return false;
  }

  extras() {
    return { tripped: this.tripped };
  }

  faulted(): boolean {
    return this.tripped;
  }
}

export const pumpType: ComponentType<PumpProps> = {
  type: 'pump',
  title: 'Pump',
  description:
    'A centrifugal pump: on/off and speed commands, a quadratic head curve against the pressure it pumps into, run-up lag, trips.',
  category: 'process',
  properties: pumpProps,
  ports: (p) => [
    {
      name: 'on',
      direction: 'in',
      unit: 'bool',
      description: 'Run command.',
      default: 1,
      feedthrough: p.time_constant_s === 0,
    },
    {
      name: 'speed',
      direction: 'in',
      unit: 'fraction',
      description: 'Relative speed (0..1).',
      default: 1,
      feedthrough: p.time_constant_s === 0,
    },
    { name: 'p_in', direction: 'in', unit: 'Pa', description: 'Suction gauge pressure.', default: 0 },
    { name: 'p_out', direction: 'in', unit: 'Pa', description: 'Discharge gauge pressure.', default: 0 },
    { name: 'flow', direction: 'out', unit: 'm3/s', description: 'Flow delivered.' },
    { name: 'power', direction: 'out', unit: 'W', description: 'Electrical power.' },
    { name: 'running', direction: 'out', unit: 'bool', description: 'Turning.' },
  ],
  extraState: { tripped: z.boolean() },
  create: (props, ctx) => new PumpBlock(props, ctx),
};
