import type { Environment } from '@doppel/engine';
import type { Asset, TwinModel } from '@doppel/twin';
import type { LineConfig, ProductConfig } from './config.js';
import { compilePredicate } from './expressions.js';
import { Bin, Buffer, Source, type Inlet, type Item, type Outlet } from './flow.js';
import { Machine, type LineHooks } from './machine.js';
import { runMachine } from './orchestrator.js';
import type { BufferState, LineState, MachineState, MachineStateName } from './state.js';
import { REJECT, SINK, SOURCE, type LinePlan } from './topology.js';

/** One row of events.csv, kept compact; the datetime is formatted when the table is written. */
export type TransitionRow = [
  timestamp: number,
  machine: string,
  state: MachineStateName,
  eventType: string,
  duration: number,
];

/** Running totals of one line (cumulative since t = 0). */
export interface LineTotals {
  created: Map<string, number>;
  defectsCreated: number;
  defectsDetected: number;
  /** Finished units that reached the sink. */
  finished: number;
  goodFinished: number;
  defectiveFinished: number;
  goodFinishedUnits: number;
  finishedUnits: number;
  rejectedItems: number;
  rejectedUnits: number;
  materialCost: number;
  revenue: number;
}

/**
 * One production line on the twin: its machines (asset kind `machine`), buffers (`buffer`) and the line itself
 * (`line`, which holds the running SKU), the source, sink and reject bin, and the running totals.
 */
export class LineRuntime implements LineHooks {
  readonly machines: Machine[] = [];
  readonly buffers: Buffer[] = [];
  readonly source: Source;
  readonly sink: Bin;
  readonly reject: Bin;
  readonly asset: Asset<LineState, LineRuntime>;
  readonly totals: LineTotals = {
    created: new Map(),
    defectsCreated: 0,
    defectsDetected: 0,
    finished: 0,
    goodFinished: 0,
    defectiveFinished: 0,
    goodFinishedUnits: 0,
    finishedUnits: 0,
    rejectedItems: 0,
    rejectedUnits: 0,
    materialCost: 0,
    revenue: 0,
  };
  sku: ProductConfig;

  constructor(
    readonly env: Environment,
    readonly twin: TwinModel,
    readonly config: LineConfig,
    readonly plan: LinePlan,
    /** '' for a single line, `line<k>.` in a plant of several. */
    readonly prefix: string,
    readonly lineId: string,
    private readonly transitions: TransitionRow[],
  ) {
    this.sku = config.product;
    this.sink = new Bin(SINK, (item) => this.finish(item));
    this.reject = new Bin(REJECT, (item) => {
      this.totals.rejectedItems++;
      this.totals.rejectedUnits += item.units;
    });
    this.source = new Source(plan.source?.initial_inventory ?? null, () => this.sku);
    this.asset = twin.createAsset<LineState, LineRuntime>(
      'line',
      lineId,
      {
        sku: this.sku.name,
        sku_description: this.sku.description,
        topology: plan.topology,
        stations: plan.stations.map((spec) => prefix + spec.id),
        edges: plan.edges.map((edge) => {
          const special = edge.from === SOURCE || edge.to === SINK || edge.to === REJECT;
          const name = (node: string): string => (node.startsWith('_') ? node : prefix + node);
          return {
            from: name(edge.from),
            to: name(edge.to),
            buffer: special ? null : prefix + edge.id,
            condition: edge.condition,
          };
        }),
      },
      this,
    );
    const byId = new Map<string, Machine>();
    for (const spec of plan.stations) {
      const machine = new Machine({ ...spec, id: prefix + spec.id }, this, '', this.sku);
      machine.asset = twin.createAsset<MachineState, Machine>('machine', machine.id, machine.initialState(), machine);
      byId.set(spec.id, machine);
      this.machines.push(machine);
    }
    for (const plan_ of plan.edges) {
      const from = plan_.from === SOURCE ? null : (byId.get(plan_.from) as Machine);
      let outlet: Outlet;
      let inlet: Inlet | null = null;
      if (plan_.to === SINK) outlet = this.sink;
      else if (plan_.to === REJECT) outlet = this.reject;
      else if (from === null) {
        inlet = this.source;
        outlet = this.sink; // unused: the source is not a machine
      } else {
        const buffer = new Buffer(prefix + plan_.id, prefix + plan_.from, prefix + plan_.to, plan_.capacity, twin);
        buffer.asset = twin.createAsset<BufferState, Buffer>(
          'buffer',
          buffer.id,
          {
            from: buffer.from,
            to: buffer.to,
            capacity: buffer.capacity,
            level: 0,
            full: false,
            blocked: false,
            drained: false,
          },
          buffer,
        );
        this.buffers.push(buffer);
        outlet = buffer;
        inlet = buffer;
      }
      if (inlet !== null) {
        const consumer = byId.get(plan_.to) as Machine;
        consumer.inputs.push(inlet);
        inlet.consumer = consumer;
      }
      if (from !== null) {
        from.routes.push({
          outlet,
          condition:
            plan_.condition === null ? null : compilePredicate(plan_.condition, `edge ${plan_.from} -> ${plan_.to}`),
          memo: new Map(),
        });
      }
    }
    for (const machine of this.machines) {
      machine.process = env.process(runMachine(machine), machine.id);
    }
  }

  recordTransition(time: number, machine: string, state: MachineStateName, eventType: string, duration: number): void {
    this.transitions.push([time, machine, state, eventType, duration]);
  }

  countCreated(kind: string, units: number): void {
    this.totals.created.set(kind, (this.totals.created.get(kind) ?? 0) + units);
  }

  countDefectCreated(): void {
    this.totals.defectsCreated++;
  }

  countDefectDetected(): void {
    this.totals.defectsDetected++;
  }

  private finish(item: Item): void {
    const totals = this.totals;
    totals.finished++;
    totals.finishedUnits += item.units;
    totals.materialCost += item.sku.material_cost;
    if (item.defective) totals.defectiveFinished++;
    else {
      totals.goodFinished++;
      totals.goodFinishedUnits += item.units;
      totals.revenue += item.sku.selling_price;
    }
  }

  /** Switches the SKU the source releases; units already in the line keep theirs. */
  changeSku(product: ProductConfig): void {
    this.sku = product;
    this.twin.update(this.asset, { sku: product.name, sku_description: product.description }, 'SKU_CHANGED', {
      size_oz: product.size_oz,
      units_per_case: product.units_per_case,
      cases_per_pallet: product.cases_per_pallet,
    });
  }

  /** Every SKU the configuration names (the starting one first). */
  products(): ProductConfig[] {
    return [this.config.product, ...this.config.products.filter((p) => p.name !== this.config.product.name)];
  }

  /** Base units: released by the source, finished, scrapped (reject bin and drains), and still inside. */
  materialBalance(): { released: number; finished: number; scrapped: number; inBuffers: number; inMachines: number } {
    let inBuffers = 0;
    let drained = 0;
    for (const buffer of this.buffers) {
      inBuffers += buffer.units;
      drained += buffer.drainedUnits;
    }
    let inMachines = 0;
    for (const machine of this.machines) inMachines += machine.heldUnits;
    return {
      released: this.source.taken,
      finished: this.sink.units,
      scrapped: this.reject.units + drained,
      inBuffers,
      inMachines,
    };
  }
}
