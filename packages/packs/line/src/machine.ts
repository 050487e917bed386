import {
  Interrupt,
  type Environment,
  type Event,
  type Process,
  type ProcessGenerator,
  type RandomStream,
} from '@doppel/engine';
import type { Asset, JsonObject, TwinModel } from '@doppel/twin';
import type { CostRates, EquipmentConfig, ProductConfig } from './config.js';
import type { Bin, Inlet, Item, Outlet, Waker } from './flow.js';
import type { Predicate } from './expressions.js';
import type { Phase } from './phases.js';
import type { MachineCounts, MachineState, MachineStateName, TimeInState } from './state.js';

/** Equipment parameters normalised to seconds. */
export interface MachineSpec {
  readonly id: string;
  readonly cycleTimeS: number;
  /** Fixed batch size, or null: from the SKU (units_per_case for cases, cases_per_pallet for pallets, else 1). */
  readonly batchIn: number | null;
  /** Lower-case output type, or null to pass inputs through unchanged. */
  readonly outputType: string | null;
  readonly mtbfS: { readonly min: number; readonly max: number | null } | null;
  readonly mttrS: { readonly min: number; readonly max: number | null };
  readonly jamProb: number;
  readonly jamTimeS: number;
  readonly defectRate: number;
  readonly detectionProb: number;
  readonly costRates: CostRates;
  readonly phases: readonly Phase[];
  readonly equipment: EquipmentConfig;
}

/** One outgoing edge of a station: where a unit goes when `condition` (if any) holds. */
export interface Route {
  readonly outlet: Outlet;
  readonly condition: Predicate | null;
  /**
   * Memo of the condition by kind, SKU and the two defect flags (a condition is a pure function of them), so a
   * unit is routed without building a context or a key.
   */
  readonly memo: Map<string, Map<ProductConfig, (boolean | undefined)[]>>;
}

/** What the machines of one line share: counters, the events table, the sink and reject bin. */
export interface LineHooks {
  readonly env: Environment;
  readonly twin: TwinModel;
  readonly sink: Bin;
  readonly reject: Bin;
  recordTransition(time: number, machine: string, state: MachineStateName, eventType: string, duration: number): void;
  countCreated(kind: string, units: number): void;
  countDefectCreated(): void;
  countDefectDetected(): void;
}

/** Per-cycle scratch space, reused across cycles. */
export interface Cycle {
  readonly inputs: Item[];
  readonly outputs: Item[];
  /** Units this cycle's inspection found defective. */
  readonly flagged: Item[];
}

const emptyTimes = (): TimeInState => ({ STARVED: 0, EXECUTE: 0, DOWN: 0, JAMMED: 0, BLOCKED: 0 });

/**
 * A station's live runtime. Every state change goes through {@link setState}, which updates time in state, the
 * ledger (one event) and the events table. All waits are interruptible by a forced breakdown: the machine sits out
 * the downtime and resumes what it was doing (a cycle keeps its remaining time, a wait for input or space resumes).
 */
export class Machine implements Waker {
  state: MachineStateName = 'STARVED';
  since = 0;
  readonly times: TimeInState = emptyTimes();
  readonly counts: MachineCounts = { in: 0, out: 0, defects_created: 0, defects_detected: 0, rejects: 0 };
  /** Outputs that were made defective here or rejected here (quality loss of this machine). */
  bad = 0;
  /** Nominal cycle seconds of completed cycles (performance numerator). */
  idealS = 0;
  /** Start of the running EXECUTE phase, or -1. */
  cycleStart = -1;
  /** Base units held (collected and not yet handed on). */
  heldUnits = 0;
  speedFactor = 1;
  defectRate: number;
  sku: string;
  /** Operating seconds left before the next failure (Infinity when the machine never fails). */
  ttf = Infinity;
  downUntil = 0;
  private resumeState: MachineStateName = 'STARVED';
  private wakeup: Event | null = null;
  private nextInput = 0;
  process: Process<void> | null = null;
  asset!: Asset<MachineState, Machine>;
  readonly inputs: Inlet[] = [];
  readonly routes: Route[] = [];
  readonly cycle: Cycle = { inputs: [], outputs: [], flagged: [] };
  readonly rngFailure: RandomStream;
  readonly rngRepair: RandomStream;
  readonly rngJam: RandomStream;
  readonly rngDefect: RandomStream;
  readonly rngInspect: RandomStream;

  constructor(
    readonly spec: MachineSpec,
    readonly line: LineHooks,
    rngPrefix: string,
    initialSku: ProductConfig,
  ) {
    const twin = line.twin;
    this.defectRate = spec.defectRate;
    this.sku = initialSku.name;
    this.rngFailure = twin.rng(`${rngPrefix}${spec.id}/failure`);
    this.rngRepair = twin.rng(`${rngPrefix}${spec.id}/repair`);
    this.rngJam = twin.rng(`${rngPrefix}${spec.id}/jam`);
    this.rngDefect = twin.rng(`${rngPrefix}${spec.id}/defect`);
    this.rngInspect = twin.rng(`${rngPrefix}${spec.id}/inspect`);
    if (spec.mtbfS !== null) this.ttf = this.drawTimeToFailure();
  }

  get id(): string {
    return this.spec.id;
  }

  get env(): Environment {
    return this.line.env;
  }

  initialState(): MachineState {
    return {
      state: this.state,
      since: 0,
      time_in_state: { ...this.times },
      counts: { ...this.counts },
      speed_factor: this.speedFactor,
      defect_rate: this.defectRate,
      sku: this.sku,
    };
  }

  /** Time in each state up to now, the current state included (sums to the elapsed time). */
  timesNow(): TimeInState {
    const times = { ...this.times };
    times[this.state] += this.env.now - this.since;
    return times;
  }

  setState(next: MachineStateName, eventType = 'STATE_CHANGE', meta: JsonObject | null = null): void {
    if (next === this.state && eventType === 'STATE_CHANGE') return;
    const now = this.env.now;
    const duration = now - this.since;
    this.times[this.state] += duration;
    this.state = next;
    this.since = now;
    this.line.recordTransition(now, this.spec.id, next, eventType, duration);
    this.line.twin.update(
      this.asset,
      { state: next, since: now, time_in_state: { ...this.times }, counts: { ...this.counts }, sku: this.sku },
      eventType,
      meta,
      { always: true },
    );
  }

  /** Records counts with a named event (defect found, unit produced) without a state change. */
  recordCounts(eventType: string, meta: JsonObject): void {
    this.line.twin.update(this.asset, { counts: { ...this.counts }, sku: this.sku }, eventType, meta, { always: true });
  }

  wake(): void {
    const waiter = this.wakeup;
    if (waiter !== null) {
      this.wakeup = null;
      waiter.succeed();
    }
  }

  drawTimeToFailure(): number {
    const mtbf = this.spec.mtbfS;
    if (mtbf === null) return Infinity;
    return mtbf.max !== null && mtbf.max > mtbf.min
      ? this.rngFailure.uniform(mtbf.min, mtbf.max)
      : this.rngFailure.exponential(1 / mtbf.min);
  }

  drawRepairTime(): number {
    const mttr = this.spec.mttrS;
    return mttr.max !== null && mttr.max > mttr.min
      ? this.rngRepair.uniform(mttr.min, mttr.max)
      : this.rngRepair.exponential(1 / mttr.min);
  }

  /** Duration of the next EXECUTE at the current speed. */
  executeSeconds(): number {
    return this.spec.cycleTimeS / this.speedFactor;
  }

  batchSize(sku: ProductConfig): number {
    if (this.spec.batchIn !== null) return this.spec.batchIn;
    if (this.spec.outputType === 'case') return sku.units_per_case;
    if (this.spec.outputType === 'pallet') return sku.cases_per_pallet;
    return 1;
  }

  /** A forced breakdown (intervention): DOWN now for at least `durationS`; the running wait is interrupted. */
  forceBreakdown(durationS: number): void {
    const now = this.env.now;
    const until = now + durationS;
    if (this.state === 'DOWN') {
      // Already down: the downtime is extended, the running repair wait notices it when it ends.
      if (until > this.downUntil) this.downUntil = until;
      this.line.twin.emit(this.asset, 'BREAKDOWN_EXTENDED', { until_s: this.downUntil, forced: true });
      return;
    }
    this.downUntil = until;
    this.resumeState = this.state;
    this.setState('DOWN', 'BREAKDOWN', { forced: true, repair_s: durationS });
    this.process?.interrupt('force_breakdown');
  }

  /** Waits until the downtime ends (it may be extended meanwhile). */
  *waitRepaired(): ProcessGenerator<void> {
    while (this.env.now < this.downUntil) yield this.env.timeout(this.downUntil - this.env.now);
  }

  private *sitOutForcedDown(error: unknown): ProcessGenerator<void> {
    if (!(error instanceof Interrupt)) throw error;
    yield* this.waitRepaired();
    this.setState(this.resumeState, 'REPAIRED', { forced: true });
  }

  /** Waits `seconds` of working time; a forced breakdown pauses it. */
  *work(seconds: number): ProcessGenerator<void> {
    let remaining = seconds;
    while (remaining > 0) {
      const start = this.env.now;
      try {
        yield this.env.timeout(remaining);
        remaining = 0;
      } catch (error) {
        remaining -= this.env.now - start;
        yield* this.sitOutForcedDown(error);
      }
    }
  }

  /** Natural breakdown: DOWN for a drawn repair time, then back to EXECUTE. */
  *breakDown(): ProcessGenerator<void> {
    const repair = this.drawRepairTime();
    this.downUntil = this.env.now + repair;
    this.setState('DOWN', 'BREAKDOWN', { forced: false, repair_s: repair });
    yield* this.waitRepaired();
    this.ttf = this.drawTimeToFailure();
    this.setState('EXECUTE', 'REPAIRED', { forced: false });
  }

  /** Takes one input now if one is available (no generator: the common case in a flowing line). */
  takeNow(): Item | undefined {
    const item = this.pull();
    if (item !== undefined) {
      this.counts.in++;
      this.heldUnits += item.units;
      if (item.sku.name !== this.sku) this.sku = item.sku.name;
    }
    return item;
  }

  /** Takes one input (round-robin over the input buffers), STARVED while none is available. */
  *take(): Generator<Event, Item, unknown> {
    for (;;) {
      const item = this.takeNow();
      if (item !== undefined) return item;
      this.setState('STARVED');
      const waiter = this.env.event();
      this.wakeup = waiter;
      try {
        yield waiter;
      } catch (error) {
        this.wakeup = null;
        yield* this.sitOutForcedDown(error);
      }
    }
  }

  private pull(): Item | undefined {
    const inputs = this.inputs;
    const n = inputs.length;
    for (let k = 0; k < n; k++) {
      const index = (this.nextInput + k) % n;
      const item = (inputs[index] as Inlet).tryTake();
      if (item !== undefined) {
        this.nextInput = (index + 1) % n;
        return item;
      }
    }
    return undefined;
  }

  /** Hands `item` to `outlet` now if it accepts it. */
  giveNow(outlet: Outlet, item: Item): boolean {
    if (!outlet.tryPut(item)) return false;
    this.heldUnits -= item.units;
    return true;
  }

  /** Hands `item` to `outlet`, BLOCKED while it refuses (full or blocked). */
  *give(outlet: Outlet, item: Item): ProcessGenerator<void> {
    for (;;) {
      if (this.giveNow(outlet, item)) return;
      this.setState('BLOCKED');
      const waiter = this.env.event();
      outlet.waitSpace(waiter);
      try {
        yield waiter;
      } catch (error) {
        outlet.cancelWait();
        yield* this.sitOutForcedDown(error);
      }
    }
  }

  /** The first route whose condition holds for `item`, or the reject bin when none does. */
  route(item: Item): Outlet {
    const flags = (item.defective ? 2 : 0) + (item.flagged ? 1 : 0);
    for (const route of this.routes) {
      if (route.condition === null) return route.outlet;
      let bySku = route.memo.get(item.kind);
      if (bySku === undefined) {
        bySku = new Map();
        route.memo.set(item.kind, bySku);
      }
      let byFlags = bySku.get(item.sku);
      if (byFlags === undefined) {
        byFlags = [undefined, undefined, undefined, undefined];
        bySku.set(item.sku, byFlags);
      }
      let pass = byFlags[flags];
      if (pass === undefined) {
        const unit = {
          is_defective: item.flagged,
          has_defect: item.defective,
          kind: item.kind,
          sku: item.sku.name,
          size_oz: item.sku.size_oz,
          units_per_case: item.sku.units_per_case,
          cases_per_pallet: item.sku.cases_per_pallet,
        };
        // Also as `product.<field>`, the spelling of the seed's topology examples.
        pass = route.condition({ ...unit, product: unit });
        byFlags[flags] = pass;
      }
      if (pass) return route.outlet;
    }
    return this.line.reject;
  }
}
