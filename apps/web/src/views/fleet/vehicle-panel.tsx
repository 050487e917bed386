import type { ReactNode } from 'react';
import type { AssetView, JsonObject } from '../../api/types.js';
import { formatFixed, formatNumber } from '../../lib/format.js';
import { STATUS_GLYPH, STATUS_TEXT_COLOR } from '../../lib/scales.js';
import { kmh, ttcText, VEHICLE_STATUS_LABEL, type SceneVehicle } from './fleet-scene.js';

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function obj(v: unknown): JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {};
}

function fixed(v: unknown, digits: number, unit: string): string {
  const n = num(v);
  return n === null ? '—' : formatFixed(n, digits, unit);
}

/** Faults of one sensor in words; "healthy" when none. */
export function sensorFaultText(f: JsonObject): string {
  const out: string[] = [];
  if (f.dropout === true) out.push('dropout');
  if (f.frozen === true) out.push('frozen');
  const br = num(f.bias_range_m) ?? 0;
  const bb = num(f.bias_bearing_deg) ?? 0;
  if (br !== 0 || bb !== 0) out.push(`bias ${br} m / ${bb}°`);
  return out.length === 0 ? 'healthy' : out.join(', ');
}

/**
 * The selected vehicle: motion and AEB readouts, commands against what the actuators deliver, each sensor with its
 * reach and faults, and the detections it reports now.
 */
export function VehiclePanel({ asset, vehicle }: { asset: AssetView; vehicle: SceneVehicle }): ReactNode {
  const s = asset.state;
  const commands = obj(s.commands);
  const actuators = obj(s.actuators);
  const faults = obj(s.sensor_faults);
  const actuatorFaults = obj(s.actuator_faults);
  const detections = Array.isArray(s.detections) ? s.detections.map(obj) : [];
  const reach = (id: string): string => {
    const cone = vehicle.cones.find((c) => c.sensor === id);
    return cone === undefined ? '—' : `${formatNumber(cone.range)} m · ${formatNumber((cone.fovRad * 180) / Math.PI)}°`;
  };
  return (
    <section className="panel vehicle-panel" aria-label={`Vehicle ${asset.id}`}>
      <header className="drawer-head">
        <div>
          <h2>
            {asset.id} <span className="faint">{String(s.model_type ?? '')}</span>
          </h2>
          <span className="status-badge" style={{ color: STATUS_TEXT_COLOR[vehicle.status] }}>
            <span aria-hidden="true">{STATUS_GLYPH[vehicle.status]} </span>
            {VEHICLE_STATUS_LABEL[vehicle.status]}
          </span>
        </div>
      </header>
      <div className="kpi-grid compact" role="group" aria-label="Readouts">
        <Readout label="Speed" value={kmh(vehicle.speedMps)} testId="vehicle-speed" />
        <Readout label="Accel." value={fixed(s.accel_mps2, 2, 'm/s²')} />
        <Readout label="TTC" value={ttcText(vehicle.ttcS)} testId="vehicle-ttc" />
        <Readout label="AEB" value={vehicle.aeb} testId="vehicle-aeb" />
        <Readout label="Lane" value={String(num(s.lane) ?? '—')} />
        <Readout label="Lead" value={typeof s.lead === 'string' ? s.lead : '—'} />
        <Readout label="Distance" value={fixed(s.odometer_m, 0, 'm')} />
        <Readout label="Energy" value={fixed(s.energy_kwh, 3, 'kWh')} />
      </div>
      <table className="data compact" aria-label="Actuators">
        <thead>
          <tr>
            <th>Actuator</th>
            <th className="num">Command</th>
            <th className="num">Delivered</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>Throttle</td>
            <td className="num">{fixed(commands.throttle, 2, '')}</td>
            <td className="num">{fixed(actuators.throttle, 2, '')}</td>
          </tr>
          <tr>
            <td>Brake</td>
            <td className="num">{fixed(commands.brake, 2, '')}</td>
            <td className="num">{fixed(actuators.brake, 2, '')}</td>
          </tr>
          <tr>
            <td>Steering</td>
            <td className="num">{fixed(commands.steer_deg, 1, '°')}</td>
            <td className="num">{fixed(actuators.steer_deg, 1, '°')}</td>
          </tr>
        </tbody>
      </table>
      <p className="faint">
        Brake effectiveness {fixed(num(actuatorFaults.brake_effectiveness) ?? 1, 2, '')}
        {num(actuatorFaults.stuck_throttle) !== null &&
          ` · throttle stuck at ${fixed(actuatorFaults.stuck_throttle, 2, '')}`}
      </p>
      <table className="data compact" aria-label="Sensors">
        <thead>
          <tr>
            <th>Sensor</th>
            <th className="num">Reach</th>
            <th>State</th>
            <th className="num">Detections</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(faults)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([id, f]) => {
              const text = sensorFaultText(obj(f));
              return (
                <tr key={id} data-sensor={id}>
                  <td>{id}</td>
                  <td className="num">{reach(id)}</td>
                  <td className={text === 'healthy' ? undefined : 'fault'}>
                    {text === 'healthy' ? '● healthy' : `✕ ${text}`}
                  </td>
                  <td className="num">{detections.filter((d) => d.sensor === id).length}</td>
                </tr>
              );
            })}
        </tbody>
      </table>
      <table className="data compact" aria-label="Detections">
        <caption>Detections now</caption>
        <thead>
          <tr>
            <th>Sensor</th>
            <th>Object</th>
            <th className="num">Range</th>
            <th className="num">Bearing</th>
            <th className="num">Closing</th>
          </tr>
        </thead>
        <tbody>
          {detections.length === 0 ? (
            <tr>
              <td colSpan={5} className="faint">
                Nothing detected.
              </td>
            </tr>
          ) : (
            detections.map((d, i) => (
              <tr key={`${String(d.track)}-${i}`}>
                <td>{String(d.sensor)}</td>
                <td>
                  {d.object_id === null ? `ghost (${String(d.cls)})` : `${String(d.object_id)} (${String(d.cls)})`}
                </td>
                <td className="num">{fixed(d.range_m, 1, 'm')}</td>
                <td className="num">{fixed(d.bearing_deg, 1, '°')}</td>
                <td className="num">{fixed(-(num(d.range_rate_mps) ?? 0), 1, 'm/s')}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}

function Readout({ label, value, testId }: { label: string; value: string; testId?: string }): ReactNode {
  return (
    <div className="kpi mini">
      <div className="label">{label}</div>
      <div className="value" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
