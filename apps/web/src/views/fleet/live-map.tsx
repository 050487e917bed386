import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { TwinLiveVehicle } from '@doppel/client';
import { STATUS_COLOR, STATUS_TEXT_COLOR } from '../../lib/scales.js';
import { fitTransform, scaleBarMetres, toScreen } from './fleet-scene.js';
import { liveCounts, liveExtent, liveStatus } from './live-fleet.js';

const HEIGHT = 260;
/** Half the length of a vehicle's arrow, px: drawn at a fixed size so a fleet kilometres wide stays readable. */
const ARROW = 9;

/**
 * The mirrored vehicles seen from above: each where it was last measured, an arrow along its heading (filled when
 * live, hollow when stale), a dashed line to where the twin predicts it a few seconds later, its id beside it.
 */
export function LiveMap({ vehicles }: { vehicles: readonly TwinLiveVehicle[] }): ReactNode {
  const wrapRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const el = wrapRef.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, el.clientWidth)));
    ro.observe(el);
    setWidth(Math.max(200, el.clientWidth));
    return () => ro.disconnect();
  }, []);
  const extent = liveExtent(vehicles);
  const counts = liveCounts(vehicles);
  const horizon = vehicles[0]?.predicted.horizon_s ?? 3;
  const t = extent === null ? null : fitTransform(extent, width, HEIGHT, 40);
  const bar = t === null ? 0 : scaleBarMetres(t.scale);
  return (
    <div className="live-map" ref={wrapRef}>
      <svg
        width={width}
        height={HEIGHT}
        role="img"
        aria-label={`Map of the mirrored vehicles: ${counts.live} live, ${counts.stale} stale; dashed lines lead to where each is predicted ${horizon} s later`}
        data-testid="live-map"
      >
        {t !== null &&
          vehicles.map((v) => {
            const [x, y] = toScreen(t, v.measured.x_m, v.measured.y_m);
            const [px, py] = toScreen(t, v.predicted.x_m, v.predicted.y_m);
            const status = liveStatus(v);
            // Screen y points down: the heading turns the other way.
            const h = (-v.measured.heading_deg * Math.PI) / 180;
            const tip = [x + ARROW * Math.cos(h), y + ARROW * Math.sin(h)];
            const left = [x - ARROW * Math.cos(h) - 6 * Math.sin(h), y - ARROW * Math.sin(h) + 6 * Math.cos(h)];
            const right = [x - ARROW * Math.cos(h) + 6 * Math.sin(h), y - ARROW * Math.sin(h) - 6 * Math.cos(h)];
            return (
              <g key={v.vehicle_id} data-vehicle={v.vehicle_id} data-status={v.status}>
                <title>{`${v.vehicle_id}: ${v.status}, ${(v.measured.speed_mps * 3.6).toFixed(1)} km/h`}</title>
                <line x1={x} y1={y} x2={px} y2={py} stroke="#5d6670" strokeDasharray="4 4" strokeWidth={1} />
                <circle cx={px} cy={py} r={2.5} fill="#5d6670" />
                <polygon
                  points={[tip, left, right].map((p) => p.join(',')).join(' ')}
                  fill={status === 'ok' ? STATUS_COLOR[status] : '#ffffff'}
                  stroke={STATUS_TEXT_COLOR[status]}
                  strokeWidth={1.5}
                />
                <text x={x + 10} y={y - 8} className="live-map-label" fill={STATUS_TEXT_COLOR[status]}>
                  {v.vehicle_id}
                </text>
              </g>
            );
          })}
        {t !== null && (
          <g aria-hidden="true" className="live-map-scale">
            <path d={`M12 ${HEIGHT - 18} v4 h${bar * t.scale} v-4`} stroke="#1c2128" strokeWidth={2} fill="none" />
            <text x={18 + bar * t.scale} y={HEIGHT - 11}>{`${bar} m`}</text>
          </g>
        )}
      </svg>
      <p className="faint live-map-legend">
        <span aria-hidden="true" style={{ color: STATUS_TEXT_COLOR.ok }}>
          ▲
        </span>{' '}
        live ·{' '}
        <span aria-hidden="true" style={{ color: STATUS_TEXT_COLOR.offline }}>
          △
        </span>{' '}
        stale · dashed: predicted {horizon} s ahead
      </p>
    </div>
  );
}
