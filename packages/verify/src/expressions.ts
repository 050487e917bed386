import { Environment as CelEnvironment } from '@marcbachmann/cel-js';
import type { Json, JsonObject, LedgerEvent, Simulation } from '@doppel/twin';
import { fastEvaluator, UNSURE } from './fast-path.js';

/**
 * CEL (never eval) for test conditions and rule conditions. What an expression can read:
 * - `now` (sim seconds), `asset('id')` and one function per asset kind (`station('s4')`, `machine('filler')`): state;
 * - `kpi.<name>`: the pack's network KPIs now; `kpis('id').<name>`: one asset's KPIs; `summary`: the pack summary;
 * - `ids('kind')`: the ids of the assets of a kind (for `ids('machine').all(m, ...)`); `abs(x)`;
 * - in rules, `self` (the state of the asset of the event) and `event` (`type`, `asset`, `seq`, `time`, `meta`,
 *   `new`, `old`); in `expect_event.where`, `event`.
 * State and KPI numbers are doubles: write `2.0`, not `2`, in arithmetic with them (comparisons accept both).
 */
export type ExpressionRole = 'condition' | 'rule' | 'event' | 'value';

export interface CompiledExpression {
  readonly source: string;
  readonly role: ExpressionRole;
  /** What the expression reads, for incremental rule checks and for reporting a failure's inputs. */
  readonly reads: ExpressionReads;
  evaluate(context: EvaluationContext): unknown;
}

export interface ExpressionReads {
  /** Top-level fields of `self` read; null when `self` is read as a whole (or through an index). */
  readonly selfFields: ReadonlySet<string> | null;
  readonly usesSelf: boolean;
  readonly usesEvent: boolean;
  /** Reads state or KPIs beyond the event's own asset (kpi, kpis(), summary, asset(), a kind function, ids()). */
  readonly usesWorld: boolean;
  /** Reads only asset state and `now`: the twin's breakpoints can watch it exactly, event by event. */
  readonly stateOnly: boolean;
  /** Source texts of the member chains and calls read (`self.queue_length`, `kpi.wait_p95_s`). */
  readonly inputs: readonly string[];
}

export interface EvaluationContext {
  now: number;
  self?: JsonObject | null;
  event?: JsonObject | null;
}

/** Where an expression problem is: 1-based line and column in the expression text, and the reason. */
export class ExpressionProblem extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

interface AstNode {
  readonly op: string;
  readonly args: unknown;
  readonly start: number;
  readonly end: number;
}

const RESERVED = new Set([
  'asset',
  'kpis',
  'ids',
  'abs',
  'now',
  'self',
  'event',
  'kpi',
  'summary',
  'in',
  'size',
  'has',
]);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WORLD_CALLS = new Set(['asset', 'kpis', 'ids']);

class MissingAsset extends Error {}

/** Compiles and evaluates test expressions against one simulation (rebind with `bind` for each replication). */
export class TestExpressions {
  private readonly cel: CelEnvironment;
  private readonly kinds: ReadonlySet<string>;
  private sim: Simulation | null = null;

  constructor(kinds: readonly string[]) {
    this.kinds = new Set(kinds.filter((kind) => IDENTIFIER.test(kind) && !RESERVED.has(kind)));
    const cel = new CelEnvironment({ homogeneousAggregateLiterals: false });
    for (const name of ['self', 'event', 'kpi', 'summary']) cel.registerVariable(name, 'map');
    cel.registerVariable('now', 'double');
    cel.registerFunction('asset(string): map', (id: string) => this.stateOf(id, undefined));
    cel.registerFunction('kpis(string): map', (id: string) => this.requireSim().assetKpis(id));
    cel.registerFunction('ids(string): list', (kind: string) =>
      this.requireSim()
        .assets(kind)
        .map((a) => a.id),
    );
    cel.registerFunction('abs(double): double', (x: number) => Math.abs(x));
    for (const kind of this.kinds) cel.registerFunction(`${kind}(string): map`, (id: string) => this.stateOf(id, kind));
    this.cel = cel;
  }

  bind(sim: Simulation): void {
    this.sim = sim;
  }

  /** Parses and type-checks; throws ExpressionProblem with the column of the problem. */
  compile(source: string, role: ExpressionRole): CompiledExpression {
    const check = this.cel.check(source);
    if (!check.valid) {
      const error = check.error as { summary?: string; message: string; range?: { start: number } } | undefined;
      throw new ExpressionProblem(
        error?.summary ?? error?.message ?? 'invalid expression',
        (error?.range?.start ?? 0) + 1,
      );
    }
    const wanted = role === 'value' ? ['double', 'int', 'uint', 'dyn'] : ['bool', 'dyn'];
    if (!wanted.includes(check.type ?? 'dyn')) {
      throw new ExpressionProblem(
        role === 'value' ? `must be a number, it is ${check.type}` : `must be a condition (bool), it is ${check.type}`,
        1,
      );
    }
    const program = this.cel.parse(source) as ((context: Record<string, unknown>) => unknown) & { ast: AstNode };
    const reads = analyse(program.ast, source, this.kinds);
    if (role !== 'rule' && (reads.usesSelf || (role !== 'event' && reads.usesEvent))) {
      throw new ExpressionProblem(
        `${reads.usesSelf ? '`self`' : '`event`'} is only defined in ${reads.usesSelf ? 'rules' : 'rules and expect_event.where'}`,
        1,
      );
    }
    const lazy = this.lazyContext();
    // Conditions answer a bool: the simple ones are evaluated directly, the rest (and any doubt) by CEL.
    const fast = role === 'value' ? null : fastEvaluator(program.ast);
    return {
      source,
      role,
      reads,
      evaluate: (context: EvaluationContext): unknown => {
        if (fast !== null) {
          const outcome = fast(context.self ?? null, context.event ?? null, context.now);
          if (outcome !== UNSURE) return outcome;
        }
        lazy.now = context.now;
        lazy.self = context.self ?? null;
        lazy.event = context.event ?? null;
        lazy.reset();
        return program(lazy);
      },
    };
  }

  /** Evaluates each input of an expression (for reports); an input that cannot be read shows its error. */
  inputsOf(expression: CompiledExpression, context: EvaluationContext): Record<string, Json> {
    const out: Record<string, Json> = {};
    for (const input of expression.reads.inputs) {
      try {
        out[input] = toJson(this.compileLoose(input).evaluate(context));
      } catch (error) {
        out[input] = `(${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
      }
    }
    return out;
  }

  private readonly loose = new Map<string, CompiledExpression>();
  private compileLoose(source: string): CompiledExpression {
    let compiled = this.loose.get(source);
    if (compiled === undefined) {
      const program = this.cel.parse(source) as (context: Record<string, unknown>) => unknown;
      const lazy = this.lazyContext();
      compiled = {
        source,
        role: 'value',
        reads: { selfFields: null, usesSelf: false, usesEvent: false, usesWorld: false, stateOnly: false, inputs: [] },
        evaluate: (context) => {
          lazy.now = context.now;
          lazy.self = context.self ?? null;
          lazy.event = context.event ?? null;
          lazy.reset();
          return program(lazy);
        },
      };
      this.loose.set(source, compiled);
    }
    return compiled;
  }

  /** A context whose `kpi` and `summary` are computed only when an expression reads them, once per evaluation. */
  private lazyContext(): LazyContext {
    const sim = (): Simulation => this.requireSim();
    let kpi: Record<string, number> | null = null;
    let summary: JsonObject | null = null;
    return {
      now: 0,
      self: null,
      event: null,
      reset() {
        kpi = null;
        summary = null;
      },
      get kpi() {
        kpi ??= sim().kpis();
        return kpi;
      },
      get summary() {
        summary ??= sim().summary().pack_summary ?? {};
        return summary;
      },
    };
  }

  private requireSim(): Simulation {
    if (this.sim === null) throw new Error('no simulation bound');
    return this.sim;
  }

  private stateOf(id: string, kind: string | undefined): JsonObject {
    const asset = this.findAsset(id);
    if (asset === undefined || (kind !== undefined && asset.kind !== kind)) {
      throw new MissingAsset(`no ${kind ?? 'asset'} "${id}"`);
    }
    return asset.state;
  }

  private findAsset(id: string): { kind: string; state: JsonObject } | undefined {
    try {
      return this.requireSim().asset(id);
    } catch {
      return undefined;
    }
  }
}

interface LazyContext extends Record<string, unknown> {
  now: number;
  self: JsonObject | null;
  event: JsonObject | null;
  reset(): void;
}

/** Walks the AST for what it reads: `self` fields, `event`, the world, and the input chains to report. */
function analyse(root: AstNode, source: string, kinds: ReadonlySet<string>): ExpressionReads {
  const selfFields = new Set<string>();
  let selfWhole = false;
  let usesSelf = false;
  let usesEvent = false;
  let usesWorld = false;
  let usesExtras = false;
  const inputs = new Set<string>();
  const bound = new Set<string>();

  const isNode = (value: unknown): value is AstNode =>
    value !== null && typeof value === 'object' && typeof (value as AstNode).op === 'string';

  /** True when a subtree reads a macro's bound variable (`kpis(m).oee` inside `.all(m, ...)`). */
  const mentions = (node: unknown, names: ReadonlySet<string>): boolean => {
    if (names.size === 0) return false;
    if (Array.isArray(node)) return node.some((item) => mentions(item, names));
    if (!isNode(node)) return false;
    if (node.op === 'id') return names.has(node.args as string);
    return mentions(node.args, names);
  };

  const visit = (node: AstNode, parentIsChain: boolean): void => {
    const args = node.args;
    if (node.op === 'id') {
      const name = args as string;
      if (name === 'self') {
        usesSelf = true;
        if (!parentIsChain) selfWhole = true;
      } else if (name === 'event') usesEvent = true;
      else if (name === 'kpi' || name === 'summary') {
        usesWorld = true;
        usesExtras = true;
      }
      if (!parentIsChain && (name === 'now' || name === 'kpi' || name === 'summary')) inputs.add(name);
      return;
    }
    if (node.op === '.' || node.op === '[]' || node.op === '.?') {
      const list = args as unknown[];
      const base = list[0];
      if (!parentIsChain && !mentions(node, bound)) {
        inputs.add(source.slice(node.start, node.end));
      }
      if (isNode(base) && base.op === 'id' && base.args === 'self') {
        usesSelf = true;
        if (node.op === '.' && typeof list[1] === 'string') selfFields.add(list[1]);
        else selfWhole = true;
      } else if (isNode(base)) {
        visit(base, true);
      }
      for (const extra of list.slice(1)) if (isNode(extra)) visit(extra, false);
      return;
    }
    if (node.op === 'call' || node.op === 'rcall') {
      const list = args as unknown[];
      const name = list[0] as string;
      if (WORLD_CALLS.has(name) || kinds.has(name)) usesWorld = true;
      if (name === 'kpis' || name === 'ids' || name === 'abs') usesExtras = true;
      if (node.op === 'rcall') {
        // Macros bind a variable (`m` in `ids('machine').all(m, ...)`): it is not an input of its own.
        const receiver = list[1];
        const params = (list[2] ?? []) as unknown[];
        if (isNode(receiver)) visit(receiver, false);
        const variable = params[0];
        const added = isNode(variable) && variable.op === 'id' && !bound.has(variable.args as string);
        if (added) bound.add((variable as AstNode).args as string);
        for (const param of params.slice(added ? 1 : 0)) if (isNode(param)) visit(param, false);
        if (added) bound.delete((variable as AstNode).args as string);
        return;
      }
      if (!parentIsChain && (WORLD_CALLS.has(name) || kinds.has(name)) && name !== 'ids' && !mentions(node, bound)) {
        inputs.add(source.slice(node.start, node.end));
      }
      for (const param of (list[1] ?? []) as unknown[]) if (isNode(param)) visit(param, false);
      return;
    }
    const children = Array.isArray(args) ? args : [args];
    for (const child of children) {
      if (isNode(child)) visit(child, false);
      else if (Array.isArray(child)) for (const item of child) if (isNode(item)) visit(item, false);
    }
  };
  visit(root, false);
  return {
    selfFields: selfWhole ? null : selfFields,
    usesSelf,
    usesEvent,
    usesWorld,
    stateOnly: !usesExtras && !usesSelf && !usesEvent,
    inputs: [...inputs],
  };
}

/** CEL values as JSON (bigint integers become numbers, maps objects). */
export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v)]));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJson(v)]));
  }
  return String(value);
}

/** The `event` map of a ledger record. */
export function eventOf(record: LedgerEvent): JsonObject {
  return {
    type: record.eventType,
    asset: record.assetId,
    seq: record.seq,
    time: record.simTime,
    meta: record.meta ?? {},
    new: record.newValue ?? {},
    old: record.oldValue ?? {},
  };
}
