import type { AnyPack, ResolvedScenario } from '@doppel/twin';
import type { CompiledExpression, TestExpressions } from './expressions.js';
import type { CompiledRule } from './rules.js';
import type { BaselineInput, StatisticInput } from './schema.js';

/** A point in sim time: the next time of day (seconds after local midnight) from now, or seconds from the start. */
export type Instant = { readonly clock: number } | { readonly fromStart: number };

interface StepBase {
  readonly index: number;
  /** One line for reports: `advance to 17:55`, `assert kpi.wait_p95_s < 900`. */
  readonly label: string;
}

export type Step = StepBase &
  (
    | {
        readonly kind: 'set';
        readonly asset: string;
        readonly field: string;
        readonly action: string;
        readonly argName: string;
        readonly value: number | boolean | string;
      }
    | {
        readonly kind: 'intervene';
        readonly asset: string;
        readonly action: string;
        readonly args: Record<string, unknown>;
        readonly at: Instant | null;
      }
    | { readonly kind: 'advance'; readonly byS: number | null; readonly to: Instant | null }
    | {
        readonly kind: 'wait_until';
        readonly condition: CompiledExpression;
        readonly timeoutS: number;
        readonly pollS: number;
      }
    | { readonly kind: 'assert'; readonly condition: CompiledExpression; readonly message: string | undefined }
    | {
        readonly kind: 'expect_event' | 'expect_no_event';
        readonly type: string;
        readonly asset: string | undefined;
        readonly withinS: number;
        readonly where: CompiledExpression | undefined;
      }
    | {
        readonly kind: 'snapshot';
        readonly name: string;
        readonly values: readonly (readonly [string, CompiledExpression])[];
      }
  );

export interface Variant {
  readonly name: string;
  readonly scenario: ResolvedScenario;
  readonly steps: readonly Step[];
}

export interface CompiledStatistic {
  readonly input: StatisticInput;
  readonly value: CompiledExpression;
}

export interface CompiledBaseline {
  readonly input: BaselineInput;
  /** Absolute path of the baseline file. */
  readonly path: string;
  readonly values: readonly {
    readonly name: string;
    readonly value: CompiledExpression;
    readonly better: 'lower' | 'higher';
    readonly tolerance: number;
  }[];
}

/** A loaded, fully checked test: everything it needs to run, nothing left to validate. */
export interface TestDefinition {
  readonly file: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly pack: AnyPack;
  readonly scenario: ResolvedScenario;
  readonly seed: number;
  readonly replications: number;
  readonly steps: readonly Step[];
  readonly rules: readonly CompiledRule[];
  readonly statistics: readonly CompiledStatistic[];
  readonly variants: readonly Variant[];
  readonly baseline: CompiledBaseline | null;
  readonly expressions: TestExpressions;
  /** KPI names the test reads (`kpi.<name>`): charted over time in reports. */
  readonly chartedKpis: readonly string[];
}
