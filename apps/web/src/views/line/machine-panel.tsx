import { useMemo, type ReactNode } from 'react';
import { useAssetLedger } from '../../state/use-asset-ledger.js';
import type { AssetKindInfo, AssetView, SimSummary } from '../../api/types.js';
import { ErrorView, Loading } from '../../components/states.js';
import { formatKpi, humanize, simClock } from '../../lib/format.js';
import { MACHINE_GLYPH, machineColor } from '../../lib/scales.js';
import type { SimSession } from '../../state/use-sim.js';
import { InterventionConsole } from '../city/intervention-console.js';

export interface StatePeriod {
  readonly from: number;
  readonly to: number;
  readonly state: string;
}

/** Periods of each machine state from its ledger (events whose newValue carries `state`). */
export function statePeriods(
  events: readonly { simTime: number; newValue: Record<string, unknown> | null }[],
  end: number,
): StatePeriod[] {
  const out: StatePeriod[] = [];
  let state: string | null = null;
  let from = 0;
  for (const e of events) {
    const s = e.newValue?.state;
    if (typeof s !== 'string' || s === state) continue;
    if (state !== null && e.simTime > from) out.push({ from, to: e.simTime, state });
    state = s;
    from = e.simTime;
  }
  if (state !== null && end > from) out.push({ from, to: end, state });
  return out;
}

const OEE_KEYS = ['availability', 'performance', 'quality', 'oee'];

/** A machine: its state, OEE (A, P, Q), its state timeline and its interventions. */
export function MachinePanel({
  sim,
  session,
  asset,
  kindInfo,
  onClose,
}: {
  sim: SimSummary;
  session: SimSession;
  asset: AssetView;
  kindInfo: AssetKindInfo | undefined;
  onClose: () => void;
}): ReactNode {
  const ledger = useAssetLedger(sim.id, asset.id, sim.headSeq);
  const periods = useMemo(() => statePeriods(ledger.events, sim.simTime), [ledger.events, sim.simTime]);
  const state = typeof asset.state.state === 'string' ? asset.state.state : '?';
  const kpis = asset.kpis ?? {};
  const oee = OEE_KEYS.map((k) => [k, Object.keys(kpis).find((n) => n === k || n.startsWith(`${k}_`))] as const);
  const span = Math.max(1, sim.durationS);
  const pct = (t: number): string => `${(t / span) * 100}%`;
  return (
    <aside className="drawer" aria-label={`Machine ${asset.id}`}>
      <header className="drawer-head">
        <div>
          <h2>{asset.id}</h2>
          <span className="status-badge" style={{ color: machineColor(state) }}>
            {MACHINE_GLYPH[state] ?? '?'} {state}
          </span>
        </div>
        <button type="button" className="ghost" aria-label="Close machine panel" onClick={onClose}>
          ✕
        </button>
      </header>
      <div className="kpi-grid compact" aria-label="OEE">
        {oee.map(([label, key]) => (
          <div key={label} className="kpi">
            <div className="label">
              {label === 'oee' ? 'OEE' : `${label.charAt(0).toUpperCase()} · ${humanize(label)}`}
            </div>
            <div className="value">{key === undefined ? '—' : formatKpi(kpis[key], 'fraction')}</div>
          </div>
        ))}
      </div>
      <h3>State timeline</h3>
      {ledger.error !== undefined && <ErrorView error={ledger.error} />}
      {ledger.loading && ledger.events.length === 0 ? (
        <Loading />
      ) : (
        <div className="history-strip tall" role="img" aria-label={`State timeline of ${asset.id}`}>
          {periods.map((p, i) => (
            <div
              key={i}
              className="hs-period"
              title={`${p.state} ${simClock(sim.startIso, p.from, sim.timeZone).time}–${simClock(sim.startIso, p.to, sim.timeZone).time}`}
              style={{ left: pct(p.from), width: pct(p.to - p.from), background: machineColor(p.state) }}
            />
          ))}
          {session.viewTime !== null && <div className="hs-marker" style={{ left: pct(session.viewTime) }} />}
        </div>
      )}
      <div className="row faint legend-inline">
        {['EXECUTE', 'STARVED', 'BLOCKED', 'JAMMED', 'DOWN'].map((s) => (
          <span key={s} style={{ color: machineColor(s) }}>
            {MACHINE_GLYPH[s]} {s}
          </span>
        ))}
      </div>
      <table className="data">
        <tbody>
          {Object.entries(kpis)
            .slice(0, 14)
            .map(([k, v]) => (
              <tr key={k}>
                <td>{humanize(k)}</td>
                <td className="num">{formatKpi(v, kindInfo?.kpis.find((x) => x.name === k)?.unit ?? '')}</td>
              </tr>
            ))}
        </tbody>
      </table>
      <InterventionConsole sim={sim} asset={asset} kindInfo={kindInfo} onApplied={() => session.refresh()} />
    </aside>
  );
}
