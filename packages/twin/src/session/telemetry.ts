import type { KpiDefinition } from '../contracts/assets.js';
import type { PackModel } from '../contracts/pack.js';
import { formatEpochMsIso, parseIsoToEpochMs } from '../ledger/iso-time.js';

import type { TelemetryRow } from '../contracts/wire/simulation.js';

/**
 * One telemetry row (seed 002): `time` (sim seconds at the end of the interval), `datetime` (ISO, UTC), then each
 * pack KPI (counters as the increment over the interval, gauges as the value at its end), then the pack's extra
 * telemetry columns.
 */
export type { TelemetryRow } from '../contracts/wire/simulation.js';

/**
 * Samples the pack model at fixed sim-time boundaries. It adds no engine events: the session calls `sample` when
 * it is about to move past a boundary, so telemetry settings can never change the ledger.
 */
export class TelemetryMonitor {
  readonly intervalS: number;
  private readonly model: PackModel;
  private readonly counters: ReadonlySet<string>;
  private readonly order: readonly string[];
  private readonly startMs: number;
  private rowsList: TelemetryRow[] = [];
  /** The raw KPI values behind each row (counters cumulative), so a re-execution can resume from a row. */
  private rawList: Record<string, number>[] = [];
  private previous: Record<string, number>;
  private nextBoundary: number;

  constructor(model: PackModel, kpis: readonly KpiDefinition[], intervalS: number, start: string) {
    this.intervalS = intervalS > 0 && Number.isFinite(intervalS) ? intervalS : 300;
    this.model = model;
    this.counters = new Set(kpis.filter((kpi) => kpi.kind === 'counter').map((kpi) => kpi.name));
    this.order = kpis.map((kpi) => kpi.name);
    this.startMs = parseIsoToEpochMs(start);
    this.previous = { ...model.kpis() };
    this.nextBoundary = this.intervalS;
  }

  /** Sim time of the next row. */
  get next(): number {
    return this.nextBoundary;
  }

  get rows(): readonly TelemetryRow[] {
    return this.rowsList;
  }

  /** Takes the row of the next boundary (or of `at`, for a final partial interval) and moves on. */
  sample(at: number = this.nextBoundary): TelemetryRow {
    const kpis = this.model.kpis();
    const row: Record<string, string | number> = {
      time: at,
      datetime: formatEpochMsIso(this.startMs + at * 1000),
    };
    const context = this.model.telemetryContext?.();
    if (context !== undefined) for (const name of Object.keys(context)) if (!(name in row)) row[name] = context[name];
    for (const name of this.order) if (name in kpis) row[name] = this.valueOf(name, kpis[name]);
    for (const name of Object.keys(kpis)) if (!(name in row)) row[name] = this.valueOf(name, kpis[name]);
    const extra = this.model.telemetryColumns?.();
    if (extra !== undefined) for (const name of Object.keys(extra)) if (!(name in row)) row[name] = extra[name];
    this.previous = { ...kpis };
    this.nextBoundary = at + this.intervalS;
    const frozen = Object.freeze(row) as TelemetryRow;
    this.rowsList.push(frozen);
    this.rawList.push(this.previous);
    return frozen;
  }

  /**
   * Takes over the rows another monitor of the same (scenario, seed, log) took before sim time t. A re-execution
   * up to t produces exactly those rows, so it may skip sampling (the pack's KPIs can be costly) and resume here.
   */
  resumeFrom(other: TelemetryMonitor, t: number): void {
    let n = 0;
    while (n < other.rowsList.length && other.rowsList[n].time < t) n++;
    this.rowsList = other.rowsList.slice(0, n);
    this.rawList = other.rawList.slice(0, n);
    if (n > 0) {
      this.previous = this.rawList[n - 1];
      this.nextBoundary = this.rowsList[n - 1].time + this.intervalS;
    }
  }

  private valueOf(name: string, value: number): number {
    if (!this.counters.has(name)) return value;
    return value - (this.previous[name] ?? 0);
  }
}
