import type { Environment } from '@doppel/engine';
import {
  formatEpochMsIso,
  parseIsoToEpochMs,
  type Asset,
  type AssetStatus,
  type BuildContext,
  type JsonObject,
  type OutputTable,
  type PackModel,
} from '@doppel/twin';
import { lineConfigSchema, type LineConfig } from './config.js';
import type { Buffer } from './flow.js';
import { LineRuntime, type TransitionRow } from './line.js';
import type { Machine } from './machine.js';
import { economics, lineOee, machineOee, theoreticalRate } from './metrics.js';
import { planLine } from './topology.js';

export const EVENTS_COLUMNS = ['datetime', 'timestamp', 'machine', 'state', 'event_type', 'duration'] as const;

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

/** The live production model of one simulation: one line, or several identical lines of a plant. */
export class LineModel implements PackModel {
  readonly lines: LineRuntime[] = [];
  readonly env: Environment;
  readonly config: LineConfig;
  private readonly transitions: TransitionRow[] = [];
  private readonly startMs: number;
  private readonly scenarioName: string;

  constructor(context: BuildContext<LineConfig>) {
    this.env = context.env;
    this.config = lineConfigSchema.parse(context.config);
    this.startMs = parseIsoToEpochMs(context.scenario.start);
    this.scenarioName = context.scenario.name;
    const plan = planLine(this.config);
    const count = this.config.lines;
    for (let k = 1; k <= count; k++) {
      const prefix = count > 1 ? `line${k}.` : '';
      const id = count > 1 ? `line${k}` : 'line';
      this.lines.push(new LineRuntime(context.env, context.twin, this.config, plan, prefix, id, this.transitions));
    }
  }

  get machines(): Machine[] {
    return this.lines.flatMap((line) => line.machines);
  }

  get buffers(): Buffer[] {
    return this.lines.flatMap((line) => line.buffers);
  }

  /** Cumulative line counters, summed over the lines of the plant. */
  kpis(): Record<string, number> {
    let tubes = 0;
    let cases = 0;
    let pallets = 0;
    let good = 0;
    let defective = 0;
    let created = 0;
    let detected = 0;
    for (const line of this.lines) {
      const t = line.totals;
      tubes += t.created.get('tube') ?? 0;
      cases += t.created.get('case') ?? 0;
      pallets += t.created.get('pallet') ?? 0;
      good += t.goodFinished;
      defective += t.defectiveFinished;
      created += t.defectsCreated;
      detected += t.defectsDetected;
    }
    const money = economics(this.lines);
    return {
      tubes_produced: tubes,
      cases_produced: cases,
      pallets_produced: pallets,
      good_pallets: good,
      defective_pallets: defective,
      defects_created: created,
      defects_detected: detected,
      material_cost: money.material_cost,
      conversion_cost: money.conversion_cost,
      revenue: money.revenue,
      gross_margin: money.gross_margin,
    };
  }

  assetKpis(asset: Asset<JsonObject, unknown>): Record<string, number> {
    if (asset.kind === 'machine') {
      const machine = asset.runtime as Machine;
      const oee = machineOee(machine);
      const times = machine.timesNow();
      return {
        ...oee,
        units_in: machine.counts.in,
        units_out: machine.counts.out,
        rejects: machine.counts.rejects,
        execute_s: times.EXECUTE,
        down_s: times.DOWN,
        jammed_s: times.JAMMED,
        starved_s: times.STARVED,
        blocked_s: times.BLOCKED,
      };
    }
    if (asset.kind === 'buffer') {
      const buffer = asset.runtime as Buffer;
      return { level: buffer.level, fill: buffer.level / buffer.capacity, mean_level: buffer.meanLevel(this.env.now) };
    }
    if (asset.kind === 'line') {
      const line = asset.runtime as LineRuntime;
      return { ...lineOee([line]), ...economics([line]) };
    }
    return {};
  }

  assetStatus(asset: Asset<JsonObject, unknown>): AssetStatus {
    if (asset.kind === 'machine') {
      const state = (asset.runtime as Machine).state;
      return state === 'EXECUTE' ? 'ok' : state === 'DOWN' ? 'critical' : 'warning';
    }
    if (asset.kind === 'buffer') {
      const buffer = asset.runtime as Buffer;
      return buffer.blocked ? 'offline' : buffer.full ? 'warning' : 'ok';
    }
    return 'ok';
  }

  /** SKU context, then buffer levels and machine states (snapshots), per telemetry row. */
  /** The SKU context columns, which seed 002's telemetry table puts right after the time. */
  telemetryContext(): Record<string, string | number> {
    const sku = (this.lines[0] as LineRuntime).sku;
    return {
      sku_name: sku.name,
      sku_description: sku.description,
      size_oz: sku.size_oz,
      units_per_case: sku.units_per_case,
      cases_per_pallet: sku.cases_per_pallet,
    };
  }

  telemetryColumns(): Record<string, string | number> {
    const columns: Record<string, string | number> = {};
    for (const buffer of this.buffers) columns[`${buffer.id}_level`] = buffer.level;
    for (const machine of this.machines) columns[`${machine.id}_state`] = machine.state;
    return columns;
  }

  /** events.csv: one row per machine state change; `duration` is the time spent in the previous state. */
  outputTables(): readonly OutputTable[] {
    const rows = this.transitions.map(([time, machine, state, eventType, duration]) => [
      formatEpochMsIso(this.startMs + time * 1000),
      round6(time),
      machine,
      state,
      eventType,
      round6(duration),
    ]);
    return [{ fileName: 'events.csv', columns: EVENTS_COLUMNS, rows }];
  }

  /** Number of rows events.csv would have. */
  get transitionCount(): number {
    return this.transitions.length;
  }

  summary(): JsonObject {
    const now = this.env.now;
    const kpis = this.kpis();
    const machines: JsonObject = {};
    for (const machine of this.machines) {
      const oee = machineOee(machine);
      machines[machine.id] = {
        ...oee,
        state: machine.state,
        time_in_state: { ...machine.timesNow() },
        counts: { ...machine.counts },
        cycle_time_s: machine.spec.cycleTimeS,
        speed_factor: machine.speedFactor,
      };
    }
    const buffers: JsonObject = {};
    for (const buffer of this.buffers) {
      buffers[buffer.id] = {
        level: buffer.level,
        capacity: buffer.capacity,
        mean_level: buffer.meanLevel(now),
        blocked: buffer.blocked,
        drained_units: buffer.drainedUnits,
      };
    }
    let released = 0;
    let finishedUnits = 0;
    let scrapped = 0;
    let wip = 0;
    let rejected = 0;
    for (const line of this.lines) {
      const balance = line.materialBalance();
      released += balance.released;
      finishedUnits += balance.finished;
      scrapped += balance.scrapped;
      wip += balance.inBuffers + balance.inMachines;
      rejected += line.totals.rejectedUnits;
    }
    const first = this.lines[0] as LineRuntime;
    const rate = theoreticalRate(first);
    const hours = now / 3600;
    return {
      scenario: this.scenarioName,
      topology: first.plan.topology,
      lines: this.lines.length,
      sku: first.sku.name,
      duration_s: now,
      production: {
        tubes_produced: kpis.tubes_produced as number,
        cases_produced: kpis.cases_produced as number,
        pallets_produced: kpis.pallets_produced as number,
        good_pallets: kpis.good_pallets as number,
        defective_pallets: kpis.defective_pallets as number,
        defects_created: kpis.defects_created as number,
        defects_detected: kpis.defects_detected as number,
        units_released: released,
        units_finished: finishedUnits,
        units_rejected: rejected,
        units_scrapped: scrapped,
        units_in_process: wip,
        units_per_h: hours > 0 ? finishedUnits / hours / this.lines.length : 0,
        bottleneck: rate.station,
        bottleneck_units_per_h: rate.units_per_h,
      },
      oee: { line: { ...lineOee(this.lines) }, machines },
      economics: { ...economics(this.lines) },
      buffers,
    };
  }
}
