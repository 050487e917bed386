import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useApi } from '../api/context.js';
import { useAsync, useDebounced } from '../api/hooks.js';
import { ApiProblem, type ApiIssue } from '../api/types.js';
import { ErrorView } from '../components/states.js';
import { openSim } from './simulations-view.js';

/** New simulation: start from an example's YAML or paste one; validation issues are shown at their line. */
export function ScenarioEditor(): ReactNode {
  const api = useApi();
  const examples = useAsync(() => api.listExamples(), [api]);
  const [example, setExample] = useState('');
  const [yaml, setYaml] = useState('');
  const [name, setName] = useState('');
  const [issues, setIssues] = useState<readonly ApiIssue[]>([]);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const gutterRef = useRef<HTMLDivElement>(null);
  const debounced = useDebounced(yaml, 500);

  useEffect(() => {
    if (example === '') return;
    let live = true;
    api.exampleYaml(example).then(
      (text) => live && setYaml(text),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, example]);

  useEffect(() => {
    if (debounced.trim() === '') {
      setIssues([]);
      return;
    }
    let live = true;
    setChecking(true);
    api.validateScenario(debounced).then(
      (found) => {
        if (!live) return;
        setIssues(found);
        setChecking(false);
      },
      (e: unknown) => {
        if (!live) return;
        setIssues(e instanceof ApiProblem ? e.issues : [{ message: String(e) }]);
        setChecking(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, debounced]);

  const lines = yaml.split('\n');
  const badLines = new Map<number, string>();
  for (const i of issues) if (i.line !== undefined && !badLines.has(i.line)) badLines.set(i.line, i.message);

  const goToLine = (line: number): void => {
    const ta = textRef.current;
    if (ta === null) return;
    const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    ta.focus();
    ta.setSelectionRange(offset, offset + (lines[line - 1]?.length ?? 0));
    ta.scrollTop = (line - 3) * 18;
  };

  const create = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const s = await api.createSimulation({ scenarioYaml: yaml, name: name.trim() === '' ? undefined : name.trim() });
      openSim(s);
    } catch (e) {
      setError(e);
      if (e instanceof ApiProblem && e.issues.length > 0) setIssues(e.issues);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page editor-page">
      <div className="page-head">
        <h1>New simulation</h1>
        <span className="spacer" />
        <a href="#/" className="button">
          Cancel
        </a>
      </div>
      <div className="row">
        <label className="field">
          Start from
          <select aria-label="Example scenario" value={example} onChange={(e) => setExample(e.currentTarget.value)}>
            <option value="">(paste your own YAML)</option>
            {(examples.data ?? []).map((ex) => (
              <option key={ex.id} value={ex.id}>
                {ex.title} ({ex.pack})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Name
          <input
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            placeholder="from the scenario"
            aria-label="Simulation name"
          />
        </label>
        <span className="spacer" />
        <span className="muted" role="status">
          {yaml.trim() === ''
            ? 'Empty'
            : checking
              ? 'Checking…'
              : issues.length === 0
                ? '✓ Valid'
                : `✕ ${issues.length} issue${issues.length === 1 ? '' : 's'}`}
        </span>
        <button
          type="button"
          className="primary"
          disabled={busy || yaml.trim() === '' || issues.length > 0}
          onClick={() => void create()}
        >
          {busy ? 'Creating…' : 'Create simulation'}
        </button>
      </div>
      <div className="editor">
        <div className="gutter" ref={gutterRef} aria-hidden="true">
          {lines.map((_, i) => (
            <div key={i} className={badLines.has(i + 1) ? 'bad' : undefined} title={badLines.get(i + 1)}>
              {badLines.has(i + 1) ? '✕ ' : ''}
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          ref={textRef}
          className="code"
          spellCheck={false}
          aria-label="Scenario YAML"
          value={yaml}
          onChange={(e) => setYaml(e.currentTarget.value)}
          onScroll={(e) => {
            if (gutterRef.current !== null) gutterRef.current.scrollTop = e.currentTarget.scrollTop;
          }}
          placeholder={'pack: swap\nname: my city\n...'}
        />
      </div>
      {error !== undefined && <ErrorView error={error} title="Could not create the simulation" />}
      {issues.length > 0 && (
        <ul className="issues" aria-label="Validation issues">
          {issues.map((i, k) => (
            <li key={k}>
              {i.line !== undefined ? (
                <button type="button" className="ghost" onClick={() => goToLine(i.line ?? 1)}>
                  line {i.line}
                  {i.column !== undefined ? `:${i.column}` : ''}
                </button>
              ) : null}
              {i.path !== undefined && <code>{i.path}</code>} {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
