import { z } from 'zod';
import { BlockBase, templatePorts, type ComponentType } from '../component.js';
import { num, unitProperty } from './common.js';

const point = z.tuple([z.number(), z.number()]);

const sourceProps = z
  .strictObject({
    unit: unitProperty('the signal'),
    kind: z.enum(['constant', 'step', 'ramp', 'sine', 'table']).default('constant').describe('Shape of the signal.'),
    value: num(-1e12, 1e12, 0, 'constant: the value.'),
    initial: num(-1e12, 1e12, 0, 'step and ramp: the value before start_s.'),
    final: num(-1e12, 1e12, 1, 'step: the value from start_s; ramp: where it stops.'),
    start_s: num(0, 1e9, 0, 'step and ramp: when it starts (s).'),
    slope_per_s: num(-1e12, 1e12, 1, 'ramp: change per second until it reaches final.'),
    amplitude: num(0, 1e12, 1, 'sine: amplitude.'),
    offset: num(-1e12, 1e12, 0, 'sine: the mean value.'),
    frequency_hz: num(0, 1e6, 0.01, 'sine: frequency (Hz).'),
    phase_deg: num(-360, 360, 0, 'sine: phase (°).'),
    table: z.array(point).max(100_000).default([]).describe('table: [time_s, value] points, times rising.'),
    csv: z
      .string()
      .max(2_000_000)
      .default('')
      .describe('table: the points as CSV text, two columns time_s,value (a header line is allowed).'),
    interpolation: z.enum(['linear', 'hold']).default('linear').describe('table: between points.'),
    repeat: z.boolean().default(false).describe('table: starts over after the last point.'),
  })
  .superRefine((p, ctx) => {
    if (p.kind !== 'table') return;
    let points: [number, number][];
    try {
      points = tablePoints(p.table, p.csv);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, path: ['csv'] });
      return;
    }
    if (points.length === 0) ctx.addIssue({ code: 'custom', message: 'a table needs points', path: ['table'] });
    for (let i = 1; i < points.length; i++) {
      if ((points[i] as [number, number])[0] < (points[i - 1] as [number, number])[0]) {
        ctx.addIssue({ code: 'custom', message: `times must rise (point ${i})`, path: [p.csv ? 'csv' : 'table'] });
        return;
      }
    }
  });
type SourceProps = z.infer<typeof sourceProps>;

/** Points of a table source: `table`, else the CSV text (time_s,value per line; a header line is skipped). */
export function tablePoints(table: readonly (readonly [number, number])[], csv: string): [number, number][] {
  if (table.length > 0 || csv.trim() === '') return table.map(([t, v]) => [t, v]);
  const points: [number, number][] = [];
  csv.split(/\r?\n/).forEach((line, i) => {
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    if (cells.length === 1 && cells[0] === '') return;
    const t = Number(cells[0]);
    const v = Number(cells[1]);
    if (cells.length < 2 || !Number.isFinite(t) || !Number.isFinite(v)) {
      if (i === 0) return; // header
      throw new Error(`csv line ${i + 1}: expected two numbers "time_s,value", found "${line.slice(0, 60)}"`);
    }
    points.push([t, v]);
  });
  return points;
}

/** A signal of time: constant, step, ramp, sine or a table; an override (set_setpoint) holds it at a value. */
export class SourceBlock extends BlockBase {
  readonly stateCount = 0;
  readonly held: boolean;
  // The override as a flag and a number (not number | null), so reading it never boxes a double.
  private overridden = false;
  private overrideValue = 0;
  private readonly points: [number, number][];
  private cursor = 0;
  /**
   * The time of the value in y[0]: the signal is a function of time alone, and RK4's two middle stages ask for the
   * same instant, so the second reads the first's value instead of computing it again.
   */
  private valueTime = Number.NaN;
  // The sine's angular frequency and phase, computed once: numeric fields (initialised as numbers) keep the value
  // an unboxed double, where the parsed properties' fields may hold any value.
  private omega = 0;
  private phase = 0;

  constructor(readonly p: SourceProps) {
    super();
    this.held = p.kind === 'constant';
    this.points = p.kind === 'table' ? tablePoints(p.table, p.csv) : [];
    this.omega = 2 * Math.PI * p.frequency_hz;
    this.phase = (p.phase_deg * Math.PI) / 180;
  }

  get override(): number | null {
    return this.overridden ? this.overrideValue : null;
  }

  /** Holds the signal at a value (null: back to its shape); a constant's output changes at once. */
  setOverride(value: number | null, t: number): void {
    this.overridden = value !== null;
    this.overrideValue = value ?? 0;
    this.y[0] = this.value(t);
    this.valueTime = t;
  }

  start(t: number): void {
    this.y[0] = this.value(t);
    this.valueTime = t;
  }

  value(t: number): number {
    if (this.overridden) return this.overrideValue;
    const p = this.p;
    switch (p.kind) {
      case 'constant':
        return p.value;
      case 'step':
        return t >= p.start_s ? p.final : p.initial;
      case 'ramp': {
        if (t < p.start_s) return p.initial;
        const v = p.initial + p.slope_per_s * (t - p.start_s);
        return p.slope_per_s >= 0 ? Math.min(v, p.final) : Math.max(v, p.final);
      }
      case 'sine':
        return p.offset + p.amplitude * Math.sin(this.omega * t + this.phase);
      // The last kind as the default: every path returns a number, so the result stays an unboxed double.
      default:
        return this.lookup(t);
    }
  }

  private lookup(time: number): number {
    const pts = this.points;
    const first = pts[0] as [number, number];
    const last = pts[pts.length - 1] as [number, number];
    let t = time;
    if (this.p.repeat && last[0] > first[0] && t > last[0]) t = first[0] + ((t - first[0]) % (last[0] - first[0]));
    if (t <= first[0]) return first[1];
    if (t >= last[0]) return last[1];
    // Time mostly moves forward: walk the cursor from where it was.
    if ((pts[this.cursor] as [number, number])[0] > t) this.cursor = 0;
    while ((pts[this.cursor + 1] as [number, number])[0] <= t) this.cursor++;
    const [t0, v0] = pts[this.cursor] as [number, number];
    const [t1, v1] = pts[this.cursor + 1] as [number, number];
    if (this.p.interpolation === 'hold' || t1 === t0) return v0;
    return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
  }

  output(t: number): void {
    if (t === this.valueTime) return;
    this.y[0] = this.value(t);
    this.valueTime = t;
  }

  extras() {
    return { overridden: this.overridden };
  }
}

export const sourceType: ComponentType<SourceProps> = {
  type: 'source',
  title: 'Source',
  description:
    'A signal of time: constant, step, ramp, sine, or a table of points (inline or CSV) with linear or hold interpolation.',
  category: 'source',
  properties: sourceProps,
  unitProperties: { $u: 'unit' },
  ports: () => [{ name: 'out', direction: 'out', unit: '$u', description: 'The signal.' }],
  extraState: { overridden: z.boolean() },
  create: (props) => new SourceBlock(props),
};

const scopeProps = z.strictObject({
  inputs: z.number().int().min(1).max(16).default(1).describe('Number of signals recorded.'),
  sample_s: num(0, 86_400, 1, 'Recording period (s); 0: every step.'),
  max_rows: z.number().int().min(1).max(1_000_000).default(100_000).describe('Rows kept; later ones are dropped.'),
});
type ScopeProps = z.infer<typeof scopeProps>;

/** A recorder: samples its inputs into a table (written next to the ledger as scope-<id>.csv). */
export class ScopeBlock extends BlockBase {
  readonly stateCount = 0;
  readonly held = true;
  readonly rows: number[][] = [];
  dropped = 0;
  private next = 0;

  constructor(readonly p: ScopeProps) {
    super();
  }

  start(t: number): void {
    this.update(t);
  }

  output(): void {
    // Records only at completed steps.
  }

  update(t: number): void {
    if (t + 1e-6 < this.next) return;
    this.next = this.p.sample_s > 0 ? this.next + this.p.sample_s : t;
    if (this.rows.length >= this.p.max_rows) {
      this.dropped++;
      return;
    }
    this.rows.push([t, ...this.u]);
  }
}

export const scopeType: ComponentType<ScopeProps> = {
  type: 'scope',
  title: 'Scope',
  description: 'Records the signals wired to it at a fixed period into a table (scope-<id>.csv).',
  category: 'output',
  properties: scopeProps,
  ...templatePorts<ScopeProps>([
    {
      name: 'in_{i}',
      direction: 'in',
      unit: '$in_{i}',
      description: 'Signal {i}.',
      default: 0,
      feedthrough: false,
      repeat: 'inputs',
    },
  ]),
  create: (props) => new ScopeBlock(props),
};
