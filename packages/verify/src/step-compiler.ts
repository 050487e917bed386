import {
  ScenarioIssueCode,
  nearest,
  parseClockTime,
  type AnyPack,
  type AssetKindDefinition,
  type IssueList,
  type Loc,
  type ResolvedScenario,
  type Simulation,
} from '@doppel/twin';
import type { CompiledBaseline, CompiledStatistic, Instant, Step } from './definition.js';
import {
  ExpressionProblem,
  type CompiledExpression,
  type ExpressionRole,
  type TestExpressions,
} from './expressions.js';
import { parseDurationValue } from './time.js';
import type { CompiledRule } from './rules.js';
import type { BaselineInput, RuleInput, StatisticInput, StepInput } from './schema.js';

interface Context {
  readonly pack: AnyPack;
  /** A throw-away build of the scenario: which assets exist and of which kind. */
  readonly probe: Simulation;
  readonly expressions: TestExpressions;
  readonly issues: IssueList;
  readonly at: (path: readonly PropertyKey[]) => Loc;
  readonly scenario: ResolvedScenario;
}

type Path = readonly PropertyKey[];

/** Turns the validated sections of a test file into runnable steps, rules and statistics, reporting every problem. */
export class StepCompiler {
  private readonly kinds = new Map<string, AssetKindDefinition>();
  private readonly kpiNames = new Set<string>();

  constructor(private readonly context: Context) {
    for (const kind of context.pack.assetKinds) this.kinds.set(kind.kind, kind);
  }

  steps(inputs: readonly StepInput[], path: Path): Step[] {
    const out: Step[] = [];
    inputs.forEach((input, index) => {
      const step = this.step(input, index, [...path, index]);
      if (step !== null) out.push(step);
    });
    return out;
  }

  rules(inputs: readonly RuleInput[]): CompiledRule[] {
    const out: CompiledRule[] = [];
    const seen = new Set<string>();
    inputs.forEach((input, index) => {
      const path = ['rules', index];
      if (seen.has(input.id)) this.problem([...path, 'id'], `rule id "${input.id}" is used twice`);
      seen.add(input.id);
      if (input.kind !== undefined && !this.kinds.has(input.kind)) {
        this.problem([...path, 'kind'], `unknown asset kind "${input.kind}"`, [...this.kinds.keys()], input.kind);
      }
      const expression = this.expression(input.condition, 'rule', [...path, 'condition']);
      if (expression !== null) out.push({ input, expression });
    });
    return out;
  }

  statistics(inputs: readonly StatisticInput[], variants: readonly string[]): CompiledStatistic[] {
    const out: CompiledStatistic[] = [];
    inputs.forEach((input, index) => {
      const path = ['statistics', index];
      if (input.below === undefined && input.above === undefined) {
        this.problem(path, 'a statistic needs a bound: `below` and/or `above`');
      }
      if (input.measure === 'quantile' && input.q === undefined) this.problem(path, 'a quantile needs `q` (e.g. 0.95)');
      if (input.measure === 'difference') {
        if (input.variant === undefined) this.problem(path, 'a difference needs `variant` (the name of a variant)');
        else if (!variants.includes(input.variant)) {
          this.problem([...path, 'variant'], `unknown variant "${input.variant}"`, variants, input.variant);
        }
      }
      const value = this.expression(input.value, input.measure === 'proportion' ? 'condition' : 'value', [
        ...path,
        'value',
      ]);
      if (value !== null) out.push({ input, value });
    });
    return out;
  }

  baseline(input: BaselineInput, file: string): CompiledBaseline {
    const values: CompiledBaseline['values'][number][] = [];
    for (const [name, spec] of Object.entries(input.values)) {
      const value = this.expression(spec.value, 'value', ['baseline', 'values', name, 'value']);
      if (value !== null)
        values.push({ name, value, better: spec.better, tolerance: spec.tolerance ?? input.tolerance });
    }
    return { input, path: file, values };
  }

  /** The network KPIs the test's expressions read, in pack order. */
  chartedKpis(): string[] {
    return this.context.pack.kpis.map((kpi) => kpi.name).filter((name) => this.kpiNames.has(name));
  }

  private step(input: StepInput, index: number, path: Path): Step | null {
    if ('set' in input) {
      const { asset, field, value } = input.set;
      const kind = this.assetKind(asset, [...path, 'set', 'asset']);
      if (kind === null) return null;
      const action = `set_${field}`;
      const definition = kind.interventions.find((candidate) => candidate.name === action);
      const settable = kind.interventions
        .filter((candidate) => candidate.name.startsWith('set_') && argNames(candidate.args).length === 1)
        .map((candidate) => candidate.name.slice(4));
      const names = definition === undefined ? [] : argNames(definition.args);
      if (definition === undefined || names.length !== 1) {
        this.problem([...path, 'set', 'field'], `a ${kind.kind}'s "${field}" cannot be set`, settable, field);
        return null;
      }
      const args = { [names[0]]: value };
      if (!this.checkArgs(definition.args, args, [...path, 'set', 'value'])) return null;
      return {
        index,
        kind: 'set',
        label: `set ${asset}.${field} = ${JSON.stringify(value)}`,
        asset,
        field,
        action,
        argName: names[0],
        value,
      };
    }
    if ('intervene' in input) {
      const { asset, action, args = {}, at } = input.intervene;
      const kind = this.assetKind(asset, [...path, 'intervene', 'asset']);
      if (kind === null) return null;
      const definition = kind.interventions.find((candidate) => candidate.name === action);
      if (definition === undefined) {
        const actions = kind.interventions.map((candidate) => candidate.name);
        this.problem(
          [...path, 'intervene', 'action'],
          `a ${kind.kind} has no intervention "${action}"`,
          actions,
          action,
        );
        return null;
      }
      if (!this.checkArgs(definition.args, args, [...path, 'intervene', 'args'])) return null;
      const instant = at === undefined ? null : this.instant(at, [...path, 'intervene', 'at']);
      if (at !== undefined && instant === null) return null;
      const when = at === undefined ? '' : ` at ${String(at)}`;
      return {
        index,
        kind: 'intervene',
        label: `intervene ${action} on ${asset}${when}`,
        asset,
        action,
        args,
        at: instant,
      };
    }
    if ('advance' in input) {
      const spec = input.advance;
      const here = [...path, 'advance'];
      if (typeof spec === 'string' || typeof spec === 'number') {
        const by = this.duration(spec, here);
        return by === null ? null : { index, kind: 'advance', label: `advance by ${String(spec)}`, byS: by, to: null };
      }
      if ((spec.by === undefined) === (spec.to === undefined)) {
        this.problem(here, 'advance takes either `by` (a duration) or `to` (a time of day or a time from the start)');
        return null;
      }
      if (spec.by !== undefined) {
        const by = this.duration(spec.by, [...here, 'by']);
        return by === null
          ? null
          : { index, kind: 'advance', label: `advance by ${String(spec.by)}`, byS: by, to: null };
      }
      const to = this.instant(spec.to as string | number, [...here, 'to']);
      return to === null ? null : { index, kind: 'advance', label: `advance to ${String(spec.to)}`, byS: null, to };
    }
    if ('wait_until' in input) {
      const spec = input.wait_until;
      const here = [...path, 'wait_until'];
      const condition = this.expression(spec.condition, 'condition', [...here, 'condition']);
      const timeoutS = this.duration(spec.timeout, [...here, 'timeout']);
      const pollS = spec.poll === undefined ? 60 : this.duration(spec.poll, [...here, 'poll']);
      if (pollS !== null && pollS <= 0) this.problem([...here, 'poll'], 'poll must be longer than zero');
      if (condition === null || timeoutS === null || pollS === null || pollS <= 0) return null;
      return {
        index,
        kind: 'wait_until',
        label: `wait until ${spec.condition} (timeout ${String(spec.timeout)})`,
        condition,
        timeoutS,
        pollS,
      };
    }
    if ('assert' in input) {
      const condition = this.expression(input.assert.condition, 'condition', [...path, 'assert', 'condition']);
      if (condition === null) return null;
      return {
        index,
        kind: 'assert',
        label: `assert ${input.assert.condition}`,
        condition,
        message: input.assert.message,
      };
    }
    if ('expect_event' in input || 'expect_no_event' in input) {
      const kind = 'expect_event' in input ? 'expect_event' : 'expect_no_event';
      const spec = 'expect_event' in input ? input.expect_event : input.expect_no_event;
      const here = [...path, kind];
      if (spec.asset !== undefined && this.assetKind(spec.asset, [...here, 'asset']) === null) return null;
      const withinS = this.duration(spec.within, [...here, 'within']);
      const where = spec.where === undefined ? undefined : this.expression(spec.where, 'event', [...here, 'where']);
      if (withinS === null || where === null) return null;
      const subject = `${spec.type}${spec.asset !== undefined ? ` on ${spec.asset}` : ''}`;
      const label = `${kind === 'expect_event' ? 'expect' : 'expect no'} ${subject} within ${String(spec.within)}`;
      return { index, kind, label, type: spec.type, asset: spec.asset, withinS, where };
    }
    const spec = input.snapshot;
    const values: [string, CompiledExpression][] = [];
    for (const [name, source] of Object.entries(spec.values ?? {})) {
      const expression = this.expression(source, 'value', [...path, 'snapshot', 'values', name]);
      if (expression !== null) values.push([name, expression]);
    }
    return { index, kind: 'snapshot', label: `snapshot ${spec.name}`, name: spec.name, values };
  }

  private assetKind(id: string, path: Path): AssetKindDefinition | null {
    let kind: string;
    try {
      kind = this.context.probe.asset(id).kind;
    } catch {
      const ids = this.context.probe.assets().map((asset) => asset.id);
      this.problem(path, `no asset "${id}" in scenario ${this.context.scenario.name}`, ids, id);
      return null;
    }
    return this.kinds.get(kind) ?? null;
  }

  private checkArgs(
    schema: {
      safeParse(value: unknown): {
        success: boolean;
        error?: { issues: readonly { path: PropertyKey[]; message: string }[] };
      };
    },
    args: Record<string, unknown>,
    path: Path,
  ): boolean {
    const result = schema.safeParse(args);
    if (result.success) return true;
    for (const issue of result.error?.issues ?? []) {
      const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
      this.problem(path, `invalid arguments: ${where}${issue.message}`);
    }
    return false;
  }

  private duration(value: string | number, path: Path): number | null {
    const seconds = parseDurationValue(value);
    if (seconds === undefined) {
      this.context.issues.add({
        code: ScenarioIssueCode.InvalidDuration,
        loc: this.context.at(path),
        path,
        message: 'not a valid duration',
        expected: '"90m", "1h30m", "45s", "1.5h" or seconds',
        found: JSON.stringify(value),
      });
      return null;
    }
    return seconds;
  }

  private instant(value: string | number, path: Path): Instant | null {
    if (typeof value === 'string') {
      const clock = parseClockTime(value);
      if (clock !== undefined) return { clock };
    }
    const seconds = parseDurationValue(value);
    if (seconds === undefined) {
      this.context.issues.add({
        code: ScenarioIssueCode.InvalidTime,
        loc: this.context.at(path),
        path,
        message: 'not a valid time',
        expected: 'a time of day ("17:55") or a duration from the start ("17h55m", seconds)',
        found: JSON.stringify(value),
      });
      return null;
    }
    return { fromStart: seconds };
  }

  private expression(source: string, role: ExpressionRole, path: Path): CompiledExpression | null {
    try {
      const compiled = this.context.expressions.compile(source, role);
      for (const input of compiled.reads.inputs) {
        const match = /^kpi\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(input);
        if (match) this.kpiNames.add(match[1]);
      }
      const unknown = compiled.reads.inputs
        .map((input) => /^kpi\.([A-Za-z_][A-Za-z0-9_]*)/.exec(input)?.[1])
        .filter(
          (name): name is string => name !== undefined && !this.context.pack.kpis.some((kpi) => kpi.name === name),
        );
      if (unknown.length > 0) {
        const names = this.context.pack.kpis.map((kpi) => kpi.name);
        this.problem(path, `unknown KPI "${unknown[0]}" of pack ${this.context.pack.name}`, names, unknown[0]);
        return null;
      }
      return compiled;
    } catch (error) {
      if (!(error instanceof ExpressionProblem)) throw error;
      this.context.issues.add({
        code: ScenarioIssueCode.InvalidValue,
        loc: this.context.at(path),
        path,
        message: `invalid expression at column ${error.column}: ${error.message}`,
        found: JSON.stringify(source),
      });
      return null;
    }
  }

  private problem(path: Path, message: string, candidates?: readonly string[], found?: string): void {
    const suggestion = candidates !== undefined && found !== undefined ? nearest(found, candidates) : undefined;
    this.context.issues.add({
      code: ScenarioIssueCode.InvalidValue,
      loc: this.context.at(path),
      path,
      message,
      ...(candidates !== undefined
        ? {
            expected:
              candidates.length > 12
                ? `one of ${candidates.slice(0, 12).join(', ')}, ...`
                : `one of ${candidates.join(', ') || '(none)'}`,
          }
        : {}),
      ...(found !== undefined ? { found: JSON.stringify(found) } : {}),
      ...(suggestion !== undefined ? { suggestion } : {}),
    });
  }
}

/** Field names of an intervention's arguments object. */
function argNames(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape === undefined ? [] : Object.keys(shape);
}
