import { z } from 'zod';
import { BlockBase, templatePorts, type ComponentType } from '../component.js';
import { DelayLine, num } from './common.js';

const pipeProps = z.strictObject({
  delay_s: num(0, 3600, 0, 'Transport delay (s): what enters leaves this much later.'),
  heat_loss_fraction: num(0, 1, 0, 'Share of the temperature difference to ambient lost on the way.'),
  ambient_c: num(-50, 100, 20, 'Ambient temperature (°C).'),
});
type PipeProps = z.infer<typeof pipeProps>;

/** A pipe: flow and temperature arrive after a transport delay, the temperature nearer ambient. */
class PipeBlock extends BlockBase {
  readonly stateCount = 0;
  readonly held: boolean;
  private readonly flows: DelayLine;
  private readonly temps: DelayLine;

  constructor(readonly p: PipeProps) {
    super();
    this.held = p.delay_s > 0;
    this.flows = new DelayLine(p.delay_s);
    this.temps = new DelayLine(p.delay_s);
  }

  private cooled(temp: number): number {
    return this.p.ambient_c + (temp - this.p.ambient_c) * (1 - this.p.heat_loss_fraction);
  }

  start(t: number): void {
    this.update(t);
  }

  output(): void {
    if (this.p.delay_s > 0) return; // held since the last update
    this.y[0] = this.u[0] as number;
    this.y[1] = this.cooled(this.u[1] as number);
  }

  update(t: number): void {
    if (this.p.delay_s === 0) return;
    this.flows.push(t, this.u[0] as number);
    this.temps.push(t, this.u[1] as number);
    this.y[0] = this.flows.read(t, 0);
    this.y[1] = this.cooled(this.temps.read(t, this.p.ambient_c));
  }
}

export const pipeType: ComponentType<PipeProps> = {
  type: 'pipe',
  title: 'Pipe',
  description: 'Carries a flow at a temperature with a transport delay and heat loss to ambient.',
  category: 'process',
  properties: pipeProps,
  ports: (p) => [
    {
      name: 'flow_in',
      direction: 'in',
      unit: 'm3/s',
      description: 'Flow entering.',
      default: 0,
      feedthrough: p.delay_s === 0,
    },
    {
      name: 'temperature_in',
      direction: 'in',
      unit: 'degC',
      description: 'Temperature entering.',
      default: 20,
      feedthrough: p.delay_s === 0,
    },
    { name: 'flow', direction: 'out', unit: 'm3/s', description: 'Flow leaving.' },
    { name: 'temperature', direction: 'out', unit: 'degC', description: 'Temperature leaving.' },
  ],
  create: (props) => new PipeBlock(props),
};

const mixerProps = z.strictObject({
  inlets: z.number().int().min(2).max(8).default(2).describe('Number of inlets.'),
});
type MixerProps = z.infer<typeof mixerProps>;

/** A junction: the flows add up, the temperature is their flow-weighted mean (same liquid on every inlet). */
class MixerBlock extends BlockBase {
  readonly stateCount = 0;
  private lastTemp = 20;
  constructor(private readonly n: number) {
    super();
  }

  output(): void {
    let q = 0;
    let qt = 0;
    let tSum = 0;
    for (let i = 0; i < this.n; i++) {
      const qi = Math.max(this.u[2 * i] as number, 0);
      const ti = this.u[2 * i + 1] as number;
      q += qi;
      qt += qi * ti;
      tSum += ti;
    }
    this.y[0] = q;
    // No flow: the mean of the inlet temperatures (continuous as flows fade to zero in proportion).
    this.lastTemp = q > 1e-12 ? qt / q : tSum / this.n;
    this.y[1] = this.lastTemp;
  }
}

export const mixerType: ComponentType<MixerProps> = {
  type: 'mixer',
  title: 'Mixer',
  description: 'Joins flows: the outflow is their sum at their flow-weighted mean temperature.',
  category: 'process',
  properties: mixerProps,
  ...templatePorts<MixerProps>([
    {
      name: 'flow_{i}',
      direction: 'in',
      unit: 'm3/s',
      description: 'Flow of inlet {i}.',
      default: 0,
      repeat: 'inlets',
    },
    {
      name: 'temperature_{i}',
      direction: 'in',
      unit: 'degC',
      description: 'Temperature of inlet {i}.',
      default: 20,
      repeat: 'inlets',
    },
    { name: 'flow', direction: 'out', unit: 'm3/s', description: 'Total flow.' },
    { name: 'temperature', direction: 'out', unit: 'degC', description: 'Mixed temperature.' },
  ]),
  create: (props) => new MixerBlock(props.inlets),
};
