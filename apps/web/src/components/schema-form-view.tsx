import { useMemo, useState, type ReactNode } from 'react';
import {
  argsFromForm,
  fieldsFromSchema,
  initialValue,
  type FieldSpec,
  type FormIssue,
  type JsonSchema,
} from '../lib/schema-form.js';

interface Props {
  readonly idPrefix: string;
  readonly schema: JsonSchema;
  readonly submitLabel: string;
  readonly disabled?: boolean;
  /** Issues the server reported, keyed by field (shown under the field like local ones). */
  readonly serverIssues?: readonly FormIssue[];
  readonly onSubmit: (args: Record<string, unknown>) => void;
  /** Choices for string fields the form cannot know (a station's charger ids for `target`). */
  readonly suggestions?: Readonly<Record<string, readonly string[]>>;
  /** Values to start from instead of the schema's defaults (editing what exists). */
  readonly initial?: Readonly<Record<string, unknown>>;
}

function Input({
  field,
  id,
  value,
  invalid,
  onChange,
  suggestions,
}: {
  field: FieldSpec;
  id: string;
  value: string;
  invalid: boolean;
  onChange: (v: string) => void;
  suggestions?: readonly string[];
}): ReactNode {
  const described = invalid || (field.description ?? '') !== '';
  const common = { id, 'aria-invalid': invalid, 'aria-describedby': described ? `${id}-msg` : undefined } as const;
  switch (field.kind) {
    case 'boolean':
      return (
        <input
          {...common}
          type="checkbox"
          checked={value === 'true'}
          onChange={(e) => onChange(String(e.currentTarget.checked))}
        />
      );
    case 'enum':
      return (
        <select {...common} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          {!field.required && <option value="">(default)</option>}
          {field.required && value === '' && <option value="">Choose…</option>}
          {field.options?.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'number':
    case 'integer':
      return (
        <input
          {...common}
          type="number"
          inputMode="decimal"
          value={value}
          min={field.min}
          max={field.max}
          step={field.step ?? 'any'}
          placeholder={field.required ? '' : 'default'}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    default:
      return (
        <>
          <input
            {...common}
            type="text"
            value={value}
            list={suggestions !== undefined ? `${id}-list` : undefined}
            placeholder={field.kind === 'string-list' ? 'a, b, c' : field.kind === 'json' ? 'JSON' : ''}
            onChange={(e) => onChange(e.currentTarget.value)}
          />
          {suggestions !== undefined && (
            <datalist id={`${id}-list`}>
              {suggestions.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          )}
        </>
      );
  }
}

/** A form generated from a JSON Schema: one labelled input per property, local checks, server issues in place. */
export function SchemaForm(props: Props): ReactNode {
  const { idPrefix, schema, submitLabel, disabled, serverIssues = [], onSubmit, suggestions = {}, initial } = props;
  const fields = useMemo(() => fieldsFromSchema(schema), [schema]);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      fields.map((f) => [
        f.name,
        initialValue(initial?.[f.name] === undefined ? f : { ...f, defaultValue: initial[f.name] }),
      ]),
    ),
  );
  const [issues, setIssues] = useState<readonly FormIssue[]>([]);
  const all = [...issues, ...serverIssues];
  const issueFor = (name: string): string | undefined =>
    all.find((i) => i.field === name || i.field.endsWith(`.${name}`) || i.field.endsWith(`/${name}`))?.message;
  const unplaced = serverIssues.filter(
    (i) => !fields.some((f) => i.field === f.name || i.field.endsWith(`.${f.name}`) || i.field.endsWith(`/${f.name}`)),
  );
  return (
    <form
      className="schema-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const r = argsFromForm(fields, values);
        if (!r.ok) {
          setIssues(r.issues);
          return;
        }
        setIssues([]);
        onSubmit(r.args);
      }}
    >
      {fields.length === 0 && <p className="faint">No arguments.</p>}
      {fields.map((f) => {
        const id = `${idPrefix}-${f.name}`;
        const msg = issueFor(f.name);
        return (
          <div key={f.name} className={`sf-field ${f.kind === 'boolean' ? 'inline' : ''}`}>
            <label htmlFor={id}>
              {f.label}
              {f.unit !== undefined && <span className="faint"> ({f.unit})</span>}
              {f.required && <span aria-hidden="true"> *</span>}
            </label>
            <Input
              field={f}
              id={id}
              value={values[f.name] ?? ''}
              invalid={msg !== undefined}
              onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
              suggestions={suggestions[f.name]}
            />
            {msg !== undefined ? (
              <span id={`${id}-msg`} className="field-error">{`${f.label} ${msg}`}</span>
            ) : (
              (f.description ?? '') !== '' && (
                <span id={`${id}-msg`} className="hint faint">
                  {f.description}
                </span>
              )
            )}
          </div>
        );
      })}
      {unplaced.map((i, k) => (
        <div key={k} className="field-error">
          {i.field !== '' ? <code>{i.field}</code> : null} {i.message}
        </div>
      ))}
      <button type="submit" className="primary" disabled={disabled}>
        {submitLabel}
      </button>
    </form>
  );
}
