import { useState, type ReactNode } from 'react';
import type { InterventionInput } from '../../api/api.js';
import { useApi } from '../../api/context.js';
import { useAsync } from '../../api/hooks.js';
import {
  ApiProblem,
  type AssetKindInfo,
  type AssetView,
  type InterventionView,
  type JsonObject,
  type SimSummary,
} from '../../api/types.js';
import { ErrorView } from '../../components/states.js';
import { SchemaForm } from '../../components/schema-form-view.js';
import { clockLabel, resolveClockEntry } from '../../lib/clock-time.js';
import { formatDuration } from '../../lib/format.js';
import { interventionTitle, type FormIssue } from '../../lib/schema-form.js';

interface Props {
  readonly sim: SimSummary;
  readonly asset: AssetView;
  readonly kindInfo: AssetKindInfo | undefined;
  /** Whether the asset is in maintenance now (from its ledger: an outage hides it in the state's status). */
  readonly maintenance?: boolean;
  /** Called after an intervention was accepted, so the views refresh. */
  readonly onApplied: () => void;
}

function issuesOf(error: unknown): FormIssue[] {
  if (!(error instanceof ApiProblem)) return [];
  return error.issues.filter((i) => i.path !== undefined).map((i) => ({ field: i.path ?? '', message: i.message }));
}

const STATUS_CLASS: Record<string, string> = {
  PENDING: 'pending',
  CONFIRMED: 'confirmed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
};

/**
 * The Intervention Console: the seed's three controls first (power cut, service speed, maintenance), then a form
 * for every intervention the pack declares for this kind of asset, applied now or at a time; then the log.
 */
export function InterventionConsole({ sim, asset, kindInfo, maintenance = false, onApplied }: Props): ReactNode {
  const api = useApi();
  const [when, setWhen] = useState<'now' | 'at'>('now');
  const [atClock, setAtClock] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [errorAction, setErrorAction] = useState<string>();
  const [outageMin, setOutageMin] = useState(30);
  const state = asset.state;
  const [speed, setSpeed] = useState(typeof state.service_speed === 'number' ? state.service_speed : 1);
  const [openForm, setOpenForm] = useState<string | null>(null);
  const log = useAsync(() => api.interventions(sim.id), [api, sim.id, sim.headSeq]);
  const finished = sim.state === 'finished';

  const apply = async (action: string, args: JsonObject): Promise<void> => {
    setError(undefined);
    let at: number | undefined;
    if (when === 'at') {
      const entry = resolveClockEntry(sim, sim.simTime, atClock, true);
      if (!entry.ok) {
        setErrorAction(action);
        setError(new ApiProblem(entry.message, 'DOPPEL_ERR_UI_TIME', 0));
        return;
      }
      at = entry.t;
    }
    const input: InterventionInput = { kind: asset.kind, assetId: asset.id, action, args, at };
    setBusy(true);
    try {
      const record = await api.intervene(sim.id, input);
      // A domain refusal ("no charger charger_99") is a FAILED record, not an HTTP error: show it where it was asked.
      if (record.status === 'FAILED') {
        setErrorAction(action);
        setError(new ApiProblem(record.reason ?? `${titleOf(action)} failed`, 'DOPPEL_ERR_INTERVENTION_FAILED', 422));
      }
      onApplied();
      log.reload();
    } catch (e) {
      setErrorAction(action);
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const defs = kindInfo?.interventions ?? [];
  const titles = new Map(defs.map((d) => [d.name, interventionTitle(d.name, d.schema)]));
  const titleOf = (name: string): string => titles.get(name) ?? interventionTitle(name, undefined);
  const has = (name: string): boolean => defs.some((d) => d.name === name);
  const chargerIds = Array.isArray(state.chargers)
    ? state.chargers.flatMap((c) =>
        c !== null && typeof c === 'object' && !Array.isArray(c) && typeof c.id === 'string' ? [c.id] : [],
      )
    : [];
  const bayIds = Array.isArray(state.closed_bays) ? state.closed_bays.map(String) : [];
  const mine = (log.data ?? []).filter((i) => i.assetId === asset.id);

  return (
    <section className="console" aria-label="Intervention console">
      <h3>Intervention console</h3>
      <div className="row when" role="radiogroup" aria-label="When to apply">
        <label>
          <input type="radio" name="when" checked={when === 'now'} onChange={() => setWhen('now')} /> Now
        </label>
        <label>
          <input type="radio" name="when" checked={when === 'at'} onChange={() => setWhen('at')} /> At
        </label>
        <input
          type="text"
          className="at-time"
          aria-label="Apply at local time (HH:MM)"
          placeholder="HH:MM"
          value={atClock}
          disabled={when !== 'at'}
          onChange={(e) => setAtClock(e.currentTarget.value)}
        />
      </div>
      {finished && <p className="faint">The run is finished: rewind or branch to intervene.</p>}

      {(has('trigger_outage') || has('set_service_speed') || has('set_maintenance_mode')) && (
        <div className="seed-controls">
          {has('trigger_outage') && (
            <div className="row">
              <button
                type="button"
                className="danger"
                disabled={busy || finished}
                onClick={() => void apply('trigger_outage', { duration_seconds: outageMin * 60 })}
              >
                ⚡ Simulate Power Cut
              </button>
              <label className="row faint">
                for
                <select
                  aria-label="Power cut duration"
                  value={outageMin}
                  onChange={(e) => setOutageMin(Number(e.currentTarget.value))}
                >
                  {[15, 30, 60, 120].map((m) => (
                    <option key={m} value={m}>
                      {m} min
                    </option>
                  ))}
                </select>
              </label>
            </div>
          )}
          {has('set_service_speed') && (
            <div className="row">
              <label htmlFor={`speed-${asset.id}`}>Service speed</label>
              <input
                id={`speed-${asset.id}`}
                type="range"
                min={0.25}
                max={3}
                step={0.05}
                value={speed}
                aria-valuetext={`${speed.toFixed(2)} times`}
                onChange={(e) => setSpeed(Number(e.currentTarget.value))}
              />
              <span className="num">{speed.toFixed(2)}×</span>
              <button
                type="button"
                disabled={busy || finished}
                onClick={() => void apply('set_service_speed', { factor: speed })}
              >
                Apply speed
              </button>
            </div>
          )}
          {has('set_maintenance_mode') && (
            <label className="row switch">
              <input
                type="checkbox"
                role="switch"
                aria-checked={maintenance}
                checked={maintenance}
                disabled={busy || finished}
                onChange={() => void apply('set_maintenance_mode', { enabled: !maintenance })}
              />
              Maintenance mode {maintenance ? <span className="tag">on</span> : <span className="tag">off</span>}
            </label>
          )}
        </div>
      )}
      {error !== undefined && errorAction !== undefined && openForm !== errorAction && (
        <ErrorView error={error} title={titleOf(errorAction)} />
      )}

      <h3>All interventions</h3>
      {defs.length === 0 && <p className="faint">This kind of asset declares no interventions.</p>}
      <ul className="iv-forms">
        {defs.map((d) => (
          <li key={d.name}>
            <button
              type="button"
              className="ghost iv-toggle"
              aria-expanded={openForm === d.name}
              onClick={() => setOpenForm(openForm === d.name ? null : d.name)}
            >
              <span aria-hidden="true">{openForm === d.name ? '▾' : '▸'}</span> {titleOf(d.name)}
            </button>
            <span className="faint iv-desc">{d.description}</span>
            {openForm === d.name && (
              <div className="iv-form">
                <SchemaForm
                  idPrefix={`iv-${asset.id}-${d.name}`}
                  schema={d.schema}
                  submitLabel={`Apply: ${titleOf(d.name)}`}
                  disabled={busy || finished}
                  serverIssues={errorAction === d.name ? issuesOf(error) : []}
                  suggestions={{ target: chargerIds, bay_id: bayIds }}
                  onSubmit={(args) => void apply(d.name, args as JsonObject)}
                />
                {errorAction === d.name && error !== undefined && <ErrorView error={error} />}
              </div>
            )}
          </li>
        ))}
      </ul>

      <h3>Log</h3>
      <InterventionLog
        items={mine}
        sim={sim}
        titleOf={titleOf}
        loading={log.loading && log.data === undefined}
        error={log.error}
        onCancel={async (id) => {
          try {
            await api.cancelIntervention(sim.id, id);
            log.reload();
          } catch (e) {
            setErrorAction('cancel');
            setError(e);
          }
        }}
      />
    </section>
  );
}

export function InterventionLog({
  items,
  sim,
  titleOf,
  loading,
  error,
  onCancel,
}: {
  items: readonly InterventionView[];
  sim: SimSummary;
  /** Human title of an action (from the pack's schema). */
  titleOf: (action: string) => string;
  loading: boolean;
  error: unknown;
  onCancel?: (id: string) => void;
}): ReactNode {
  if (error !== undefined) return <ErrorView error={error} />;
  if (loading) return <p className="faint">Loading…</p>;
  if (items.length === 0) return <p className="faint">No interventions on this asset yet.</p>;
  return (
    <table className="data iv-log">
      <thead>
        <tr>
          <th>At</th>
          <th>Action</th>
          <th>State</th>
        </tr>
      </thead>
      <tbody>
        {[...items].reverse().map((i) => (
          <tr key={i.id} data-testid={`iv-${i.id}`}>
            <td className="num">{clockLabel(sim, i.effectiveAt)}</td>
            <td>
              <span title={i.action}>{titleOf(i.action)}</span>
              <div className="faint">
                {Object.entries(i.args)
                  .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                  .join(' ')}
                {i.endsAt !== undefined && ` · until ${clockLabel(sim, i.endsAt)}`}
                {i.endsAt !== undefined && ` (${formatDuration(i.endsAt - i.effectiveAt)})`}
              </div>
              {i.reason !== undefined && <div className="field-error">{i.reason}</div>}
            </td>
            <td>
              <span className={`iv-status ${STATUS_CLASS[i.status] ?? ''}`}>{i.status.toLowerCase()}</span>
              {i.status === 'PENDING' && onCancel !== undefined && (
                <button
                  type="button"
                  className="ghost"
                  aria-label={`Cancel ${titleOf(i.action)} ${i.id}`}
                  onClick={() => onCancel(i.id)}
                >
                  Cancel
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
