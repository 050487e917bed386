import { useEffect, useState, type ReactNode } from 'react';
import type { HilBindingStatus, HilStatus, ModelBinding, ModelBindingInput, ProcessCatalogue } from '@doppel/client';
import { useApi } from '../../api/context.js';
import { useAsync } from '../../api/hooks.js';
import { ApiProblem, type ApiIssue, type SimSummary } from '../../api/types.js';
import { ErrorView, Loading } from '../../components/states.js';
import { BindingForm, PROTOCOLS, protocolOf } from './binding-form.js';
import { portsOf, unitOf, type ModelDoc } from './model-doc.js';

/** How often the loop's status is read while it runs. */
const POLL_MS = 500;

const CONNECTION: Record<HilBindingStatus['connection'] | 'idle', { icon: string; label: string; color: string }> = {
  connected: { icon: '●', label: 'connected', color: 'var(--ok)' },
  connecting: { icon: '◌', label: 'connecting', color: 'var(--muted)' },
  lost: { icon: '▲', label: 'lost', color: 'var(--critical)' },
  idle: { icon: '○', label: 'not in a loop', color: 'var(--muted)' },
};

function showValue(v: number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return Math.abs(v) >= 1e6 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(2);
}

const ms = (v: number): string => `${v.toFixed(v < 10 ? 2 : 1)} ms`;

/**
 * The model's communication bindings and its hardware-in-the-loop run (seed 004): each binding ties a signal to a
 * device point (OPC UA node, Modbus register or coil, MQTT topic), listed with its connection, last value and last
 * error while the loop runs; add, edit and delete them; start, pause, resume and stop the loop, with its cycle count
 * and jitter. Live values of the loop's simulation go to the canvas as a run's do.
 */
export function BindingsPanel(props: {
  modelId: string;
  doc: ModelDoc;
  catalogue: ProcessCatalogue;
  /** Saves unsaved edits of the model first: a loop runs the stored model. */
  beforeRun: () => Promise<boolean>;
  onLive: (values: Readonly<Record<string, number | boolean>>) => void;
}): ReactNode {
  const { modelId, doc, catalogue, onLive } = props;
  const api = useApi();
  const [version, setVersion] = useState(0);
  const bindings = useAsync(() => api.listBindings(modelId), [api, modelId, version]);
  const [editing, setEditing] = useState<ModelBinding | 'new' | null>(null);
  const [issues, setIssues] = useState<readonly ApiIssue[]>([]);
  const [error, setError] = useState<unknown>();
  const [loop, setLoop] = useState<SimSummary | null>(null);
  const [status, setStatus] = useState<HilStatus | null>(null);
  const [periodMs, setPeriodMs] = useState('100');
  const [busy, setBusy] = useState(false);

  // While a loop runs: its status and the simulation's values, every POLL_MS.
  const loopId = loop?.id;
  useEffect(() => {
    if (loopId === undefined) return;
    let live = true;
    const read = async (): Promise<void> => {
      try {
        const [next, assets] = await Promise.all([api.hilStatus(loopId), api.assets(loopId)]);
        if (!live) return;
        setStatus(next);
        const values: Record<string, number | boolean> = {};
        for (const a of assets) {
          for (const [key, v] of Object.entries(a.state)) {
            if (typeof v === 'number' || typeof v === 'boolean') values[`${a.id}.${key}`] = v;
          }
        }
        onLive(values);
      } catch (e) {
        if (!live) return;
        // The loop is gone (stopped elsewhere, its simulation deleted): the panel says so and lets go of it.
        setError(e);
        setLoop(null);
        setStatus(null);
      }
    };
    void read();
    const timer = setInterval(() => void read(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, loopId, onLive]);

  const act = async (what: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await what();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const save = (input: ModelBindingInput): void => {
    const target = editing;
    void act(async () => {
      try {
        if (target === 'new') await api.createBinding(modelId, input);
        else if (target !== null) await api.replaceBinding(modelId, target.id, input);
        setEditing(null);
        setIssues([]);
        setVersion((v) => v + 1);
      } catch (e) {
        setIssues(e instanceof ApiProblem ? e.issues : []);
        throw e;
      }
    });
  };
  const start = (): void =>
    void act(async () => {
      if (!(await props.beforeRun())) return;
      const period = Number(periodMs);
      setStatus(null);
      setLoop(await api.startHil(modelId, { periodMs: Number.isInteger(period) ? period : 100 }));
    });
  const stop = (): void =>
    void act(async () => {
      if (loop === null) return;
      // Let go of the loop first, so a status read still on its way does not report it gone as an error.
      setLoop(null);
      setStatus(null);
      try {
        await api.stopModelRun(loop.id);
      } catch (e) {
        setLoop(loop);
        throw e;
      }
    });

  const state = status?.state ?? (loop === null ? null : 'connecting');
  const paused = state === 'paused';
  const list = bindings.data ?? [];
  const statusOf = (id: string) => status?.bindings.find((b) => b.id === id);
  const modelUnit = (signal: string): string | null => {
    const [componentId, portName] = signal.split('.');
    const component = doc.components.find((p) => p.component.id === componentId)?.component;
    const port = component && portsOf(catalogue, component).find((p) => p.name === portName);
    return component && port ? unitOf(catalogue, component, port) : null;
  };

  return (
    <section className="bindings-panel panel" aria-label="Bindings">
      <div className="row">
        <h3>Bindings</h3>
        <span className="faint">Tie the model&apos;s signals to a PLC or a device, then run it in the loop.</span>
        <button type="button" onClick={() => setEditing('new')} disabled={editing !== null}>
          + Add binding
        </button>
      </div>
      {editing !== null && (
        <BindingForm
          key={editing === 'new' ? 'new' : editing.id}
          catalogue={catalogue}
          doc={doc}
          binding={editing === 'new' ? null : editing}
          issues={issues}
          onSubmit={save}
          onCancel={() => {
            setEditing(null);
            setIssues([]);
            setError(undefined);
          }}
        />
      )}
      {error !== undefined && <ErrorView error={error} />}
      {bindings.error !== undefined && <ErrorView error={bindings.error} />}
      {bindings.data === undefined && bindings.loading ? (
        <Loading />
      ) : list.length === 0 ? (
        <p className="faint">
          No bindings yet. An input feeds a source component from a device point; an output writes any output port to
          one.
        </p>
      ) : (
        <div className="bindings-table">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Signal</th>
                <th scope="col">Device and point</th>
                <th scope="col">Connection</th>
                <th scope="col" className="num">
                  Last value
                </th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((b) => {
                const s = statusOf(b.id);
                const c = CONNECTION[s?.connection ?? 'idle'];
                const protocol = protocolOf(b.endpoint);
                return (
                  <tr key={b.id} data-binding={b.id}>
                    <td>
                      <code>{b.signal}</code>
                      <div className="faint">{b.direction === 'input' ? 'input ← device' : 'output → device'}</div>
                    </td>
                    <td>
                      <div>
                        {protocol !== null && <span className="tag">{PROTOCOLS[protocol].title}</span>}{' '}
                        <span className="endpoint">{b.endpoint}</span>
                      </div>
                      <code className="endpoint">{b.address}</code>
                      {b.jsonPath !== undefined && <span className="faint"> at {b.jsonPath}</span>}
                      {b.unit !== undefined && <span className="faint"> ({b.unit})</span>}
                      {(b.scale !== undefined || b.offset !== undefined) && (
                        <div className="faint num">
                          model = device × {b.scale ?? 1} {(b.offset ?? 0) < 0 ? '−' : '+'} {Math.abs(b.offset ?? 0)}
                        </div>
                      )}
                    </td>
                    <td className="binding-connection">
                      <span className="status-badge" style={{ color: c.color }} data-connection={s?.connection}>
                        <span aria-hidden="true">{c.icon}</span> {c.label}
                      </span>
                      {s?.error != null && <div className="binding-error">{s.error}</div>}
                    </td>
                    <td className="num" data-testid="binding-value">
                      {showValue(s?.lastValue)} <span className="faint">{modelUnit(b.signal) ?? ''}</span>
                      {s?.lastValueAgeMs != null && (
                        <div className="faint">{(s.lastValueAgeMs / 1000).toFixed(1)} s ago</div>
                      )}
                    </td>
                    <td>
                      <div className="row">
                        <button
                          type="button"
                          className="ghost"
                          onClick={() => {
                            setIssues([]);
                            setEditing(b);
                          }}
                          disabled={editing !== null}
                          aria-label={`Edit binding of ${b.signal} to ${b.address}`}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="ghost"
                          onClick={() =>
                            void act(async () => {
                              await api.deleteBinding(modelId, b.id);
                              setVersion((v) => v + 1);
                            })
                          }
                          aria-label={`Delete binding of ${b.signal} to ${b.address}`}
                        >
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <div className="row hil-controls" role="group" aria-label="Hardware in the loop">
        <label htmlFor="hil-period">Cycle</label>
        <input
          id="hil-period"
          className="num"
          inputMode="numeric"
          size={5}
          value={periodMs}
          onChange={(e) => setPeriodMs(e.currentTarget.value)}
          disabled={loop !== null}
        />
        <span className="faint">ms</span>
        {loop === null ? (
          <button type="button" className="primary" onClick={start} disabled={busy || list.length === 0}>
            Start loop
          </button>
        ) : (
          <>
            <button
              type="button"
              onClick={() =>
                void act(async () => {
                  if (paused) setStatus(await api.resumeHil(loop.id));
                  else await api.pauseModelRun(loop.id);
                })
              }
              disabled={busy || state === 'failed'}
            >
              {paused ? 'Resume loop' : 'Pause loop'}
            </button>
            <button type="button" onClick={stop} disabled={busy}>
              Stop loop
            </button>
          </>
        )}
        {loop !== null && (
          <span className="muted" data-testid="hil-status" role="status">
            {state} · {status?.cycles ?? 0} cycles · {status?.overruns ?? 0} overruns · jitter p50{' '}
            <span className="num">{ms(status?.jitterP50Ms ?? 0)}</span>, p99{' '}
            <span className="num">{ms(status?.jitterP99Ms ?? 0)}</span> · read→write p99{' '}
            <span className="num">{ms(status?.readToWriteP99Ms ?? 0)}</span> · <a href="#/simulations">{loop.id}</a>
          </span>
        )}
      </div>
      {status?.error != null && <ErrorView error={new Error(status.error)} title="The loop stopped stepping" />}
    </section>
  );
}
