/**
 * The control-plane replay as scenario tests: the example test the server ships (the captured region, its day of
 * events, one Enactor stalled, the validation rules and the latency baseline) run once per Enactor version. That
 * example is the one statement of the rules: only its name and Enactor version change here.
 */
import type { ReplicationResult, RuleResult, TestResult } from '@doppel/client';
import { parse, stringify } from 'yaml';

/** The server's example test (GET /api/v1/example-tests) the replays are made from. */
export const REPLAY_EXAMPLE_ID = 'controlplane-enactor-legacy';

export const ENACTOR_VERSIONS = ['legacy', 'guarded'] as const;
export type EnactorVersion = (typeof ENACTOR_VERSIONS)[number];

/** The stored test of one Enactor version is found again by this name. */
export function replayTestName(version: EnactorVersion): string {
  return `controlplane-replay-${version}`;
}

/** What the replay does, in the example's own words, for the page to say before anything runs. */
export interface ReplayPlan {
  readonly scenarioFile: string;
  /** One line per step of the example (`intervene enactor-2 stall at 14:00`, `advance 24h`). */
  readonly steps: readonly string[];
  readonly rules: readonly { readonly id: string; readonly message: string }[];
}

type Doc = Record<string, unknown>;
const record = (value: unknown): Doc =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Doc) : {};

function example(text: string): Doc {
  return record(parse(text));
}

function stepLine(step: unknown): string {
  const [kind, body] = Object.entries(record(step))[0] ?? ['?', null];
  const b = record(body);
  if (kind === 'intervene') return `intervene: ${String(b.action)} ${String(b.asset)} at ${String(b.at ?? 'now')}`;
  if (kind === 'assert') return `assert: ${String(b.message ?? b.condition)}`;
  return `${kind}: ${typeof body === 'string' ? body : JSON.stringify(body)}`;
}

export function replayPlan(exampleText: string): ReplayPlan {
  const doc = example(exampleText);
  const rules = Array.isArray(doc.rules) ? doc.rules.map(record) : [];
  return {
    scenarioFile: String(record(doc.scenario).file ?? ''),
    steps: Array.isArray(doc.steps) ? doc.steps.map(stepLine) : [],
    rules: rules.map((rule) => ({ id: String(rule.id), message: String(rule.message ?? rule.condition) })),
  };
}

/** The test text of one Enactor version: the example's, named after the version and running it. */
export function replayTestYaml(exampleText: string, version: EnactorVersion): string {
  const doc = example(exampleText);
  const scenario = record(doc.scenario);
  const overrides = record(scenario.overrides);
  const controlplane = record(overrides.controlplane);
  const test: Doc = {
    ...doc,
    name: replayTestName(version),
    description: `The captured day replayed with the ${version} Enactor (the example test ${REPLAY_EXAMPLE_ID}).`,
    scenario: {
      ...scenario,
      overrides: {
        ...overrides,
        controlplane: { ...controlplane, enactor: { ...record(controlplane.enactor), version } },
      },
    },
  };
  return stringify(test, { aliasDuplicateObjects: false });
}

/** The replication a result details: the first that failed, else the first (as the report and the Tests view). */
export function shownReplication(result: TestResult): ReplicationResult | undefined {
  return result.replications.find((r) => r.status === 'failed') ?? result.replications[0];
}

/** The rules of a result with a first violation, earliest first: the marks of the time slider. */
export function violatedRules(result: TestResult): RuleResult[] {
  const replication = shownReplication(result);
  if (replication === undefined) return [];
  return replication.rules
    .filter((rule) => rule.first !== null)
    .sort((a, b) => (a.first?.simTime ?? 0) - (b.first?.simTime ?? 0));
}

/** One violation of a rule with its own ledger records, named by `key` (`<rule>#<index among the rule's>`). */
export interface RuleViolation {
  readonly key: string;
  readonly rule: RuleResult;
  readonly violation: NonNullable<RuleResult['first']>;
}

/** The key of a rule's first violation: what its verdict button picks. */
export const firstViolationKey = (rule: RuleResult): string => `${rule.id}#0`;

/**
 * Every violation the result kept, each with its own records, earliest first (results stored before violations
 * were kept one by one have only each rule's first).
 */
export function ruleViolations(result: TestResult): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const rule of violatedRules(result)) {
    const kept = rule.kept ?? (rule.first === null ? [] : [rule.first]);
    kept.forEach((violation, index) => out.push({ key: `${rule.id}#${index}`, rule, violation }));
  }
  return out.sort((a, b) => a.violation.simTime - b.violation.simTime || a.violation.seq - b.violation.seq);
}

/** A KPI's value as the test's last assertion on it read it (`kpi.<name>` among the step's inputs), if one did. */
export function assertedKpi(result: TestResult, name: string): number | undefined {
  const steps = shownReplication(result)?.steps ?? [];
  for (let i = steps.length - 1; i >= 0; i -= 1) {
    const value = steps[i].details?.[`kpi.${name}`];
    if (typeof value === 'number') return value;
  }
  return undefined;
}
