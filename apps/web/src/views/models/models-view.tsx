import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Fmu, MachineModel, ModelLayout, ProcessModelConnection } from '@doppel/client';
import { useApi } from '../../api/context.js';
import { useAsync } from '../../api/hooks.js';
import { ApiProblem, type SimSummary } from '../../api/types.js';
import { TimeChart } from '../../components/chart.js';
import { TransportBar } from '../../components/transport-bar.js';
import { SchemaForm } from '../../components/schema-form-view.js';
import { Empty, ErrorView, Loading } from '../../components/states.js';
import { navigate } from '../../lib/router.js';
import { useSim } from '../../state/use-sim.js';
import type { JsonSchema } from '../../lib/schema-form.js';
import { BindingsPanel } from './bindings-panel.js';
import { FmuLibrary, FmuUpload, fmuFiles, type FmuUse } from './fmu-library.js';
import { fmuFormValues, fmuPropertiesOf, fmuPropertiesSchema } from './fmu-properties.js';
import { FMU_MIME, ModelCanvas, PALETTE_MIME } from './model-canvas.js';
import {
  commit,
  docOf,
  fmuOf,
  FMU_TYPE,
  freshId,
  layoutOf,
  historyOf,
  nextPlace,
  portsOf,
  present,
  redo,
  refusal,
  typeOf,
  undo,
  unitOf,
  wireText,
  withProperties,
  type History,
  type ModelCatalogue,
  type ModelDoc,
} from './model-doc.js';
import './models.css';

/**
 * The Models view (seed 004): projects and their machine models, the editor of the open model, and the account's
 * FMUs (`fmuId` set: the FMU library, with that FMU shown whole when not empty).
 */
export function ModelsView({ modelId, fmuId }: { modelId?: string; fmuId?: string }): ReactNode {
  const api = useApi();
  const [version, setVersion] = useState(0);
  const projects = useAsync(() => api.listProjects(), [api, version]);
  const models = useAsync(
    async () =>
      Promise.all((projects.data ?? []).map(async (p) => ({ project: p, models: await api.projectModels(p.id) }))),
    [api, projects.data],
  );
  const processCatalogue = useAsync(() => api.processCatalogue(), [api]);
  // The FMUs whole (their variables give an FMU component its ports); an account holds a few dozen at most.
  const [fmuVersion, setFmuVersion] = useState(0);
  const fmus = useAsync(
    async () => Promise.all((await api.listFmus()).map((f) => api.getFmu(f.id))),
    [api, fmuVersion],
  );
  const catalogue = useMemo(
    () => ({
      ...processCatalogue,
      data:
        processCatalogue.data === undefined
          ? undefined
          : // Until the FMUs arrive the canvas knows none (and says nothing of FMU components).
            {
              ...processCatalogue.data,
              ...(fmus.data === undefined ? {} : { fmus: new Map(fmus.data.map((f) => [f.id, f])) }),
            },
    }),
    [processCatalogue, fmus.data],
  );
  const uses = useMemo<FmuUse[]>(
    () =>
      (models.data ?? []).flatMap(({ project, models: list }) =>
        list.map((m) => ({ project: project.name, model: m })),
      ),
    [models.data],
  );
  const fmusChanged = useCallback(() => setFmuVersion((v) => v + 1), []);
  const [projectName, setProjectName] = useState('');
  const [error, setError] = useState<unknown>();

  return (
    <div className="models-view">
      <aside className="models-list panel" aria-label="Projects and models">
        <h2>Projects</h2>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (projectName.trim() === '') return;
            api.createProject(projectName.trim()).then(() => {
              setProjectName('');
              setVersion((v) => v + 1);
            }, setError);
          }}
        >
          <label htmlFor="new-project" className="sr-only">
            New project name
          </label>
          <input
            id="new-project"
            placeholder="New project"
            value={projectName}
            onChange={(e) => setProjectName(e.currentTarget.value)}
          />
          <button type="submit">Create</button>
        </form>
        {error !== undefined && <ErrorView error={error} />}
        {projects.loading && <Loading />}
        {projects.data?.length === 0 && <p className="faint">No projects yet: name one above.</p>}
        {(models.data ?? []).map(({ project, models: list }) => (
          <section key={project.id} className="project">
            <h3>{project.name}</h3>
            <ul>
              {list.map((m) => (
                <li key={m.id}>
                  <a href={`#/models/${encodeURIComponent(m.id)}`} aria-current={m.id === modelId ? 'page' : undefined}>
                    {m.name}
                  </a>{' '}
                  <span className="faint num">{m.components.length} parts</span>
                </li>
              ))}
            </ul>
            <button
              type="button"
              className="ghost new-model"
              onClick={() =>
                api.createModel(project.id, `Model ${list.length + 1}`).then((m) => {
                  setVersion((v) => v + 1);
                  navigate({ view: 'models', modelId: m.id });
                }, setError)
              }
            >
              + New model in {project.name}
            </button>
          </section>
        ))}
        <section className="project" aria-label="FMUs">
          <h2>FMUs</h2>
          {fmus.error !== undefined && <ErrorView error={fmus.error} />}
          <ul>
            {(fmus.data ?? []).map((f) => (
              <li key={f.id}>
                <a href={`#/fmus/${encodeURIComponent(f.id)}`} aria-current={f.id === fmuId ? 'page' : undefined}>
                  {f.name}
                </a>{' '}
                <span className="faint num">FMI {f.fmiVersion}</span>
              </li>
            ))}
          </ul>
          <a href="#/fmus" aria-current={fmuId === '' ? 'page' : undefined}>
            {fmus.data?.length === 0 ? 'Upload an FMU' : 'All FMUs, upload'}
          </a>
        </section>
      </aside>
      <section className="model-main">
        {catalogue.error !== undefined && <ErrorView error={catalogue.error} />}
        {fmuId !== undefined ? (
          <FmuLibrary fmus={fmus.data} fmuId={fmuId} uses={uses} onChanged={fmusChanged} />
        ) : modelId === undefined ? (
          <Empty title="No model open">Pick a model on the left, or create a project and a model in it.</Empty>
        ) : catalogue.data === undefined ? (
          <Loading />
        ) : (
          <ModelLoader
            key={modelId}
            modelId={modelId}
            catalogue={catalogue.data}
            onSaved={() => setVersion((v) => v + 1)}
            onFmusChanged={fmusChanged}
          />
        )}
      </section>
    </div>
  );
}

interface EditorProps {
  catalogue: ModelCatalogue;
  onSaved: () => void;
  /** An FMU was uploaded from the editor (dropped on the canvas or the palette). */
  onFmusChanged: () => void;
}

function ModelLoader(props: EditorProps & { modelId: string }): ReactNode {
  const api = useApi();
  const model = useAsync(() => api.getModel(props.modelId), [api, props.modelId]);
  if (model.error !== undefined) return <ErrorView error={model.error} />;
  if (model.data === undefined) return <Loading />;
  return (
    <ReactFlowProvider>
      <ModelEditor model={model.data} {...props} />
    </ReactFlowProvider>
  );
}

interface Issue {
  readonly path?: string;
  readonly message: string;
}

function ModelEditor(props: EditorProps & { model: MachineModel }): ReactNode {
  const { model, catalogue } = props;
  const api = useApi();
  const [history, setHistory] = useState<History>(() => historyOf(docOf(model)));
  const [savedAt, setSavedAt] = useState(0);
  const doc = present(history);
  const dirty = history.at !== savedAt;
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const [issues, setIssues] = useState<readonly Issue[]>([]);
  const [live, setLive] = useState<Readonly<Record<string, number | boolean>>>({});
  // The view onto the canvas is no edit of the model (no undo step); it is saved with the model, or alone.
  const viewport = useRef<ModelLayout['viewport']>(model.layout.viewport);
  const change = useCallback((next: ModelDoc) => setHistory((h) => commit(h, next)), []);

  const add = (type: string, at = nextPlace(doc)): void => {
    const t = typeOf(catalogue, type);
    if (t === undefined) return;
    const id = freshId(type, doc);
    change({ ...doc, components: [...doc.components, { component: { id, type, properties: {} }, ...at }] });
    setSelected(id);
    setNotice({ kind: 'ok', text: `Added ${t.title} ${id}` });
  };
  /** An uploaded FMU as a component (named after its model), its ports those of its modelDescription.xml. */
  const addFmu = (fmu: Pick<Fmu, 'id' | 'name' | 'modelName'>, at = nextPlace(doc)): void => {
    const base = fmu.modelName.replace(/[^A-Za-z0-9_]+/g, '_').slice(0, 40) || FMU_TYPE;
    const id = freshId(base, doc);
    const component = { id, type: FMU_TYPE, properties: { fmu: fmu.id, parameters: {} } };
    change({ ...doc, components: [...doc.components, { component, ...at }] });
    setSelected(id);
    setNotice({ kind: 'ok', text: `Added FMU ${fmu.name} as ${id}` });
  };
  /** .fmu files dropped on the canvas: uploaded (the server checks them), then placed where they fell. */
  const dropFiles = async (files: readonly File[], at: { x: number; y: number }): Promise<void> => {
    const { fmus, others } = fmuFiles(files);
    if (fmus.length === 0) {
      setNotice({ kind: 'error', text: `Drop a .fmu file on the canvas (got ${others.join(', ')})` });
      return;
    }
    for (const [k, file] of fmus.entries()) {
      setNotice({ kind: 'ok', text: `Uploading ${file.name}…` });
      try {
        const fmu = await api.uploadFmu(file);
        props.onFmusChanged();
        addFmu(fmu, { x: at.x + k * 40, y: at.y + k * 40 });
      } catch (e) {
        setIssues(e instanceof ApiProblem ? e.issues : []);
        setNotice({ kind: 'error', text: `${file.name} refused: ${e instanceof Error ? e.message : String(e)}` });
        return;
      }
    }
  };
  const connect = (w: ProcessModelConnection): void => {
    const why = refusal(catalogue, doc, w);
    if (why !== null) {
      setNotice({ kind: 'error', text: `Connection refused: ${why}` });
      return;
    }
    change({ ...doc, connections: [...doc.connections, w] });
    setNotice({ kind: 'ok', text: `Connected ${wireText(w)}` });
  };
  const remove = (id: string): void => {
    change({
      components: doc.components.filter((p) => p.component.id !== id),
      connections: doc.connections.filter((w) => w.source_component_id !== id && w.target_component_id !== id),
    });
    setSelected(null);
  };
  const save = async (): Promise<boolean> => {
    try {
      await api.saveModel(model.id, {
        name: model.name,
        description: model.description,
        components: doc.components.map((p) => p.component),
        connections: [...doc.connections],
        layout: layoutOf(doc, viewport.current),
      });
      setSavedAt(history.at);
      setIssues([]);
      setNotice({ kind: 'ok', text: 'Saved to the catalog' });
      props.onSaved();
      return true;
    } catch (e) {
      setIssues(e instanceof ApiProblem ? e.issues : []);
      setNotice({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
      return false;
    }
  };

  const keys = useRef({ undo: () => setHistory(undo), redo: () => setHistory(redo) });
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!(e.ctrlKey || e.metaKey) || (e.target as HTMLElement | null)?.closest('input, textarea, select') != null)
        return;
      if (e.key.toLowerCase() === 'z' && !e.shiftKey) keys.current.undo();
      else if (e.key.toLowerCase() === 'y' || (e.key.toLowerCase() === 'z' && e.shiftKey)) keys.current.redo();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const picked = doc.components.find((p) => p.component.id === selected)?.component;
  const pickedType = picked === undefined ? undefined : typeOf(catalogue, picked.type);
  const pickedFmu = picked === undefined ? undefined : fmuOf(catalogue, picked);
  const componentIssues = issues.filter((i) => {
    const index = doc.components.findIndex((p) => p.component.id === selected);
    return i.path?.startsWith(`components[${index}]`) === true;
  });

  return (
    <div className="model-editor">
      <div className="model-toolbar" role="toolbar" aria-label="Model">
        <h2>{model.name}</h2>
        <button type="button" onClick={() => setHistory(undo)} disabled={history.at === 0} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button
          type="button"
          onClick={() => setHistory(redo)}
          disabled={history.at === history.docs.length - 1}
          title="Redo (Ctrl+Y)"
        >
          Redo
        </button>
        <button type="button" className="primary" onClick={() => void save()} disabled={!dirty}>
          Save
        </button>
        <span className="faint">{dirty ? 'unsaved changes' : 'saved'}</span>
        <span role="status" className={notice?.kind === 'error' ? 'field-error' : 'muted'} data-testid="model-notice">
          {notice?.text}
        </span>
      </div>
      {issues.length > 0 && (
        <ul className="model-issues field-error" aria-label="Problems of the model">
          {issues.map((i, k) => (
            <li key={k}>
              {i.path !== undefined && <code>{i.path}</code>} {i.message}
            </li>
          ))}
        </ul>
      )}
      <div className="model-body">
        <nav className="palette panel" aria-label="Component palette">
          <h3>Components</h3>
          <p className="faint">Drag onto the canvas, or press to add.</p>
          {catalogue.componentTypes.map((t) => (
            <button
              key={t.type}
              type="button"
              draggable
              onDragStart={(e) => e.dataTransfer.setData(PALETTE_MIME, t.type)}
              onClick={() => add(t.type)}
              title={t.description}
              aria-label={`Add ${t.title}`}
            >
              {t.title}
            </button>
          ))}
          <h3>FMUs</h3>
          {[...(catalogue.fmus?.values() ?? [])].map((f) => (
            <button
              key={f.id}
              type="button"
              draggable
              onDragStart={(e) => e.dataTransfer.setData(FMU_MIME, f.id)}
              onClick={() => addFmu(f)}
              title={`${f.modelName}, FMI ${f.fmiVersion}: drag onto the canvas`}
              aria-label={`Add FMU ${f.name}`}
            >
              {f.name}
            </button>
          ))}
          <FmuUpload compact onUploaded={() => props.onFmusChanged()} />
          <a href="#/fmus">Manage FMUs</a>
        </nav>
        <ModelCanvas
          catalogue={catalogue}
          doc={doc}
          selected={selected}
          live={live}
          onSelect={setSelected}
          onMove={(id, x, y) =>
            change({
              ...doc,
              components: doc.components.map((p) => (p.component.id === id ? { ...p, x, y } : p)),
            })
          }
          onConnect={connect}
          onDropType={(type, x, y) => add(type, { x, y })}
          onDropFmu={(id, x, y) => {
            const fmu = catalogue.fmus?.get(id);
            if (fmu !== undefined) addFmu(fmu, { x, y });
          }}
          onDropFiles={(files, x, y) => void dropFiles(files, { x, y })}
          initialViewport={model.layout.viewport}
          onViewportMoved={(v) => {
            viewport.current = v;
            // Unsaved edits take the view with them when saved; a saved model keeps it at once.
            if (!dirty) {
              api.saveModelLayout(model.id, layoutOf(doc, v)).catch((e: unknown) => {
                setNotice({
                  kind: 'error',
                  text: `The view was not saved: ${e instanceof Error ? e.message : String(e)}`,
                });
              });
            }
          }}
        />
        <aside className="properties panel" aria-label="Properties">
          <ConnectForm catalogue={catalogue} doc={doc} onConnect={connect} />
          <h3>Properties</h3>
          <label htmlFor="pick-component">Component</label>
          <select
            id="pick-component"
            value={selected ?? ''}
            onChange={(e) => setSelected(e.currentTarget.value || null)}
          >
            <option value="">—</option>
            {doc.components.map((p) => (
              <option key={p.component.id} value={p.component.id}>
                {p.component.id} ({p.component.type})
              </option>
            ))}
          </select>
          {picked !== undefined && pickedType !== undefined && (
            <>
              <p className="faint">{pickedType.description}</p>
              <SchemaForm
                key={`${picked.id}-${history.at}`}
                idPrefix={`prop-${picked.id}`}
                schema={pickedType.propertiesSchema as JsonSchema}
                initial={{ ...pickedType.defaults, ...(picked.properties ?? {}) }}
                submitLabel="Apply"
                serverIssues={componentIssues.map((i) => ({ field: i.path ?? '', message: i.message }))}
                onSubmit={(args) => {
                  const edit = withProperties(catalogue, doc, picked.id, args);
                  change(edit.doc);
                  const gone = edit.dropped.map(wireText).join(', ');
                  setNotice({
                    kind: 'ok',
                    text:
                      edit.dropped.length === 0
                        ? `Changed ${picked.id}`
                        : `Changed ${picked.id}; removed the wires to ports it no longer has: ${gone}`,
                  });
                }}
              />
              <button type="button" className="ghost" onClick={() => remove(picked.id)}>
                Remove {picked.id}
              </button>
            </>
          )}
          {picked !== undefined && picked.type === FMU_TYPE && (
            <>
              {pickedFmu === undefined && catalogue.fmus === undefined ? (
                <Loading />
              ) : pickedFmu === undefined ? (
                <p className="field-error">
                  FMU {String(picked.properties?.fmu)} is not in this account: upload it again, or remove {picked.id}.
                </p>
              ) : (
                <>
                  <p className="faint">
                    <a href={`#/fmus/${encodeURIComponent(pickedFmu.id)}`}>{pickedFmu.name}</a> · model{' '}
                    {pickedFmu.modelName} · FMI {pickedFmu.fmiVersion}
                  </p>
                  <SchemaForm
                    key={`${picked.id}-${history.at}`}
                    idPrefix={`prop-${picked.id}`}
                    schema={fmuPropertiesSchema(pickedFmu)}
                    initial={fmuFormValues(picked.properties ?? {})}
                    submitLabel="Apply"
                    serverIssues={componentIssues.map((i) => ({ field: i.path ?? '', message: i.message }))}
                    onSubmit={(args) => {
                      // An FMU's ports do not depend on its properties: no wire goes.
                      change(withProperties(catalogue, doc, picked.id, fmuPropertiesOf(pickedFmu, args)).doc);
                      setNotice({ kind: 'ok', text: `Changed ${picked.id}` });
                    }}
                  />
                </>
              )}
              <button type="button" className="ghost" onClick={() => remove(picked.id)}>
                Remove {picked.id}
              </button>
            </>
          )}
        </aside>
      </div>
      <RunPanel
        modelId={model.id}
        doc={doc}
        catalogue={catalogue}
        beforeRun={() => (dirty ? save() : Promise.resolve(true))}
        onLive={setLive}
      />
      <BindingsPanel
        modelId={model.id}
        doc={doc}
        catalogue={catalogue}
        beforeRun={() => (dirty ? save() : Promise.resolve(true))}
        onLive={setLive}
      />
    </div>
  );
}

/** Connect two ports from the keyboard: an output and an input, each picked from a list. */
function ConnectForm(props: {
  catalogue: ModelCatalogue;
  doc: ModelDoc;
  onConnect: (w: ProcessModelConnection) => void;
}): ReactNode {
  const { catalogue, doc } = props;
  const ends = (direction: 'in' | 'out') =>
    doc.components.flatMap((p) =>
      portsOf(catalogue, p.component)
        .filter((port) => port.direction === direction)
        .map((port) => `${p.component.id}.${port.name}`),
    );
  const outputs = ends('out');
  const inputs = ends('in');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  return (
    <form
      className="connect-form"
      onSubmit={(e) => {
        e.preventDefault();
        const [a, ap] = from.split('.');
        const [b, bp] = to.split('.');
        if (a === undefined || ap === undefined || b === undefined || bp === undefined) return;
        props.onConnect({ source_component_id: a, source_port: ap, target_component_id: b, target_port: bp });
      }}
    >
      <h3>Connect</h3>
      <label htmlFor="connect-from">From output</label>
      <select id="connect-from" value={from} onChange={(e) => setFrom(e.currentTarget.value)}>
        <option value="">—</option>
        {outputs.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
      <label htmlFor="connect-to">To input</label>
      <select id="connect-to" value={to} onChange={(e) => setTo(e.currentTarget.value)}>
        <option value="">—</option>
        {inputs.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
      <button type="submit" disabled={from === '' || to === ''}>
        Connect
      </button>
    </form>
  );
}

/**
 * Run the model, then the shared transport bar and time slider (play, pause, steps, speed, rewind, branch): live
 * values arrive as the WebSocket's ledger patches to the session's assets, shown on the canvas and, for the picked
 * port, on a uPlot chart; a scrubbed instant shows the state then.
 */
function RunPanel(props: {
  modelId: string;
  doc: ModelDoc;
  catalogue: ModelCatalogue;
  beforeRun: () => Promise<boolean>;
  /** Every component's outputs at the instant shown, by `component.port`, for the canvas. */
  onLive: (values: Readonly<Record<string, number | boolean>>) => void;
}): ReactNode {
  const api = useApi();
  const [started, setStarted] = useState<SimSummary | null>(null);
  const [error, setError] = useState<unknown>();
  const [port, setPort] = useState('');
  const [series, setSeries] = useState<{ times: number[]; values: (number | null)[] }>({ times: [], values: [] });
  // Every output port by `component.port`, with its unit ('' while nothing fixes it) for the chart.
  const outputs = useMemo(
    () =>
      new Map<string, string>(
        props.doc.components.flatMap((p) =>
          portsOf(props.catalogue, p.component)
            .filter((x) => x.direction === 'out')
            .map((x) => [`${p.component.id}.${x.name}`, unitOf(props.catalogue, p.component, x) ?? ''] as const),
        ),
      ),
    [props.doc, props.catalogue],
  );
  const shownPort = port !== '' ? port : (outputs.keys().next().value ?? '');
  const { onLive } = props;
  const session = useSim(started?.id);
  const sim = session.sim ?? started ?? undefined;

  // Each new state of the assets (a live patch, a poll, a scrubbed instant): the canvas's values, and at the live
  // head a point of the picked port's chart.
  const { assets, historical } = session;
  const simTime = session.sim?.simTime;
  useEffect(() => {
    if (assets === undefined) return;
    const values: Record<string, number | boolean> = {};
    for (const a of assets) {
      for (const [key, v] of Object.entries(a.state)) {
        if (typeof v === 'number' || typeof v === 'boolean') values[`${a.id}.${key}`] = v;
      }
    }
    onLive(values);
    if (historical || simTime === undefined) return;
    const raw = values[shownPort];
    const value = typeof raw === 'number' ? raw : typeof raw === 'boolean' ? Number(raw) : null;
    setSeries((old) =>
      old.times.length > 0 && old.times[old.times.length - 1] === simTime
        ? old
        : { times: [...old.times, simTime].slice(-2000), values: [...old.values, value].slice(-2000) },
    );
  }, [assets, historical, simTime, shownPort, onLive]);

  const start = async (paused: boolean): Promise<void> => {
    if (!(await props.beforeRun())) return;
    setError(undefined);
    setSeries({ times: [], values: [] });
    api.startModel(props.modelId, { speed: 1, paused }).then(setStarted, setError);
  };
  const running = sim?.state === 'running';
  return (
    <section className="run-panel panel" aria-label="Run">
      <div className="row">
        <h3>Run</h3>
        <button type="button" className="primary" onClick={() => void start(false)} disabled={running}>
          {sim === undefined ? 'Run' : 'Run again'}
        </button>
        {sim === undefined && (
          <button type="button" onClick={() => void start(true)}>
            Start paused
          </button>
        )}
        <label htmlFor="chart-port">Signal</label>
        <select
          id="chart-port"
          value={shownPort}
          onChange={(e) => {
            setPort(e.currentTarget.value);
            setSeries({ times: [], values: [] });
          }}
        >
          {[...outputs.keys()].map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
        {sim !== undefined && (
          <span className="muted" data-testid="run-state">
            {sim.state} · t = <span className="num">{sim.simTime.toFixed(1)}</span> s ·{' '}
            <a href={`#/simulations`}>{sim.id}</a>
          </span>
        )}
      </div>
      {error !== undefined && <ErrorView error={error} />}
      {session.actionError !== undefined && <ErrorView error={session.actionError} />}
      {sim !== undefined && (
        <TransportBar
          session={session}
          onBranchHere={(t) =>
            void session
              .branch(t, `${sim.id} at ${t.toFixed(1)} s`, [])
              .then((b) => b !== null && navigate({ view: 'compare', a: sim.id, b: b.id }))
          }
          onOpenBranch={(b) => navigate({ view: 'compare', a: sim.id, b: b.id })}
        />
      )}
      {sim !== undefined && series.times.length > 0 ? (
        <div data-testid="model-chart" data-points={series.times.length}>
          <TimeChart
            title={shownPort}
            unit={outputs.get(shownPort) ?? ''}
            times={series.times}
            series={[{ label: shownPort, color: '#3358d4', values: series.values }]}
            startIso={sim.startIso}
            timeZone={sim.timeZone}
            height={160}
          />
        </div>
      ) : (
        <p className="faint">Run the model to see its signals live; pick any output port above.</p>
      )}
    </section>
  );
}
