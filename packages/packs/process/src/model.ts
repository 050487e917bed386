import { integrate, type IntegrationHandle } from '@doppel/engine';
import type { Asset, AssetStatus, BuildContext, JsonObject, OutputTable, PackModel, TwinModel } from '@doppel/twin';
import type { Block } from './component.js';
import { compileModel, type CompiledModel } from './compile.js';
import { FmuBlock } from './components/fmu.js';
import { HeaterBlock } from './components/heater.js';
import { PidBlock } from './components/pid.js';
import { ScopeBlock } from './components/sources.js';
import { TankBlock } from './components/tank.js';
import { modelSpecOf, type ProcessConfig } from './config.js';
import { ProcessSystem, round6 } from './system.js';

/** The runtime behind a component's asset: the model it runs in and its block (what interventions act on). */
export interface ComponentRuntime {
  readonly model: ProcessModel;
  readonly index: number;
  readonly block: Block;
}

type ComponentAsset = Asset<JsonObject, ComponentRuntime>;

/**
 * The live model of a process simulation: the compiled block diagram as one system on the engine's fixed-step
 * integrator, one asset per component. Each component writes its state to the ledger at most every
 * `ledger.interval_s` and only when a value moved past the deadband; discrete changes (faults, trips, switches,
 * overflow) are recorded the instant they happen.
 */
export class ProcessModel implements PackModel {
  readonly compiled: CompiledModel;
  readonly system: ProcessSystem;
  private readonly assetList: ComponentAsset[] = [];
  private readonly twin: TwinModel;
  private readonly handle: IntegrationHandle;
  private readonly interval: number;
  private readonly deadband: number;
  private nextRecord = 0;

  constructor(context: BuildContext<ProcessConfig>) {
    const config = context.config;
    this.twin = context.twin;
    this.interval = config.ledger.interval_s;
    this.deadband = config.ledger.deadband;
    this.compiled = compileModel(modelSpecOf(config));
    this.system = new ProcessSystem(this.compiled, {
      step: config.step_s,
      rng: (id, name) => context.twin.rng(`process/${id}/${name}`),
      onEvent: (i, type, meta) => this.recordEvent(i, type, meta),
    });
    this.system.start(context.env.now);
    this.compiled.components.forEach((c, index) => {
      const runtime: ComponentRuntime = { model: this, index, block: this.system.blocks[index] as Block };
      this.assetList.push(this.twin.createAsset(c.type.type, c.id, this.system.snapshot(index), runtime));
    });
    this.nextRecord = context.env.now + this.interval;
    this.system.afterStepHook = (t) => this.sample(t);
    this.handle = integrate(context.env, {
      step: config.step_s,
      method: config.method,
      components: [this.system],
      name: 'process',
    });
  }

  /** Integrates up to now, so a change made now acts from this instant (not from the last step). */
  sync(): void {
    this.handle.synchronize();
  }

  /** Records a component's state now, whatever changed (after an intervention). */
  record(index: number, eventType: string, meta: JsonObject | null = null): void {
    const asset = this.assetList[index];
    if (asset === undefined) return;
    this.system.refresh();
    this.twin.update(asset, this.system.snapshot(index), eventType, meta, { always: true });
  }

  private recordEvent(index: number, type: string, meta: JsonObject | undefined): void {
    this.record(index, type, meta ?? null);
  }

  private sample(t: number): void {
    if (t + 1e-6 < this.nextRecord) return;
    this.nextRecord = this.interval > 0 ? this.nextRecord + this.interval : t;
    if (this.nextRecord <= t) this.nextRecord = t + this.interval;
    for (let i = 0; i < this.assetList.length; i++) {
      const asset = this.assetList[i] as ComponentAsset;
      if (this.system.surelyUnchanged(i, asset.state, this.deadband)) continue;
      const now = this.system.snapshot(i);
      if (this.system.changed(i, asset.state, now, this.deadband)) this.twin.update(asset, now, 'STATE_SAMPLED');
    }
  }

  /** Ends the FMU instances of the model (their host processes). */
  dispose(): void {
    for (const block of this.system.blocks) if (block instanceof FmuBlock) block.close();
  }

  assets(): readonly ComponentAsset[] {
    return this.assetList;
  }

  private offset(i: number): number {
    return this.system.offsets[i] as number;
  }

  kpis(): Record<string, number> {
    let heat = 0;
    let overflow = 0;
    let faults = 0;
    this.system.blocks.forEach((b, i) => {
      if (b instanceof HeaterBlock) heat += b.energyJ(this.system.state, this.offset(i));
      if (b instanceof TankBlock) overflow += b.totals(this.system.state, this.offset(i)).overflow_m3;
      if (b.faulted?.() === true) faults++;
    });
    return { heater_energy_kwh: heat / 3.6e6, overflow_m3: overflow, faults };
  }

  assetKpis(asset: Asset<JsonObject, unknown>): Record<string, number> {
    const { index, block } = asset.runtime as ComponentRuntime;
    const c = this.compiled.components[index];
    if (c === undefined) return {};
    const kpis: Record<string, number> = {};
    c.outputs.forEach((p, k) => (kpis[p.name] = this.system.output(index, k)));
    if (block instanceof PidBlock) kpis.iae = block.iae(this.system.state, this.offset(index));
    return kpis;
  }

  assetStatus(asset: Asset<JsonObject, unknown>): AssetStatus {
    const { block } = asset.runtime as ComponentRuntime;
    if (block.faulted?.() === true) return 'critical';
    if (asset.state.overflowing === true || asset.state.valid === false) return 'warning';
    return 'ok';
  }

  telemetryColumns(): Record<string, number> {
    const columns: Record<string, number> = {};
    let n = 0;
    for (const c of this.compiled.components) {
      for (let k = 0; k < c.outputs.length && n < 64; k++, n++) {
        columns[`${c.id}.${(c.outputs[k] as { name: string }).name}`] = round6(this.system.output(c.index, k));
      }
    }
    return columns;
  }

  summary(): JsonObject {
    const tanks: JsonObject = {};
    const controllers: JsonObject = {};
    this.system.blocks.forEach((b, i) => {
      const id = this.compiled.components[i]?.id as string;
      const o = this.offset(i);
      if (b instanceof TankBlock) {
        const t = b.totals(this.system.state, o);
        const v0 = Math.min(b.p.initial_level_m, b.p.height_m) * b.p.area_m2;
        tanks[id] = {
          ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, round6(v)])),
          mass_balance_error_m3: t.volume_m3 - v0 - t.in_m3 + t.out_m3 + t.overflow_m3,
        };
      }
      if (b instanceof PidBlock) controllers[id] = { mode: b.mode, iae: round6(b.iae(this.system.state, o)) };
    });
    return { components: this.compiled.components.length, steps: this.system.steps, tanks, controllers };
  }

  outputTables(): readonly OutputTable[] {
    const tables: OutputTable[] = [];
    this.system.blocks.forEach((b, i) => {
      if (!(b instanceof ScopeBlock)) return;
      const c = this.compiled.components[i];
      if (c === undefined) return;
      const names = c.inputs.map((p, k) => {
        const w = this.compiled.wires.find((x) => x.to === i && x.input === k);
        const src = w === undefined ? undefined : this.compiled.components[w.from];
        return src === undefined || w === undefined ? p.name : `${src.id}.${src.outputs[w.output]?.name ?? ''}`;
      });
      tables.push({
        fileName: `scope-${c.id}.csv`,
        columns: ['time', ...names],
        rows: b.rows.map((r) => r.map(round6)),
      });
    });
    return tables;
  }
}
