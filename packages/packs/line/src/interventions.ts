import { InterventionRejected, type InterventionDefinition } from '@doppel/twin';
import { z } from 'zod';
import type { Buffer } from './flow.js';
import type { LineRuntime } from './line.js';
import type { Machine } from './machine.js';
import type { BufferState, LineState, MachineState } from './state.js';

type MachineIntervention<A> = InterventionDefinition<A, MachineState, Machine>;
type BufferIntervention<A> = InterventionDefinition<A, BufferState, Buffer>;

export const forceBreakdown: MachineIntervention<{ duration_seconds: number }> = {
  name: 'force_breakdown',
  description:
    'Puts the machine DOWN now for duration_seconds (a breakdown already running is extended); the work it was doing resumes afterwards.',
  args: z
    .strictObject({ duration_seconds: z.number().positive().describe('Downtime in seconds.') })
    .meta({ title: 'Force a breakdown' }),
  apply: (asset, args) => {
    asset.runtime.forceBreakdown(args.duration_seconds);
    return { note: `down until t=${asset.runtime.downUntil}s` };
  },
};

export const setSpeed: MachineIntervention<{ factor: number }> = {
  name: 'set_speed',
  description:
    'Runs the machine at factor × its nominal speed from its next cycle (0.5 = half speed, a performance loss).',
  args: z
    .strictObject({ factor: z.number().positive().max(10).describe('Speed factor, 1 = nominal.') })
    .meta({ title: 'Machine speed' }),
  apply: (asset, args, twin) => {
    asset.runtime.speedFactor = args.factor;
    twin.update(asset, { speed_factor: args.factor }, 'SPEED_CHANGED', null, { always: true });
  },
};

export const setDefectRate: MachineIntervention<{ rate: number }> = {
  name: 'set_defect_rate',
  description: 'Sets the probability that an output of this machine is defective, from its next output.',
  args: z
    .strictObject({ rate: z.number().min(0).max(1).describe('Defect probability per output unit.') })
    .meta({ title: 'Defect rate' }),
  apply: (asset, args, twin) => {
    asset.runtime.defectRate = args.rate;
    twin.update(asset, { defect_rate: args.rate }, 'DEFECT_RATE_CHANGED', null, { always: true });
  },
};

export const blockBuffer: BufferIntervention<Record<string, never>> = {
  name: 'block',
  description: 'The buffer accepts nothing more (its producer becomes BLOCKED); its consumer still empties it.',
  args: z.strictObject({}).meta({ title: 'Block' }),
  apply: (asset, _args, twin) => {
    const buffer = asset.runtime;
    if (buffer.blocked) throw new InterventionRejected(`buffer ${buffer.id} is already blocked`);
    buffer.blocked = true;
    twin.update(asset, { blocked: true, level: buffer.level }, 'BUFFER_BLOCKED');
  },
};

export const unblockBuffer: BufferIntervention<Record<string, never>> = {
  name: 'unblock',
  description: 'The buffer accepts units again; a producer waiting for it resumes.',
  args: z.strictObject({}).meta({ title: 'Unblock' }),
  apply: (asset, _args, twin) => {
    const buffer = asset.runtime;
    if (!buffer.blocked) throw new InterventionRejected(`buffer ${buffer.id} is not blocked`);
    buffer.blocked = false;
    twin.update(asset, { blocked: false, level: buffer.level }, 'BUFFER_UNBLOCKED');
    buffer.wakeProducer();
  },
};

export const drainBuffer: BufferIntervention<Record<string, never>> = {
  name: 'drain',
  description: 'Scraps everything in the buffer now (e.g. a quality hold); the units count as scrap.',
  args: z.strictObject({}).meta({ title: 'Drain' }),
  apply: (asset, _args, twin) => {
    const removed = asset.runtime.purge();
    const units = removed.reduce((sum, item) => sum + item.units, 0);
    twin.update(
      asset,
      { level: 0, full: false, drained: true },
      'BUFFER_DRAINED',
      { items: removed.length, units },
      {
        always: true,
      },
    );
  },
};

export const changeSku: InterventionDefinition<{ product: string }, LineState, LineRuntime> = {
  name: 'change_sku',
  description:
    'Switches the SKU the line starts making (a product of the run: `product` or one of `products`); units already in the line finish as their own SKU.',
  args: z
    .strictObject({ product: z.string().min(1).describe('Product (SKU) name.') })
    .meta({ title: 'Change product (SKU)' }),
  apply: (asset, args) => {
    const line = asset.runtime;
    const products = line.products();
    const product = products.find((p) => p.name === args.product);
    if (product === undefined) {
      throw new InterventionRejected(
        `unknown product "${args.product}" (this run knows ${products.map((p) => p.name).join(', ')}; list others under products:)`,
      );
    }
    if (product.name === line.sku.name) throw new InterventionRejected(`the line already runs ${product.name}`);
    line.changeSku(product);
  },
};

export const MACHINE_INTERVENTIONS = [forceBreakdown, setSpeed, setDefectRate] as const;
export const BUFFER_INTERVENTIONS = [blockBuffer, unblockBuffer, drainBuffer] as const;
export const LINE_INTERVENTIONS = [changeSku] as const;
