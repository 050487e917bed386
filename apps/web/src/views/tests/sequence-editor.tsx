import type { ReactNode } from 'react';
import type { InterventionDef, PackInfo } from '../../api/types.js';
import { fieldsFromSchema, type FieldSpec } from '../../lib/schema-form.js';
import {
  newStep,
  RULE_CATEGORIES,
  STEP_KINDS,
  stepFields,
  stepKind,
  withStepField,
  type FieldIssues,
  type RuleDoc,
  type StepDoc,
  type StepKind,
  type TestDoc,
} from './test-doc.js';

const KIND_LABEL: Record<StepKind, string> = {
  advance: 'Advance',
  set: 'Set a field',
  intervene: 'Intervene',
  wait_until: 'Wait until',
  assert: 'Assert',
  expect_event: 'Expect event',
  expect_no_event: 'Expect no event',
  snapshot: 'Snapshot',
};

/** The text fields of each step kind, in order: [field, label, placeholder, wide (a CEL condition)]. */
const KIND_FIELDS: Record<StepKind, readonly (readonly [string, string, string, boolean?])[]> = {
  advance: [
    ['by', 'by', '90m', false],
    ['to', 'or to', '17:55', false],
  ],
  set: [
    ['asset', 'asset', 'station_05'],
    ['field', 'field', 'service_speed'],
    ['value', 'value', '2'],
  ],
  intervene: [
    ['asset', 'asset', 'station_08'],
    ['at', 'at', 'now, or 17:55'],
  ],
  wait_until: [
    ['condition', 'condition (CEL)', "station('station_08').queue_length >= 3", true],
    ['timeout', 'timeout', '3h'],
    ['poll', 'poll', '1m'],
  ],
  assert: [
    ['condition', 'condition (CEL)', 'kpi.wait_p95_s < 120.0', true],
    ['message', 'message', 'the wait p95 stays under 2 min', true],
  ],
  expect_event: [
    ['type', 'event type', 'RESERVE_CHARGERS_OPENED'],
    ['asset', 'asset', 'any'],
    ['within', 'within', '1h'],
    ['where', 'where (CEL)', 'event.meta.count > 0.0', true],
  ],
  expect_no_event: [
    ['type', 'event type', 'OUTAGE_STARTED'],
    ['asset', 'asset', 'any'],
    ['within', 'within', '1h'],
  ],
  snapshot: [['name', 'name', 'evening']],
};

/** Text typed into a value field: a number or true/false when it reads as one. */
function typed(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return text;
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function TextField({
  id,
  label,
  value,
  placeholder,
  issue,
  wide,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  placeholder: string;
  issue: string | undefined;
  wide?: boolean;
  onChange: (value: string) => void;
}): ReactNode {
  return (
    <label className={`field${wide === true ? ' wide' : ''}`} htmlFor={id}>
      {label}
      <input
        id={id}
        className={wide === true ? 'code' : undefined}
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        aria-invalid={issue !== undefined}
        aria-describedby={issue !== undefined ? `${id}-issue` : undefined}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
      {issue !== undefined && (
        <span id={`${id}-issue`} className="field-error" role="alert">
          {issue}
        </span>
      )}
    </label>
  );
}

/** The arguments of an intervention, as fields generated from its schema. */
function ArgsFields({
  idPrefix,
  fields,
  args,
  onChange,
}: {
  idPrefix: string;
  fields: readonly FieldSpec[];
  args: Readonly<Record<string, unknown>>;
  onChange: (args: Record<string, unknown>) => void;
}): ReactNode {
  const set = (name: string, value: unknown): void => {
    const next: Record<string, unknown> = { ...args };
    if (value === '' || value === undefined) delete next[name];
    else next[name] = value;
    onChange(next);
  };
  return (
    <>
      {fields.map((field) => {
        const id = `${idPrefix}-arg-${field.name}`;
        const label = `${field.label}${field.unit !== undefined ? ` (${field.unit})` : ''}${field.required ? '' : ' (optional)'}`;
        if (field.kind === 'boolean') {
          return (
            <label key={field.name} className="field check" htmlFor={id}>
              <input
                id={id}
                type="checkbox"
                checked={args[field.name] === true}
                onChange={(e) => set(field.name, e.currentTarget.checked)}
              />
              {label}
            </label>
          );
        }
        if (field.kind === 'enum') {
          return (
            <label key={field.name} className="field" htmlFor={id}>
              {label}
              <select id={id} value={shown(args[field.name])} onChange={(e) => set(field.name, e.currentTarget.value)}>
                <option value="">–</option>
                {(field.options ?? []).map((option) => (
                  <option key={option}>{option}</option>
                ))}
              </select>
            </label>
          );
        }
        const numeric = field.kind === 'number' || field.kind === 'integer';
        return (
          <TextField
            key={field.name}
            id={id}
            label={label}
            value={shown(args[field.name])}
            placeholder={field.defaultValue === undefined ? '' : shown(field.defaultValue)}
            issue={undefined}
            onChange={(text) => set(field.name, numeric ? typed(text) : text)}
          />
        );
      })}
    </>
  );
}

function StepRow({
  index,
  count,
  step,
  issues,
  interventions,
  onChange,
  onMove,
  onRemove,
}: {
  index: number;
  count: number;
  step: StepDoc;
  issues: ReadonlyMap<string, string> | undefined;
  interventions: readonly (InterventionDef & { readonly kind: string })[];
  onChange: (step: StepDoc) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}): ReactNode {
  const kind = stepKind(step);
  const fields = stepFields(step);
  const n = index + 1;
  const id = `step-${index}`;
  const rowIssue = issues?.get('') ?? (kind !== undefined ? issues?.get(kind) : undefined);
  const intervention =
    kind === 'intervene' ? interventions.find((candidate) => candidate.name === fields.action) : undefined;
  return (
    <li className={`step-row${issues !== undefined ? ' invalid' : ''}`} aria-label={`Step ${n}`}>
      <span className="step-n num" aria-hidden="true">
        {n}
      </span>
      <label className="field" htmlFor={`${id}-kind`}>
        step
        <select
          id={`${id}-kind`}
          aria-label={`Step ${n} kind`}
          value={kind ?? ''}
          onChange={(e) => onChange(newStep(e.currentTarget.value as StepKind))}
        >
          {kind === undefined && <option value="">(unknown)</option>}
          {STEP_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </select>
      </label>
      {kind !== undefined &&
        KIND_FIELDS[kind].map(([field, label, placeholder, wide]) => (
          <TextField
            key={field}
            id={`${id}-${field}`}
            label={label}
            value={shown(fields[field])}
            placeholder={placeholder}
            wide={wide}
            issue={issues?.get(field)}
            onChange={(text) => onChange(withStepField(step, field, field === 'value' ? typed(text) : text))}
          />
        ))}
      {kind === 'intervene' && (
        <>
          <label className="field" htmlFor={`${id}-action`}>
            action
            <select
              id={`${id}-action`}
              value={shown(fields.action)}
              aria-invalid={issues?.has('action') === true}
              onChange={(e) =>
                onChange(withStepField(withStepField(step, 'args', {}), 'action', e.currentTarget.value))
              }
            >
              <option value="">(choose)</option>
              {interventions.map((candidate) => (
                <option key={`${candidate.kind}/${candidate.name}`} value={candidate.name}>
                  {candidate.kind}: {candidate.name}
                </option>
              ))}
            </select>
            {issues?.get('action') !== undefined && (
              <span className="field-error" role="alert">
                {issues.get('action')}
              </span>
            )}
          </label>
          {intervention !== undefined && (
            <ArgsFields
              idPrefix={id}
              fields={fieldsFromSchema(intervention.schema)}
              args={(fields.args ?? {}) as Record<string, unknown>}
              onChange={(args) => onChange(withStepField(step, 'args', args))}
            />
          )}
          {issues?.get('args') !== undefined && (
            <span className="field-error" role="alert">
              arguments: {issues.get('args')}
            </span>
          )}
        </>
      )}
      {rowIssue !== undefined && (
        <span className="field-error" role="alert">
          {rowIssue}
        </span>
      )}
      <span className="row-tools">
        <button
          type="button"
          className="ghost"
          aria-label={`Move step ${n} up`}
          disabled={index === 0}
          onClick={() => onMove(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          className="ghost"
          aria-label={`Move step ${n} down`}
          disabled={index === count - 1}
          onClick={() => onMove(1)}
        >
          ↓
        </button>
        <button type="button" className="ghost" aria-label={`Remove step ${n}`} onClick={onRemove}>
          ✕
        </button>
      </span>
    </li>
  );
}

function RuleRow({
  index,
  rule,
  issues,
  onChange,
  onRemove,
}: {
  index: number;
  rule: RuleDoc;
  issues: ReadonlyMap<string, string> | undefined;
  onChange: (rule: RuleDoc) => void;
  onRemove: () => void;
}): ReactNode {
  const id = `rule-${index}`;
  const set = (field: string, value: string): void => {
    const next: Record<string, unknown> = { ...rule };
    if (value === '') delete next[field];
    else next[field] = value;
    onChange(next);
  };
  return (
    <li className={`step-row${issues !== undefined ? ' invalid' : ''}`} aria-label={`Rule ${index + 1}`}>
      <TextField
        id={`${id}-id`}
        label="id"
        value={shown(rule.id)}
        placeholder="queue-bounded"
        issue={issues?.get('id')}
        onChange={(v) => set('id', v)}
      />
      <label className="field" htmlFor={`${id}-category`}>
        category
        <select
          id={`${id}-category`}
          value={shown(rule.category)}
          onChange={(e) => set('category', e.currentTarget.value)}
        >
          {RULE_CATEGORIES.map((category) => (
            <option key={category}>{category}</option>
          ))}
        </select>
      </label>
      <TextField
        id={`${id}-kind`}
        label="asset kind"
        value={shown(rule.kind)}
        placeholder="any"
        issue={issues?.get('kind')}
        onChange={(v) => set('kind', v)}
      />
      <TextField
        id={`${id}-condition`}
        label="condition (CEL, on every ledger event)"
        value={shown(rule.condition)}
        placeholder="self.queue_length <= 8"
        wide
        issue={issues?.get('condition') ?? issues?.get('')}
        onChange={(v) => set('condition', v)}
      />
      <span className="row-tools">
        <button type="button" className="ghost" aria-label={`Remove rule ${index + 1}`} onClick={onRemove}>
          ✕
        </button>
      </span>
    </li>
  );
}

/** Steps as rows (add, reorder, edit; forms from each intervention's schema) and rules, over the test document. */
export function SequenceEditor({
  doc,
  issues,
  pack,
  onChange,
}: {
  doc: TestDoc;
  issues: FieldIssues;
  pack: PackInfo | undefined;
  onChange: (doc: TestDoc) => void;
}): ReactNode {
  const steps = doc.steps ?? [];
  const rules = doc.rules ?? [];
  const interventions = (pack?.assetKinds ?? []).flatMap((kind) =>
    kind.interventions.map((intervention) => ({ ...intervention, kind: kind.kind })),
  );
  const setSteps = (next: readonly StepDoc[]): void => onChange({ ...doc, steps: next });
  const setRules = (next: readonly RuleDoc[]): void => onChange({ ...doc, rules: next });
  return (
    <div className="sequence">
      <h2 className="section-title">Steps</h2>
      {steps.length === 0 && <p className="muted">No steps: the scenario runs to its end and the rules are checked.</p>}
      <ol className="step-list" aria-label="Steps">
        {steps.map((step, index) => (
          <StepRow
            key={index}
            index={index}
            count={steps.length}
            step={step}
            issues={issues.steps.get(index)}
            interventions={interventions}
            onChange={(next) => setSteps(steps.map((s, i) => (i === index ? next : s)))}
            onMove={(delta) => {
              const next = [...steps];
              const [moved] = next.splice(index, 1);
              next.splice(index + delta, 0, moved);
              setSteps(next);
            }}
            onRemove={() => setSteps(steps.filter((_, i) => i !== index))}
          />
        ))}
      </ol>
      <div className="row wrap">
        {STEP_KINDS.map((kind) => (
          <button key={kind} type="button" onClick={() => setSteps([...steps, newStep(kind)])}>
            + {KIND_LABEL[kind]}
          </button>
        ))}
      </div>
      <h2 className="section-title">Rules</h2>
      {rules.length === 0 && <p className="muted">No rules.</p>}
      <ol className="step-list" aria-label="Rules">
        {rules.map((rule, index) => (
          <RuleRow
            key={index}
            index={index}
            rule={rule}
            issues={issues.rules.get(index)}
            onChange={(next) => setRules(rules.map((r, i) => (i === index ? next : r)))}
            onRemove={() => setRules(rules.filter((_, i) => i !== index))}
          />
        ))}
      </ol>
      <div className="row">
        <button
          type="button"
          onClick={() => setRules([...rules, { id: `rule-${rules.length + 1}`, category: 'safety', condition: '' }])}
        >
          + Rule
        </button>
      </div>
    </div>
  );
}
