import type { OdeComponent, OdeVector, RandomStream } from '@doppel/engine';
import type { JsonObject } from '@doppel/twin';
import type { Block, BlockContext, PortSpec } from './component.js';
import type { CompiledModel } from './compile.js';
import { compilePlan, type StepPlan } from './plan.js';
import { UNITS } from './units.js';

export interface SystemOptions {
  /** The integration step (s), told to blocks (delays, samplers). */
  readonly step: number;
  rng(componentId: string, name: string): RandomStream;
  /** A block recorded a discrete change. */
  onEvent?(component: number, type: string, meta: JsonObject | undefined): void;
  /**
   * false: every stage evaluates every live block, including the first stage of a step, whose outputs the end of the
   * previous step mostly computed already. The result is the same; tests run both ways to show it.
   */
  reuseStepEnd?: boolean;
}

/**
 * A compiled model as one continuous system for the engine's integrator: its state vector is every block's states
 * end to end; each derivative evaluation computes every block's outputs in evaluation order from that vector, then
 * the derivatives. After each completed step, blocks make their discrete changes (`update`).
 *
 * Signals live in two flat arrays (outputs, inputs); each block sees its part through views. Inputs are gathered
 * from the outputs they are wired to (unit conversion applied) right before the block computes.
 */
export class ProcessSystem implements OdeComponent {
  readonly state: Float64Array;
  readonly blocks: readonly Block[];
  /** Offset of each block's states in the state vector. */
  readonly offsets: readonly number[];
  readonly signals: Float64Array;
  /** Offset of each block's outputs in `signals`. */
  readonly outputBase: readonly number[];
  /** Time of the last completed step. */
  time = 0;
  steps = 0;
  afterStepHook: ((t: number) => void) | null = null;

  private readonly inputs: Float64Array;
  private readonly order: Int32Array;
  private readonly inBase: Int32Array;
  private readonly inCount: Int32Array;
  // Per input slot: the signal it reads (-1: its default), conversion, default.
  private readonly source: Int32Array;
  private readonly gain: Float64Array;
  private readonly bias: Float64Array;
  private readonly defaults: Float64Array;
  /** Per component: the ledger quantum of each output by port name (the unit's, else 1e-3). */
  private readonly quanta: readonly ReadonlyMap<string, number>[];
  /** Per block, after a step's updates: 1 when its outputs at the step's end no longer hold. */
  private readonly stale: Uint8Array;
  /** The step's evaluation, derivatives and updates as straight-line code over the arrays above. */
  private readonly plan: StepPlan;
  /**
   * True from the end of a step until the next derivative evaluation: the outputs then are those at (time, state)
   * except for the stale blocks, so the first stage of the next step evaluates only those (a step's end and the
   * next step's start are the same instant and state; RK4's first stage costs one evaluation of them less).
   */
  private atStepEnd = false;
  private readonly reuseStepEnd: boolean;

  constructor(
    readonly model: CompiledModel,
    options: SystemOptions,
  ) {
    const comps = model.components;
    const outBase: number[] = [];
    const inBase: number[] = [];
    let outs = 0;
    let ins = 0;
    for (const c of comps) {
      outBase.push(outs);
      inBase.push(ins);
      outs += c.outputs.length;
      ins += c.inputs.length;
    }
    this.outputBase = outBase;
    this.signals = new Float64Array(outs);
    this.inputs = new Float64Array(ins);
    this.inBase = Int32Array.from(inBase);
    this.inCount = Int32Array.from(comps.map((c) => c.inputs.length));
    this.source = new Int32Array(ins).fill(-1);
    this.gain = new Float64Array(ins).fill(1);
    this.bias = new Float64Array(ins);
    this.defaults = new Float64Array(ins);
    const connected = new Set<string>();
    comps.forEach((c, i) => c.inputs.forEach((p, k) => (this.defaults[(inBase[i] as number) + k] = p.default ?? 0)));
    for (const w of model.wires) {
      const slot = (inBase[w.to] as number) + w.input;
      this.source[slot] = (outBase[w.from] as number) + w.output;
      this.gain[slot] = w.gain;
      this.bias[slot] = w.bias;
      connected.add(`${w.to}|${comps[w.to]?.inputs[w.input]?.name}`);
    }
    const blocks: Block[] = [];
    const offsets: number[] = [];
    let states = 0;
    comps.forEach((c, i) => {
      const ctx: BlockContext = {
        id: c.id,
        step: options.step,
        rng: (name) => options.rng(c.id, name),
        event: (type, meta) => options.onEvent?.(i, type, meta),
        connected: (port) => connected.has(`${i}|${port}`),
      };
      const block = c.type.create(c.props, ctx);
      block.u = this.inputs.subarray(inBase[i], (inBase[i] as number) + c.inputs.length);
      block.y = this.signals.subarray(outBase[i], (outBase[i] as number) + c.outputs.length);
      blocks.push(block);
      offsets.push(states);
      states += block.stateCount;
    });
    this.blocks = blocks;
    this.offsets = offsets;
    this.state = new Float64Array(states);
    this.order = Int32Array.from(model.order);
    const live = model.order.filter((i) => blocks[i]?.held !== true);
    const derivative = blocks.flatMap((b, i) => (b.derivative !== undefined && b.stateCount > 0 ? [i] : []));
    // Where each block is evaluated at a stage (-1: held, never re-evaluated within a step).
    const position = new Array<number>(comps.length).fill(-1);
    live.forEach((i, k) => (position[i] = k));
    const sources = comps.map(() => new Set<number>());
    for (const w of model.wires) sources[w.to]?.add(w.from);
    this.stale = new Uint8Array(comps.length);
    this.quanta = comps.map((c) => {
      const byName = new Map<string, number>();
      c.outputs.forEach((p, k) => {
        if (!byName.has(p.name)) byName.set(p.name, UNITS[c.outputUnits[k] as string]?.quantum ?? 1e-3);
      });
      return byName;
    });
    this.reuseStepEnd = options.reuseStepEnd ?? true;
    this.plan = compilePlan(
      {
        blocks,
        offsets,
        outputBase: outBase,
        outputCount: comps.map((c) => c.outputs.length),
        inputBase: inBase,
        inputCount: comps.map((c) => c.inputs.length),
        source: this.source,
        gain: this.gain,
        bias: this.bias,
        liveOrder: live,
        derivativeBlocks: derivative,
        // A block gathers its inputs again before `derivative` when one of them comes from a block evaluated after
        // it (a tank's outflow from the valve it feeds) or it is held; inputs from earlier blocks still hold what
        // the evaluation gathered.
        regather: derivative.map((i) => {
          const at = position[i] as number;
          return at < 0 || model.wires.some((w) => w.to === i && (position[w.from] as number) >= at);
        }),
        updateOrder: model.order.filter((i) => blocks[i]?.update !== undefined),
        isHeld: blocks.map((b) => b.held === true),
        sourcesOf: sources.map((set) => [...set].sort((a, b) => a - b)),
      },
      { signals: this.signals, inputs: this.inputs, defaults: this.defaults, stale: this.stale },
    );
  }

  /** Initial states, first outputs and initial samples at time t (once, before the first step). */
  start(t: number): void {
    this.time = t;
    this.blocks.forEach((b, i) => b.init?.(this.state, this.offsets[i] as number));
    this.evaluate(t, this.state);
    for (const i of this.order) {
      this.gather(i);
      this.blocks[i]?.start?.(t, this.state, this.offsets[i] as number);
    }
    this.evaluate(t, this.state);
  }

  private gather(i: number): void {
    const base = this.inBase[i] as number;
    const end = base + (this.inCount[i] as number);
    const inputs = this.inputs;
    const signals = this.signals;
    for (let s = base; s < end; s++) {
      const src = this.source[s] as number;
      inputs[s] =
        src < 0
          ? (this.defaults[s] as number)
          : (signals[src] as number) * (this.gain[s] as number) + (this.bias[s] as number);
    }
  }

  /** Every block's outputs at (t, x), in evaluation order (held outputs stay as they are). */
  evaluate(t: number, x: OdeVector): void {
    this.atStepEnd = false;
    this.plan.evaluate(t, x);
  }

  derivatives(t: number, y: OdeVector, dydt: Float64Array): void {
    // Inside a step, time-driven signals take their value from the left: a step or table jump at the end of this
    // step acts from the next one, as if a step in time boundary had been there.
    const te = t > this.time ? t - 1e-9 * Math.max(1, Math.abs(t)) : t;
    if (this.atStepEnd && y === this.state && t === this.time) {
      // The outputs at the end of the last step, where an update changed them (the rest still hold).
      this.atStepEnd = false;
      this.plan.evaluateStale(t, y);
    } else this.evaluate(te, y);
    this.plan.derivatives(te, y, dydt);
  }

  /** After each completed step; the integrator passes the state itself as `_y`. */
  afterStep(t: number, _y?: OdeVector): void {
    const dt = t - this.time;
    const x = this.state;
    this.time = t;
    this.steps++;
    this.evaluate(t, x);
    this.stale.fill(0);
    this.plan.update(t, dt, x);
    this.atStepEnd = this.reuseStepEnd;
    this.afterStepHook?.(t);
  }

  /** Recomputes the outputs at the last completed step (after an intervention changed a block). */
  refresh(): void {
    this.evaluate(this.time, this.state);
  }

  /** The value of an output port now. */
  output(component: number, port: number): number {
    return this.signals[(this.outputBase[component] as number) + port] as number;
  }

  /** A component's ledger view: its outputs by port name (bool ports as booleans, numbers to 6 digits), extras. */
  snapshot(component: number): JsonObject {
    const c = this.model.components[component];
    const block = this.blocks[component];
    if (c === undefined || block === undefined) return {};
    const out: JsonObject = {};
    c.outputs.forEach((p, k) => {
      const v = this.output(component, k);
      out[p.name] = c.outputUnits[k] === 'bool' ? v > 0.5 : round6(v);
    });
    const extras = block.extras?.(this.state, this.offsets[component] as number) ?? {};
    for (const [key, v] of Object.entries(extras)) out[key] = typeof v === 'number' ? round6(v) : v;
    return out;
  }

  /** Whether `now` differs from `recorded` by more than the deadband (relative) or the unit's quantum. */
  changed(component: number, recorded: Readonly<JsonObject>, now: Readonly<JsonObject>, deadband: number): boolean {
    const quanta = this.quanta[component];
    if (quanta === undefined) return false;
    for (const [key, v] of Object.entries(now)) {
      const before = recorded[key];
      if (typeof v === 'number' && typeof before === 'number') {
        if (Math.abs(v - before) > Math.max(quanta.get(key) ?? 1e-3, deadband * Math.abs(before))) return true;
      } else if (v !== before) return true;
    }
    return false;
  }

  /**
   * True when the component's record now would surely not differ from `recorded` (what {@link changed} would say of
   * its {@link snapshot}), judged on the raw values without building the record: a reading rounded to six digits
   * moves by at most 5e-6 of itself, so a raw value closer than the deadband by more than that rounds within it.
   * False when unsure (then the record is built and compared).
   */
  surelyUnchanged(component: number, recorded: Readonly<JsonObject>, deadband: number): boolean {
    const c = this.model.components[component];
    const quanta = this.quanta[component];
    if (c === undefined || quanta === undefined) return false;
    const base = this.outputBase[component] as number;
    const units = c.outputUnits;
    for (let k = 0; k < c.outputs.length; k++) {
      const before = recorded[(c.outputs[k] as PortSpec).name];
      const v = this.signals[base + k] as number;
      if (units[k] === 'bool') {
        if (before !== v > 0.5) return false;
      } else if (!surelyWithin(v, before, quanta.get((c.outputs[k] as PortSpec).name) as number, deadband))
        return false;
    }
    const block = this.blocks[component];
    const extras = block?.extras?.(this.state, this.offsets[component] as number);
    if (extras === undefined) return true;
    for (const key in extras) {
      // An extra named like an output replaces it in the record: leave that case to the full comparison.
      if (quanta.has(key)) return false;
      const v = extras[key];
      const before = recorded[key];
      if (typeof v === 'number') {
        if (!surelyWithin(v, before, 1e-3, deadband)) return false;
      } else if (v !== before) return false;
    }
    return true;
  }
}

/** Whether round6(v) surely lies within max(quantum, deadband·|before|) of the recorded number `before`. */
export function surelyWithin(v: number, before: unknown, quantum: number, deadband: number): boolean {
  if (typeof before !== 'number' || !Number.isFinite(v)) return false;
  const margin = Math.max(quantum, deadband * Math.abs(before)) * (1 - 1e-9);
  return Math.abs(v - before) + 1e-5 * Math.abs(v) < margin;
}

/** Six significant digits: the ledger keeps what a reading means, not floating-point noise. */
export function round6(v: number): number {
  if (!Number.isFinite(v)) return 0;
  return v === 0 ? 0 : Number(v.toPrecision(6));
}
