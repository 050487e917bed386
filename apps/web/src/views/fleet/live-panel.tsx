import { useState, type ReactNode } from 'react';
import type { TwinLiveVehicle } from '@doppel/client';
import { useApi } from '../../api/context.js';
import { useAsync, useInterval } from '../../api/hooks.js';
import { ErrorView, Loading } from '../../components/states.js';
import { formatFixed, formatNumber } from '../../lib/format.js';
import { navigate } from '../../lib/router.js';
import { STATUS_GLYPH, STATUS_TEXT_COLOR } from '../../lib/scales.js';
import { ageText, linkText, liveCounts, liveStatus, SYNC_TARGET_MS } from './live-fleet.js';
import { LiveMap } from './live-map.js';

/** How often the panel reads the mirror, ms (vehicles report every 100 ms; a person reads once a second). */
const POLL_MS = 1000;

/**
 * The live fleet: the physical vehicles the twin mirrors, on a map and in a table with each one's last update, sync
 * latency and drift, the MQTT link's state, and "Fork what-if", which copies the mirror (or one vehicle) into a new
 * simulation, paused, and opens it to try a change.
 */
export function LivePanel(): ReactNode {
  const api = useApi();
  const live = useAsync(() => api.liveFleet(), [api]);
  useInterval(() => live.reload(), POLL_MS, true);
  const [forking, setForking] = useState<string | null>(null);
  const [forkError, setForkError] = useState<unknown>();

  const fork = async (vehicleId?: string): Promise<void> => {
    setForking(vehicleId ?? 'all');
    setForkError(undefined);
    try {
      const forked = await api.forkLive(vehicleId === undefined ? undefined : [vehicleId]);
      navigate({ view: 'fleet', simId: forked.simulation_id });
    } catch (e) {
      setForkError(e);
    } finally {
      setForking(null);
    }
  };

  const data = live.data;
  const vehicles = data?.vehicles ?? [];
  const counts = liveCounts(vehicles);
  const link = data === undefined ? null : linkText(data.link);
  return (
    <section className="panel live-panel" aria-label="Live fleet">
      <div className="live-head">
        <h2>Live fleet</h2>
        {link !== null && (
          <span className="live-link" data-link={data?.link.mqtt} style={{ color: STATUS_TEXT_COLOR[link.status] }}>
            <span aria-hidden="true">{STATUS_GLYPH[link.status]} </span>
            {link.text}
          </span>
        )}
        {vehicles.length > 0 && (
          <span className="faint">
            {counts.live} live · {counts.stale} stale
          </span>
        )}
        <span className="spacer" />
        {vehicles.length > 0 && (
          <button
            type="button"
            className="primary"
            disabled={forking !== null}
            onClick={() => void fork()}
            title="Copy every mirrored vehicle, as last measured, into a new simulation (paused) to try a change"
          >
            {forking === 'all' ? 'Forking…' : 'Fork what-if (all)'}
          </button>
        )}
      </div>
      {forkError !== undefined && <ErrorView error={forkError} title="Cannot fork the live fleet" />}
      {live.error !== undefined && (
        <ErrorView
          error={live.error}
          title={data === undefined ? 'Cannot read the live mirror' : 'Lost the server: showing the last update'}
        />
      )}
      {data === undefined ? (
        live.error === undefined && <Loading label="Reading the live mirror…" />
      ) : vehicles.length === 0 ? (
        <p className="faint live-empty">
          No vehicle is sending telemetry. A vehicle of the Twin API reports every 100 ms on MQTT topic{' '}
          <code>doppel/fleet/telemetry/&lt;vehicle id&gt;</code> or with{' '}
          <code>PUT /api/v1/twin/vehicles/&lt;vehicle id&gt;/telemetry</code>; it appears here with its sync latency.
        </p>
      ) : (
        <div className="live-body">
          <LiveMap vehicles={vehicles} />
          <div className="live-table-wrap">
            <table className="data live-table" aria-label="Mirrored vehicles">
              <thead>
                <tr>
                  <th scope="col">Vehicle</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Last update
                  </th>
                  <th scope="col" className="num">
                    Sync latency
                  </th>
                  <th scope="col" className="num">
                    Drift
                  </th>
                  <th scope="col" className="num">
                    Speed
                  </th>
                  <th scope="col" className="num">
                    Messages
                  </th>
                  <th scope="col">
                    <span className="sr-only">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {vehicles.map((v) => (
                  <LiveRow
                    key={v.vehicle_id}
                    vehicle={v}
                    busy={forking !== null}
                    forking={forking === v.vehicle_id}
                    onFork={() => void fork(v.vehicle_id)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

function LiveRow({
  vehicle: v,
  busy,
  forking,
  onFork,
}: {
  vehicle: TwinLiveVehicle;
  busy: boolean;
  forking: boolean;
  onFork: () => void;
}): ReactNode {
  const status = liveStatus(v);
  const late = v.sync_latency_ms > SYNC_TARGET_MS;
  return (
    <tr data-vehicle={v.vehicle_id} data-status={v.status}>
      <th scope="row">{v.vehicle_id}</th>
      <td style={{ color: STATUS_TEXT_COLOR[status] }}>
        <span aria-hidden="true">{STATUS_GLYPH[status]} </span>
        {v.status === 'live' ? 'Live' : 'Stale'}
      </td>
      <td className="num" data-field="age">
        {ageText(v.age_ms)} ago
      </td>
      <td className="num" data-field="latency" data-late={late}>
        {late && (
          <span aria-hidden="true" style={{ color: STATUS_TEXT_COLOR.warning }}>
            ▲{' '}
          </span>
        )}
        {ageText(v.sync_latency_ms)}
        {late && <span className="sr-only"> (over the {SYNC_TARGET_MS} ms target)</span>}
      </td>
      <td className="num" data-field="drift">
        {v.drift_m === null ? '—' : formatFixed(v.drift_m, 2, 'm')}
      </td>
      <td className="num" data-field="speed">
        {formatFixed(v.measured.speed_mps * 3.6, 1, 'km/h')}
      </td>
      <td className="num" data-field="messages">
        {formatNumber(v.accepted)}
        {v.refused > 0 && (
          <span style={{ color: STATUS_TEXT_COLOR.critical }}> · {formatNumber(v.refused)} refused</span>
        )}
      </td>
      <td>
        <button type="button" disabled={busy} onClick={onFork} aria-label={`Fork what-if from ${v.vehicle_id}`}>
          {forking ? 'Forking…' : 'Fork what-if'}
        </button>
      </td>
    </tr>
  );
}
