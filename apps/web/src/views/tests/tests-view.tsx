import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ScenarioTest, TestRun, TestValidation } from '@doppel/client';
import { useApi } from '../../api/context.js';
import { useAsync, useDebounced, useInterval } from '../../api/hooks.js';
import { ApiProblem, type ApiIssue } from '../../api/types.js';
import { Empty, ErrorView, Loading } from '../../components/states.js';
import { navigate } from '../../lib/router.js';
import { RunResults } from './run-results.js';
import { SequenceEditor } from './sequence-editor.js';
import './tests.css';
import { fieldIssues, NEW_TEST, parseTest, testText, type TestDoc } from './test-doc.js';

function verdictTag(test: ScenarioTest): ReactNode {
  const run = test.lastRun;
  if (run === null) return <span className="tag">not run</span>;
  if (run.status === 'queued' || run.status === 'running') return <span className="tag">▶ {run.status}</span>;
  if (run.status === 'error') return <span className="tag verdict-reject">✕ error</span>;
  return (
    <span className={`tag ${run.verdict === 'APPROVE' ? 'verdict-approve' : 'verdict-reject'}`}>
      {run.verdict === 'APPROVE' ? '✔ APPROVE' : '✘ REJECT'}
    </span>
  );
}

/** Tests: the account's stored tests with their last verdict, a sequence editor with a YAML tab, runs and results. */
export function TestsView({ testId }: { testId: string | undefined }): ReactNode {
  const api = useApi();
  const tests = useAsync(() => api.listTests(), [api]);
  const list = tests.data ?? [];
  const selected = testId === undefined || testId === 'new' ? undefined : list.find((t) => t.id === testId);

  useEffect(() => {
    // Without a choice, open the first test (or a new one when there is none).
    if (testId === undefined && tests.data !== undefined) {
      navigate({ view: 'tests', testId: tests.data[0]?.id ?? 'new' });
    }
  }, [testId, tests.data]);

  return (
    <div className="tests-layout">
      <nav className="tests-list panel" aria-label="Tests">
        <div className="row">
          <h1 className="section-title">Tests</h1>
          <span className="spacer" />
          <a className="button" href="#/tests/new">
            + New test
          </a>
        </div>
        {tests.loading && tests.data === undefined && <Loading />}
        <ErrorView error={tests.error} />
        {tests.data !== undefined && list.length === 0 && <p className="muted">No tests yet.</p>}
        <ul>
          {list.map((test) => (
            <li key={test.id}>
              <a href={`#/tests/${encodeURIComponent(test.id)}`} aria-current={test.id === testId ? 'page' : undefined}>
                <span className="test-name">{test.name}</span>
                <span className="muted small">
                  {test.pack} · {test.scenario}
                </span>
                {verdictTag(test)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="tests-main">
        {testId === 'new' && <TestEditor key="new" test={undefined} onSaved={tests.reload} />}
        {selected !== undefined && <TestEditor key={selected.id} test={selected} onSaved={tests.reload} />}
        {testId !== undefined && testId !== 'new' && selected === undefined && tests.data !== undefined && (
          <Empty title="No such test">
            <a href="#/tests/new">Write a new test</a>
          </Empty>
        )}
      </div>
    </div>
  );
}

function TestEditor({ test, onSaved }: { test: ScenarioTest | undefined; onSaved: () => void }): ReactNode {
  const api = useApi();
  const [text, setText] = useState(test?.yaml ?? NEW_TEST);
  const [saved, setSaved] = useState(test?.yaml ?? null);
  const [tab, setTab] = useState<'sequence' | 'yaml'>('sequence');
  const [validation, setValidation] = useState<TestValidation | null>(null);
  const [issues, setIssues] = useState<readonly ApiIssue[]>([]);
  const [checking, setChecking] = useState(false);
  const [busy, setBusy] = useState<'save' | 'run' | 'delete' | null>(null);
  const [error, setError] = useState<unknown>();
  const [run, setRun] = useState<TestRun | null>(null);
  const debounced = useDebounced(text, 500);
  const parsed = useMemo(() => parseTest(text), [text]);
  const packName = validation?.test?.pack ?? test?.pack;
  const pack = useAsync(
    () => (packName === undefined ? Promise.resolve(undefined) : api.pack(packName)),
    [api, packName],
  );

  useEffect(() => {
    let live = true;
    setChecking(true);
    api.validateTest(debounced).then(
      (v) => {
        if (!live) return;
        setValidation(v);
        setIssues(v.issues);
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

  // The latest run of the test, followed while it works.
  useEffect(() => {
    const last = test?.lastRun;
    if (last === null || last === undefined) return;
    let live = true;
    api.testRun(last.id).then(
      (r) => live && setRun(r),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, test?.lastRun?.id]);
  const active = run !== null && (run.status === 'queued' || run.status === 'running');
  useInterval(
    async () => {
      if (run === null) return;
      const next = await api.testRun(run.id);
      setRun(next);
      if (next.status !== 'queued' && next.status !== 'running') onSaved();
    },
    400,
    active,
  );

  const dirty = text !== saved;
  const save = async (): Promise<ScenarioTest | null> => {
    setError(undefined);
    try {
      const stored = test === undefined ? await api.createTest(text) : await api.updateTest(test.id, text);
      setSaved(text);
      onSaved();
      if (test === undefined) navigate({ view: 'tests', testId: stored.id });
      return stored;
    } catch (e) {
      setError(e);
      if (e instanceof ApiProblem && e.issues.length > 0) setIssues(e.issues);
      return null;
    }
  };
  const act = async (what: 'save' | 'run' | 'delete'): Promise<void> => {
    setBusy(what);
    try {
      if (what === 'save') await save();
      else if (what === 'delete' && test !== undefined) {
        await api.deleteTest(test.id);
        onSaved();
        navigate({ view: 'tests' });
      } else if (what === 'run') {
        const stored = dirty || test === undefined ? await save() : test;
        if (stored === null) return;
        const started = await api.runTest(stored.id);
        setRun({ ...started, result: null });
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const located = fieldIssues(issues);
  const setDoc = (doc: TestDoc): void => setText(testText(doc));
  const doc = parsed.ok ? parsed.doc : undefined;
  const scenario = (doc?.scenario ?? {}) as Record<string, unknown>;
  const setScenario = (field: string, value: string): void => {
    if (doc === undefined) return;
    const next: Record<string, unknown> = { ...scenario };
    if (value === '') delete next[field];
    else next[field] = field === 'seed' || field === 'replications' ? Number(value) : value;
    setDoc({ ...doc, scenario: next });
  };
  const scenarioIssue = (field: string): string | undefined =>
    located.other.find((issue) => issue.path === `scenario.${field}` || (field === 'file' && issue.path === 'scenario'))
      ?.message;

  return (
    <div className="test-editor">
      <div className="page-head">
        <h1>{test === undefined ? 'New test' : test.name}</h1>
        <span className="muted" role="status" data-testid="test-check">
          {checking
            ? 'Checking…'
            : issues.length === 0
              ? `✓ Valid${validation?.test != null ? ` · ${validation.test.pack} · ${validation.test.steps} steps` : ''}`
              : `✕ ${issues.length} issue${issues.length === 1 ? '' : 's'}`}
          {dirty && test !== undefined ? ' · unsaved changes' : ''}
        </span>
        <span className="spacer" />
        {test !== undefined && (
          <button type="button" className="ghost" disabled={busy !== null} onClick={() => void act('delete')}>
            Delete
          </button>
        )}
        <button
          type="button"
          disabled={busy !== null || (!dirty && test !== undefined)}
          onClick={() => void act('save')}
        >
          {busy === 'save' ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="primary" disabled={busy !== null || active} onClick={() => void act('run')}>
          {busy === 'run' ? 'Starting…' : active ? 'Running…' : '▶ Run'}
        </button>
      </div>
      <ErrorView error={error} title="Not saved" />
      <div className="tabs" role="tablist" aria-label="Test editor">
        {(['sequence', 'yaml'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`tab-${name}`}
            aria-selected={tab === name}
            aria-controls={`panel-${name}`}
            onClick={() => setTab(name)}
          >
            {name === 'sequence' ? 'Sequence' : 'YAML'}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-body">
        {tab === 'yaml' && <YamlTab text={text} issues={issues} onChange={setText} />}
        {tab === 'sequence' && doc === undefined && (
          <ErrorView
            error={new Error(`The YAML cannot be read (${parsed.ok ? '' : parsed.message}): fix it in the YAML tab.`)}
          />
        )}
        {tab === 'sequence' && doc !== undefined && (
          <>
            <div className="row wrap">
              <label className="field" htmlFor="test-name">
                name
                <input
                  id="test-name"
                  value={typeof doc.name === 'string' ? doc.name : ''}
                  onChange={(e) => setDoc({ ...doc, name: e.currentTarget.value })}
                />
              </label>
              {(['file', 'seed', 'duration', 'replications'] as const).map((field) => (
                <label key={field} className="field" htmlFor={`scenario-${field}`}>
                  scenario {field}
                  <input
                    id={`scenario-${field}`}
                    value={scenario[field] === undefined ? '' : String(scenario[field])}
                    aria-invalid={scenarioIssue(field) !== undefined}
                    onChange={(e) => setScenario(field, e.currentTarget.value)}
                  />
                  {scenarioIssue(field) !== undefined && (
                    <span className="field-error" role="alert">
                      {scenarioIssue(field)}
                    </span>
                  )}
                </label>
              ))}
            </div>
            {located.other.filter((issue) => !issue.path.startsWith('scenario')).length > 0 && (
              <ul className="issues" aria-label="Other issues">
                {located.other
                  .filter((issue) => !issue.path.startsWith('scenario'))
                  .map((issue, i) => (
                    <li key={i}>
                      {issue.line !== undefined && <span>line {issue.line} </span>}
                      {issue.path !== '' && <code>{issue.path}</code>} {issue.message}
                    </li>
                  ))}
              </ul>
            )}
            <SequenceEditor doc={doc} issues={located} pack={pack.data} onChange={setDoc} />
          </>
        )}
      </div>
      {run !== null && <RunResults run={run} />}
      {test !== undefined && (
        <RecentRuns
          testId={test.id}
          current={run}
          onPick={(id) => {
            api.testRun(id).then(setRun, setError);
          }}
        />
      )}
    </div>
  );
}

/** The test's latest runs, newest first: picking one shows its results. */
function RecentRuns({
  testId,
  current,
  onPick,
}: {
  testId: string;
  current: TestRun | null;
  onPick: (runId: string) => void;
}): ReactNode {
  const api = useApi();
  const runs = useAsync(() => api.testRuns(testId), [api, testId, current?.id, current?.status]);
  const list = runs.data ?? [];
  if (list.length < 2) return null;
  return (
    <section className="panel run-history" aria-label="Recent runs">
      <h3 className="section-title">Recent runs</h3>
      <ul>
        {list.slice(0, 10).map((r) => (
          <li key={r.id}>
            <button type="button" className="ghost" aria-pressed={r.id === current?.id} onClick={() => onPick(r.id)}>
              <span className={r.verdict === 'APPROVE' ? 'ok-text' : r.verdict === 'REJECT' ? 'tl-failed' : 'muted'}>
                {r.verdict === 'APPROVE' ? '✔ APPROVE' : r.verdict === 'REJECT' ? '✘ REJECT' : r.status}
              </span>
              <span className="muted num">{new Date(r.createdAt).toLocaleString()}</span>
              {r.firstFailure !== null && <span className="muted small">{r.firstFailure.slice(0, 90)}</span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The test as YAML text, with a gutter that marks lines with issues. */
function YamlTab({
  text,
  issues,
  onChange,
}: {
  text: string;
  issues: readonly ApiIssue[];
  onChange: (text: string) => void;
}): ReactNode {
  const textRef = useRef<HTMLTextAreaElement>(null);
  const gutterRef = useRef<HTMLDivElement>(null);
  const lines = text.split('\n');
  const badLines = new Map<number, string>();
  for (const i of issues) if (i.line !== undefined && !badLines.has(i.line)) badLines.set(i.line, i.message);
  const goToLine = (line: number): void => {
    const ta = textRef.current;
    if (ta === null) return;
    const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    ta.focus();
    ta.setSelectionRange(offset, offset + (lines[line - 1]?.length ?? 0));
  };
  return (
    <>
      <div className="editor test-yaml">
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
          aria-label="Test YAML"
          value={text}
          onChange={(e) => onChange(e.currentTarget.value)}
          onScroll={(e) => {
            if (gutterRef.current !== null) gutterRef.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      {issues.length > 0 && (
        <ul className="issues" aria-label="Validation issues">
          {issues.map((i, k) => (
            <li key={k}>
              {i.line !== undefined && (
                <button type="button" className="ghost" onClick={() => goToLine(i.line ?? 1)}>
                  line {i.line}
                  {i.column !== undefined ? `:${i.column}` : ''}
                </button>
              )}
              {i.path !== undefined && <code>{i.path}</code>} {i.message}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
