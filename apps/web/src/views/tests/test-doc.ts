/**
 * A scenario test as the sequence editor edits it: the YAML text is the truth (what the server stores and checks);
 * the editor reads it as a plain document, and every edit of a row writes the whole text again.
 */
import { parse, stringify } from 'yaml';

export const STEP_KINDS = [
  'advance',
  'set',
  'intervene',
  'wait_until',
  'assert',
  'expect_event',
  'expect_no_event',
  'snapshot',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const RULE_CATEGORIES = ['consistency', 'performance', 'safety'] as const;

/** One step as written: a mapping with one key, its kind (`{ assert: { condition, message } }`). */
export type StepDoc = Readonly<Record<string, unknown>>;

export interface RuleDoc {
  readonly id?: string;
  readonly category?: string;
  readonly kind?: string;
  readonly condition?: string;
  readonly [key: string]: unknown;
}

export interface TestDoc {
  readonly name?: string;
  readonly description?: string;
  readonly scenario?: Readonly<Record<string, unknown>>;
  readonly steps?: readonly StepDoc[];
  readonly rules?: readonly RuleDoc[];
  readonly [key: string]: unknown;
}

export type ParsedTest =
  { readonly ok: true; readonly doc: TestDoc } | { readonly ok: false; readonly message: string };

export function parseTest(text: string): ParsedTest {
  try {
    const value: unknown = parse(text);
    if (value === null || value === undefined) return { ok: true, doc: {} };
    if (typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, message: 'a test is a mapping (name, scenario, steps, rules)' };
    }
    return { ok: true, doc: value as TestDoc };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

export function testText(doc: TestDoc): string {
  return stringify(doc, { lineWidth: 0 });
}

export function stepKind(step: StepDoc): StepKind | undefined {
  return STEP_KINDS.find((kind) => kind in step);
}

/** The mapping under a step's kind (`advance: 90m` reads as `{ by: '90m' }`). */
export function stepFields(step: StepDoc): Readonly<Record<string, unknown>> {
  const kind = stepKind(step);
  if (kind === undefined) return {};
  const body = step[kind];
  if (kind === 'advance' && (typeof body === 'string' || typeof body === 'number')) return { by: body };
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** The step with one field changed; an empty value removes an optional field. */
export function withStepField(step: StepDoc, field: string, value: unknown): StepDoc {
  const kind = stepKind(step);
  if (kind === undefined) return step;
  const fields: Record<string, unknown> = { ...stepFields(step) };
  if (value === '' || value === undefined) delete fields[field];
  else fields[field] = value;
  if (kind === 'advance' && field === 'to' && value !== '') delete fields.by;
  if (kind === 'advance' && field === 'by' && value !== '') delete fields.to;
  return { [kind]: fields };
}

/** A new step of a kind, with the fields it needs to be valid filled in where a sensible value exists. */
export function newStep(kind: StepKind): StepDoc {
  switch (kind) {
    case 'advance':
      return { advance: { by: '1h' } };
    case 'set':
      return { set: { asset: '', field: '', value: 0 } };
    case 'intervene':
      return { intervene: { asset: '', action: '', args: {} } };
    case 'wait_until':
      return { wait_until: { condition: '', timeout: '1h' } };
    case 'assert':
      return { assert: { condition: '' } };
    case 'expect_event':
    case 'expect_no_event':
      return { [kind]: { type: '', within: '1h' } };
    case 'snapshot':
      return { snapshot: { name: 'snapshot' } };
  }
}

/** A new test: one of the shipped scenarios, an advance and an assertion, a safety rule. */
export const NEW_TEST = `doppel: 1
name: my-test
scenario:
  file: ../swap/city-10.yaml
  seed: 1
  duration: 6h
steps:
  - advance: 2h
  - assert:
      condition: kpi.wait_p95_s < 600.0
      message: the wait p95 stays under 10 min
rules:
  - id: queue-bounded
    category: safety
    kind: station
    condition: self.queue_length <= 20
`;

/**
 * Issues of the server's check by the editor field they belong to: `steps[2].assert.condition` → row 2's
 * `condition`; `rules[0].condition` → rule 0's `condition`; anything else is the test's.
 */
export interface FieldIssues {
  readonly steps: ReadonlyMap<number, ReadonlyMap<string, string>>;
  readonly rules: ReadonlyMap<number, ReadonlyMap<string, string>>;
  readonly other: readonly { readonly path: string; readonly message: string; readonly line?: number }[];
}

export function fieldIssues(
  issues: readonly { readonly path?: string; readonly message: string; readonly line?: number }[],
): FieldIssues {
  const steps = new Map<number, Map<string, string>>();
  const rules = new Map<number, Map<string, string>>();
  const other: { path: string; message: string; line?: number }[] = [];
  for (const issue of issues) {
    const path = issue.path ?? '';
    const match = /^(steps|rules)\[(\d+)\](?:\.(?:[a-z_]+\.)?([a-z_]+))?/.exec(path);
    if (match === null) {
      other.push({ path, message: issue.message, ...(issue.line !== undefined ? { line: issue.line } : {}) });
      continue;
    }
    const target = match[1] === 'steps' ? steps : rules;
    const index = Number(match[2]);
    const field = match[3] ?? '';
    const row = target.get(index) ?? new Map<string, string>();
    if (!row.has(field)) row.set(field, issue.message);
    target.set(index, row);
  }
  return { steps, rules, other };
}
