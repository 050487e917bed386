import type { OdeVector } from '@doppel/engine';
import type { Block } from './component.js';

/** Where a compiled model's blocks and signals sit, as {@link ProcessSystem} lays them out. */
export interface PlanLayout {
  readonly blocks: readonly Block[];
  /** Offset of each block's states in the state vector. */
  readonly offsets: readonly number[];
  /** Offset of each block's outputs in the signal array, and how many it has. */
  readonly outputBase: readonly number[];
  readonly outputCount: readonly number[];
  /** Offset of each block's inputs in the input array, and how many it has. */
  readonly inputBase: readonly number[];
  readonly inputCount: readonly number[];
  /** Per input slot: the signal it reads (-1: its default) and the conversion source · gain + bias. */
  readonly source: Int32Array;
  readonly gain: Float64Array;
  readonly bias: Float64Array;
  /** The evaluation order without held blocks. */
  readonly liveOrder: readonly number[];
  /** Blocks with continuous states, and whether each must gather its inputs again before `derivative`. */
  readonly derivativeBlocks: readonly number[];
  readonly regather: readonly boolean[];
  /** Blocks with discrete updates, in evaluation order. */
  readonly updateOrder: readonly number[];
  readonly isHeld: readonly boolean[];
  /** Per block: the blocks its inputs read (each once). */
  readonly sourcesOf: readonly (readonly number[])[];
}

/**
 * A step's work as straight-line code, one statement per block in evaluation order. Each block's inputs are gathered
 * with its slot indices and conversions written in as constants, and each call site sees one block (one class), so
 * V8 inlines the small methods instead of dispatching over a dozen block classes through index arrays at every stage.
 */
export interface StepPlan {
  /** Every live block's outputs at (t, x), in evaluation order. */
  evaluate(t: number, x: OdeVector): void;
  /** The live blocks marked stale by the last `update`, in evaluation order. */
  evaluateStale(t: number, x: OdeVector): void;
  /** Every continuous block's derivatives at (t, x) (outputs already evaluated there). */
  derivatives(t: number, x: OdeVector, dx: Float64Array): void;
  /**
   * Every block's discrete update after a completed step, then marks stale each live block whose outputs no longer
   * hold at the step's end: one an update changed, or one reading such a block.
   */
  update(t: number, dt: number, x: Float64Array): void;
}

/**
 * Statements per generated function: V8 stops optimising functions of several tens of kilobytes of bytecode, so a
 * large model runs as a sequence of functions of this many blocks each.
 */
const CHUNK = 128;

type Part = (...args: never[]) => void;

/** Builds a model's step plan over its signal arrays and per-block stale flags (1: stale). */
export function compilePlan(
  layout: PlanLayout,
  arrays: {
    readonly signals: Float64Array;
    readonly inputs: Float64Array;
    readonly defaults: Float64Array;
    readonly stale: Uint8Array;
  },
): StepPlan {
  const gather = (i: number): string => {
    const lines: string[] = [];
    const base = layout.inputBase[i] as number;
    for (let s = base; s < base + (layout.inputCount[i] as number); s++) {
      const src = layout.source[s] as number;
      lines.push(
        src < 0 ? `I[${s}] = D[${s}];` : `I[${s}] = S[${src}] * ${num(layout.gain[s])} + ${num(layout.bias[s])};`,
      );
    }
    return lines.join(' ');
  };
  const call = (i: number, method: string, args: string): string => `b${i}.${method}(${args});`;
  const output = (i: number): string => `${gather(i)} ${call(i, 'output', `t, x, ${layout.offsets[i]}`)}`;

  const evaluate = layout.liveOrder.map((i) => output(i));
  const evaluateStale = layout.liveOrder.map((i) => `if (st[${i}] === 1) { ${output(i)} }`);
  const derivatives = layout.derivativeBlocks.map(
    (i, k) =>
      `${layout.regather[k] === true ? gather(i) : ''} ${call(i, 'derivative', `t, x, ${layout.offsets[i]}, dx`)}`,
  );
  const updates = layout.updateOrder.map((i) => {
    const args = `t, dt, x, ${layout.offsets[i]}`;
    if (layout.isHeld[i] !== true) return `${gather(i)} if (b${i}.update(${args}) !== false) st[${i}] = 1;`;
    // A held block's outputs are all that others read of it: compare them.
    const base = layout.outputBase[i] as number;
    const count = layout.outputCount[i] as number;
    const held = Array.from({ length: count }, (_, k) => `h${k} = S[${base + k}]`);
    const moved = Array.from({ length: count }, (_, k) => `S[${base + k}] !== h${k}`);
    return count === 0
      ? `${gather(i)} ${call(i, 'update', args)}`
      : `${gather(i)} { const ${held.join(', ')}; ${call(i, 'update', args)} if (${moved.join(' || ')}) st[${i}] = 1; }`;
  });
  const marks = layout.liveOrder.flatMap((i) => {
    const sources = layout.sourcesOf[i] as readonly number[];
    if (sources.length === 0) return [];
    return [`if (st[${i}] !== 1 && (${sources.map((j) => `st[${j}] === 1`).join(' || ')})) st[${i}] = 1;`];
  });
  const update = [...updates, ...marks];

  // The generated code names nothing but numbers and these parameters: blocks b0…, signals S, inputs I, defaults D,
  // stale flags st.
  const names = layout.blocks.map((_, i) => `b${i}`);
  const build = (name: string, statements: readonly string[], params: readonly string[]): Part[] =>
    chunks(statements).map((body, k) => {
      const factory = new Function(
        'B',
        'S',
        'I',
        'D',
        'st',
        `'use strict'; const [${names.join(', ')}] = B; return function ${name}_${k}(${params.join(', ')}) {\n${body}\n};\n//# sourceURL=process-plan-${name}-${k}.js`,
      ) as (...deps: unknown[]) => Part;
      return factory(layout.blocks, arrays.signals, arrays.inputs, arrays.defaults, arrays.stale);
    });
  const sequence = <F extends Part>(parts: Part[]): F => {
    if (parts.length === 1) return parts[0] as F;
    return ((...args: never[]) => {
      for (const part of parts) part(...args);
    }) as F;
  };
  return {
    evaluate: sequence(build('evaluate', evaluate, ['t', 'x'])),
    evaluateStale: sequence(build('evaluateStale', evaluateStale, ['t', 'x'])),
    derivatives: sequence(build('derivatives', derivatives, ['t', 'x', 'dx'])),
    update: sequence(build('update', update, ['t', 'dt', 'x'])),
  };
}

/** Statements as function bodies of at most CHUNK statements each (at least one body, maybe empty). */
function chunks(statements: readonly string[]): string[] {
  const bodies: string[] = [];
  for (let k = 0; k < statements.length; k += CHUNK) bodies.push(statements.slice(k, k + CHUNK).join('\n'));
  return bodies.length > 0 ? bodies : [''];
}

/** A finite number as a literal that reads back as the same double. */
function num(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) throw new Error(`process plan: expected a finite conversion, got ${v}`);
  return Object.is(v, -0) ? '-0' : String(v);
}
