import type { ReactNode } from 'react';
import type { LedgerEvent } from '../../api/types.js';

/** The ledger events the lanes are drawn from (one request). */
export const LANE_EVENTS = [
  'PLAN_GENERATED',
  'PLAN_DELETED',
  'APPLY_STARTED',
  'APPLY_FINISHED',
  'CLEANUP_STARTED',
  'CLEANUP_FINISHED',
  'ENACTOR_STALLED',
  'ENACTOR_RESUMED',
  'ENACTOR_STUCK',
] as const;

/** A span of one Enactor's work (apply, clean-up, stall) or an instant (stuck). */
export interface LaneSpan {
  readonly kind: 'apply' | 'cleanup' | 'stall' | 'stuck';
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

export interface Lanes {
  readonly enactors: readonly { readonly id: string; readonly spans: readonly LaneSpan[] }[];
  readonly plans: readonly { readonly t: number; readonly generation: number }[];
  /** Plans deleted; `active` when a record set or an in-flight Enactor still referenced it. */
  readonly deletions: readonly { readonly t: number; readonly label: string; readonly active: boolean }[];
}

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);

/**
 * Folds a window of ledger events into lanes: an Enactor's start and finish events pair into spans (a span still
 * open at the window's end runs to it, one begun before the window starts at its start).
 */
export function buildLanes(events: readonly LedgerEvent[], from: number, to: number): Lanes {
  const open = new Map<string, { kind: LaneSpan['kind']; from: number; label: string }>();
  const spans = new Map<string, LaneSpan[]>();
  const plans: { t: number; generation: number }[] = [];
  const deletions: { t: number; label: string; active: boolean }[] = [];
  const push = (id: string, span: LaneSpan): void => {
    const list = spans.get(id) ?? [];
    list.push(span);
    spans.set(id, list);
  };
  const start = (id: string, kind: LaneSpan['kind'], t: number, label: string): void => {
    open.set(`${id}/${kind}`, { kind, from: t, label });
    if (!spans.has(id)) spans.set(id, []);
  };
  const end = (id: string, kind: LaneSpan['kind'], t: number, fallback: string): void => {
    const o = open.get(`${id}/${kind}`);
    open.delete(`${id}/${kind}`);
    push(id, { kind, from: o?.from ?? from, to: t, label: o?.label ?? fallback });
  };
  for (const e of events) {
    const meta = e.meta ?? {};
    const value = e.newValue ?? {};
    switch (e.eventType) {
      case 'PLAN_GENERATED':
        plans.push({ t: e.simTime, generation: num(value.newest_generation ?? meta.generation) });
        break;
      case 'PLAN_DELETED': {
        const active = num(meta.referenced_by) > 0 || num(meta.in_flight) > 0;
        const by = typeof meta.deleted_by === 'string' ? ` by ${meta.deleted_by}` : '';
        deletions.push({
          t: e.simTime,
          active,
          label: `plan ${num(meta.generation)} deleted${by}${active ? `: still referenced by ${num(meta.referenced_by)} record sets, ${num(meta.in_flight)} in flight` : ''}`,
        });
        break;
      }
      case 'APPLY_STARTED':
        start(e.assetId, 'apply', e.simTime, `apply plan ${num(value.plan_generation)}`);
        break;
      case 'APPLY_FINISHED':
        end(e.assetId, 'apply', e.simTime, 'apply');
        break;
      case 'CLEANUP_STARTED':
        start(e.assetId, 'cleanup', e.simTime, 'clean-up');
        break;
      case 'CLEANUP_FINISHED':
        end(e.assetId, 'cleanup', e.simTime, `clean-up (${num(meta.deleted)} deleted)`);
        break;
      case 'ENACTOR_STALLED':
        start(e.assetId, 'stall', e.simTime, 'stalled');
        break;
      case 'ENACTOR_RESUMED':
        end(e.assetId, 'stall', e.simTime, 'stalled');
        break;
      case 'ENACTOR_STUCK':
        // A stuck Enactor's apply ends there.
        end(e.assetId, 'apply', e.simTime, 'apply');
        push(e.assetId, {
          kind: 'stuck',
          from: e.simTime,
          to: e.simTime,
          label: 'stuck: a record set could not be written',
        });
        break;
      default:
        break;
    }
  }
  for (const [key, o] of open)
    push(key.slice(0, key.lastIndexOf('/')), { kind: o.kind, from: o.from, to, label: o.label });
  const enactors = [...spans.keys()]
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((id) => ({ id, spans: spans.get(id) ?? [] }));
  return { enactors, plans, deletions };
}

const ROW = 26;
const LEFT = 110;
const WIDTH = 900;

interface Props {
  readonly lanes: Lanes;
  readonly from: number;
  readonly to: number;
  /** The instant shown (a cursor). */
  readonly at: number;
  readonly violations: readonly { readonly id: string; readonly t: number; readonly label: string }[];
  readonly clock: (t: number) => string;
}

/** One lane per Enactor (apply, clean-up, stall, stuck), the plan generations and deletions, and the violations. */
export function EnactorLanes({ lanes, from, to, at, violations, clock }: Props): ReactNode {
  const span = Math.max(1, to - from);
  const x = (t: number): number => LEFT + ((WIDTH - LEFT - 10) * (Math.min(to, Math.max(from, t)) - from)) / span;
  const rows = lanes.enactors.length + 2;
  const height = rows * ROW + 26;
  const ticks = Array.from({ length: 7 }, (_, i) => from + (span * i) / 6);
  const violationRow = lanes.enactors.length + 1;
  return (
    <svg
      className="cp-lanes"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label={`Enactor lanes from ${clock(from)} to ${clock(to)}: ${lanes.enactors.length} Enactors, ${lanes.plans.length} plan generations, ${lanes.deletions.filter((d) => d.active).length} active plans deleted, ${violations.length} violations`}
    >
      {ticks.map((t) => (
        <g key={t}>
          <line className="grid" x1={x(t)} x2={x(t)} y1={0} y2={height - 20} />
          <text className="tick" x={x(t)} y={height - 6} textAnchor="middle">
            {clock(t)}
          </text>
        </g>
      ))}
      <text className="lane-label" x={4} y={17}>
        plans
      </text>
      {lanes.plans.map((p) => (
        <line key={`p${p.t}`} className="plan-tick" x1={x(p.t)} x2={x(p.t)} y1={5} y2={ROW - 5}>
          <title>{`plan ${p.generation} at ${clock(p.t)}`}</title>
        </line>
      ))}
      {lanes.deletions
        .filter((d) => d.active)
        .map((d) => (
          <path key={`d${d.t}${d.label}`} className="plan-deleted" d={`M ${x(d.t) - 5} 5 l 10 14 m 0 -14 l -10 14`}>
            <title>{`${clock(d.t)}: ${d.label}`}</title>
          </path>
        ))}
      {lanes.enactors.map((lane, i) => {
        const y = (i + 1) * ROW;
        return (
          <g key={lane.id}>
            <text className="lane-label" x={4} y={y + 17}>
              {lane.id}
            </text>
            <line className="lane-line" x1={LEFT} x2={WIDTH - 10} y1={y + ROW / 2} y2={y + ROW / 2} />
            {lane.spans.map((s, j) =>
              s.kind === 'stuck' ? (
                <path key={j} className="span-stuck" d={`M ${x(s.from)} ${y + 4} l 7 9 l -7 9 l -7 -9 z`}>
                  <title>{`${clock(s.from)}: ${s.label}`}</title>
                </path>
              ) : (
                <rect
                  key={j}
                  className={`span-${s.kind}`}
                  x={x(s.from)}
                  y={y + (s.kind === 'stall' ? 4 : 7)}
                  width={Math.max(2, x(s.to) - x(s.from))}
                  height={s.kind === 'stall' ? ROW - 8 : ROW - 14}
                  rx={2}
                >
                  <title>{`${lane.id} ${s.label}: ${clock(s.from)} → ${clock(s.to)}`}</title>
                </rect>
              ),
            )}
          </g>
        );
      })}
      <text className="lane-label" x={4} y={violationRow * ROW + 17}>
        violations
      </text>
      {violations.map((v) => (
        <path key={v.id} className="violation-mark" d={`M ${x(v.t)} ${violationRow * ROW + 4} l 7 9 l -7 9 l -7 -9 z`}>
          <title>{`${clock(v.t)}: ${v.label}`}</title>
        </path>
      ))}
      <line className="cursor" x1={x(at)} x2={x(at)} y1={0} y2={height - 20} />
    </svg>
  );
}
