import type { OdeComponent, OdeVector, RandomStream } from '@doppel/engine';
import type { JsonObject } from '@doppel/twin';
import type { Block, BlockContext } from './component.js';
import type { CompiledModel } from './compile.js';
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
  /** The evaluation order without the blocks whose outputs hold between steps. */
  private readonly liveOrder: Int32Array;
  private readonly inBase: Int32Array;
  private readonly inCount: Int32Array;
  // Per input slot: the signal it reads (-1: its default), conversion, default.
  private readonly source: Int32Array;
  private readonly gain: Float64Array;
  private readonly bias: Float64Array;
  private readonly defaults: Float64Array;
  /** The blocks with continuous states, in index order. */
  private readonly derivativeBlocks: Int32Array;
  /**
   * Per entry of `derivativeBlocks`: 1 when its inputs must be gathered again before `derivative`, because one of
   * them comes from a block evaluated after it (a tank's outflow from the valve it feeds) or the block is held.
   * Inputs from earlier blocks still hold what `evaluate` gathered: gathering them again would copy the same values.
   */
  private readonly regather: Int32Array;
  /** The blocks with discrete updates, in evaluation order. */
  private readonly updateOrder: Int32Array;
  /** Per block: the blocks its inputs read (each once). */
  private readonly sourcesOf: readonly Int32Array[];
  /** Per block: whether it is held (its outputs change only at updates). */
  private readonly isHeld: Int32Array;
  /** Per block, after a step's updates: 1 when its outputs at the step's end no longer hold. */
  private readonly stale: Int32Array;
  /** The live blocks to evaluate again before the next step's first stage, in evaluation order. */
  private readonly refreshList: Int32Array;
  private refreshCount = 0;
  /**
   * True from the end of a step until the next derivative evaluation: the outputs then are those at (time, state)
   * except for the blocks in `refreshList`, so the first stage of the next step evaluates only those (a step's end
   * and the next step's start are the same instant and state; RK4's first stage costs one evaluation of them less).
   */
  private atStepEnd = false;
  private readonly heldOutputs: Float64Array;
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
    this.liveOrder = Int32Array.from(live);
    const derivative = blocks.flatMap((b, i) => (b.derivative !== undefined && b.stateCount > 0 ? [i] : []));
    this.derivativeBlocks = Int32Array.from(derivative);
    // Where each block is evaluated at a stage (-1: held, never re-evaluated within a step).
    const position = new Array<number>(comps.length).fill(-1);
    live.forEach((i, k) => (position[i] = k));
    this.regather = Int32Array.from(
      derivative.map((i) => {
        const at = position[i] as number;
        const late = model.wires.some((w) => w.to === i && (position[w.from] as number) >= at);
        return at < 0 || late ? 1 : 0;
      }),
    );
    this.updateOrder = Int32Array.from(model.order.filter((i) => blocks[i]?.update !== undefined));
    const sources = comps.map(() => new Set<number>());
    for (const w of model.wires) sources[w.to]?.add(w.from);
    this.sourcesOf = sources.map((s) => Int32Array.from([...s].sort((a, b) => a - b)));
    this.isHeld = Int32Array.from(blocks.map((b) => (b.held === true ? 1 : 0)));
    this.stale = new Int32Array(comps.length);
    this.refreshList = new Int32Array(live.length);
    this.reuseStepEnd = options.reuseStepEnd ?? true;
    this.heldOutputs = new Float64Array(Math.max(0, ...comps.map((c) => c.outputs.length)));
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
    const order = this.liveOrder;
    for (let k = 0; k < order.length; k++) {
      const i = order[k] as number;
      this.gather(i);
      (this.blocks[i] as Block).output(t, x, this.offsets[i] as number);
    }
  }

  derivatives(t: number, y: OdeVector, dydt: Float64Array): void {
    // Inside a step, time-driven signals take their value from the left: a step or table jump at the end of this
    // step acts from the next one, as if a step in time boundary had been there.
    const te = t > this.time ? t - 1e-9 * Math.max(1, Math.abs(t)) : t;
    if (this.atStepEnd && y === this.state && t === this.time) this.evaluateStale(t, y);
    else this.evaluate(te, y);
    const blocks = this.blocks;
    const list = this.derivativeBlocks;
    for (let k = 0; k < list.length; k++) {
      const i = list[k] as number;
      if (this.regather[k] === 1) this.gather(i);
      (blocks[i] as Block).derivative?.(te, y, this.offsets[i] as number, dydt);
    }
  }

  /** After each completed step; the integrator passes the state itself as `_y`. */
  afterStep(t: number, _y?: OdeVector): void {
    const dt = t - this.time;
    const x = this.state;
    this.time = t;
    this.steps++;
    this.evaluate(t, x);
    const order = this.updateOrder;
    const stale = this.stale;
    stale.fill(0);
    const held = this.heldOutputs;
    for (let k = 0; k < order.length; k++) {
      const i = order[k] as number;
      const block = this.blocks[i] as Block;
      this.gather(i);
      if (this.isHeld[i] === 1) {
        // A held block's outputs are all that others read of it: compare them.
        const y = block.y;
        held.set(y);
        block.update?.(t, dt, x, this.offsets[i] as number);
        for (let j = 0; j < y.length; j++) if (y[j] !== held[j]) stale[i] = 1;
      } else if (block.update?.(t, dt, x, this.offsets[i] as number) !== false) stale[i] = 1;
    }
    this.markStale();
    this.afterStepHook?.(t);
  }

  /** Lists the live blocks whose outputs an update changed, directly or through their inputs. */
  private markStale(): void {
    const stale = this.stale;
    const live = this.liveOrder;
    let n = 0;
    for (let k = 0; k < live.length; k++) {
      const i = live[k] as number;
      if (stale[i] !== 1) {
        const sources = this.sourcesOf[i] as Int32Array;
        for (let j = 0; j < sources.length; j++) {
          if (stale[sources[j] as number] === 1) {
            stale[i] = 1;
            break;
          }
        }
      }
      if (stale[i] === 1) this.refreshList[n++] = i;
    }
    this.refreshCount = n;
    this.atStepEnd = this.reuseStepEnd;
  }

  /** The outputs at the end of the last step, where an update changed them (the rest still hold). */
  private evaluateStale(t: number, x: OdeVector): void {
    this.atStepEnd = false;
    const list = this.refreshList;
    for (let k = 0; k < this.refreshCount; k++) {
      const i = list[k] as number;
      this.gather(i);
      (this.blocks[i] as Block).output(t, x, this.offsets[i] as number);
    }
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
    const c = this.model.components[component];
    if (c === undefined) return false;
    for (const [key, v] of Object.entries(now)) {
      const before = recorded[key];
      if (typeof v === 'number' && typeof before === 'number') {
        const k = c.outputs.findIndex((p) => p.name === key);
        const quantum = k >= 0 ? (UNITS[c.outputUnits[k] as string]?.quantum ?? 1e-3) : 1e-3;
        if (Math.abs(v - before) > Math.max(quantum, deadband * Math.abs(before))) return true;
      } else if (v !== before) return true;
    }
    return false;
  }
}

/** Six significant digits: the ledger keeps what a reading means, not floating-point noise. */
export function round6(v: number): number {
  if (!Number.isFinite(v)) return 0;
  return v === 0 ? 0 : Number(v.toPrecision(6));
}
