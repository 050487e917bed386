import { useMemo, useState, type ReactNode } from 'react';
import type { InterventionInput } from '../api/api.js';
import type { AssetKindInfo, AssetView, JsonObject, SimSummary } from '../api/types.js';
import { ErrorView } from '../components/states.js';
import { SchemaForm } from '../components/schema-form-view.js';
import { clockLabel } from '../lib/clock-time.js';

interface Props {
  readonly sim: SimSummary;
  readonly time: number;
  readonly kindInfo: AssetKindInfo | undefined;
  readonly assets: readonly AssetView[];
  readonly selectedId: string | undefined;
  readonly error: unknown;
  readonly busy: boolean;
  readonly onCancel: () => void;
  readonly onBranch: (name: string, interventions: InterventionInput[]) => void;
}

/**
 * "Branch here": a new simulation with the same past up to the instant, and a change from then on (seed 000 §4.2:
 * rewind to 17:55, open reserve chargers, re-run). The change is any intervention the pack declares, on one asset
 * or on all of its kind.
 */
export function BranchDialog({
  sim,
  time,
  kindInfo,
  assets,
  selectedId,
  error,
  busy,
  onCancel,
  onBranch,
}: Props): ReactNode {
  const clock = clockLabel(sim, time);
  const defs = kindInfo?.interventions ?? [];
  const [name, setName] = useState(`${sim.name} · branch at ${clock}`);
  const [action, setAction] = useState(
    () => defs.find((d) => d.name === 'open_reserve_chargers')?.name ?? defs[0]?.name ?? '',
  );
  const [target, setTarget] = useState<string>(selectedId ?? '__all__');
  const def = useMemo(() => defs.find((d) => d.name === action), [defs, action]);
  const sorted = useMemo(() => [...assets].sort((a, b) => a.id.localeCompare(b.id)), [assets]);

  const submit = (args: Record<string, unknown> | null): void => {
    const ids = target === '__none__' ? [] : target === '__all__' ? sorted.map((a) => a.id) : [target];
    const interventions: InterventionInput[] =
      args === null || def === undefined
        ? []
        : ids.map((assetId) => ({
            kind: kindInfo?.kind ?? '',
            assetId,
            action: def.name,
            args: args as JsonObject,
            at: time,
          }));
    onBranch(name, interventions);
  };

  return (
    <div className="modal-backdrop" role="presentation" onClick={onCancel}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={`Branch at ${clock}`}
        onClick={(e) => e.stopPropagation()}
      >
        <header className="row">
          <h2>Branch at {clock}</h2>
          <span className="spacer" />
          <button type="button" className="ghost" aria-label="Close" onClick={onCancel}>
            ✕
          </button>
        </header>
        <p className="muted">
          A new simulation shares this one's past up to {clock}, then runs with the change below. Compare them side by
          side afterwards.
        </p>
        <label className="field">
          Name
          <input value={name} onChange={(e) => setName(e.currentTarget.value)} aria-label="Branch name" />
        </label>
        <div className="row">
          <label className="field">
            Change
            <select
              aria-label="Intervention for the branch"
              value={action}
              onChange={(e) => setAction(e.currentTarget.value)}
            >
              {defs.map((d) => (
                <option key={d.name} value={d.name}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            On
            <select aria-label="Apply to" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
              <option value="__all__">
                every {kindInfo?.kind ?? 'asset'} ({sorted.length})
              </option>
              <option value="__none__">nothing (same run, new branch)</option>
              {sorted.map((a) => (
                <option key={a.id} value={a.id}>
                  {String(a.state.name ?? a.id)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {def !== undefined && <p className="faint">{def.description}</p>}
        {error !== undefined && <ErrorView error={error} title="Branch failed" />}
        {def !== undefined && target !== '__none__' ? (
          <SchemaForm
            key={def.name}
            idPrefix={`branch-${def.name}`}
            schema={def.schema}
            submitLabel="Create branch"
            disabled={busy}
            onSubmit={(args) => submit(args)}
          />
        ) : (
          <button type="button" className="primary" disabled={busy} onClick={() => submit(null)}>
            Create branch
          </button>
        )}
      </div>
    </div>
  );
}
