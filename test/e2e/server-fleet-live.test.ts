import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Catalog } from '@doppel/server';
import { startPeer, serviceAvailable } from '@doppel/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './cli-helpers.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

const BROKER = 'mqtt://127.0.0.1:1883';
const demo = fileURLToPath(new URL('../../examples/fleet/physical-vehicles.mjs', import.meta.url));
const publisher = fileURLToPath(new URL('../../packages/bridges/mqtt/test/publish-peer.ts', import.meta.url));

const available = await serviceAvailable('Mosquitto', 1883, 'the fleet live mirror test');

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const dataDir = tempDir('fleet-live');
let server: ServerProcess;
let key: string;

const metric = (text: string, line: RegExp): number => Number(line.exec(text)?.[1] ?? 0);
const metrics = async (): Promise<string> => (await fetch(`${server.url}/metrics`)).text();

describe.skipIf(!available)('the twin mirrors physical vehicles (MQTT and the Twin API)', () => {
  beforeAll(async () => {
    const catalog = Catalog.open(dataDir);
    key = (await catalog.createAccount('fleet-ops', ['read', 'write'])).key;
    catalog.close();
    server = await startServerProcess(dataDir, ['--mqtt-url', BROKER], 120_000);
  }, 150_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('mirrors a publisher process over MQTT at 10 Hz, refuses bad and late messages, marks a silent vehicle stale', async () => {
    const rest = server.client(key);
    const a = await rest.twin.createVehicle({ physical_vehicle_id: 'AV-101', model_type: 'sedan' });
    const b = await rest.twin.createVehicle({ physical_vehicle_id: 'AV-102', model_type: 'van' });
    const peer = await startPeer(demo, ['--url', BROKER, '--vehicles', `${a.id},${b.id}`, '--seconds', '0']);
    expect(peer.ready).toEqual({ publishing: [a.id, b.id] });
    await until(async () => {
      const live = await rest.twin.live();
      return live.vehicles.length === 2 && live.vehicles.every((v) => v.accepted >= 10 && v.status === 'live');
    });
    const { vehicles } = await rest.twin.live();
    for (const v of vehicles) {
      expect(v).toMatchObject({ origin: 'live', status: 'live', refused: 0 });
      expect(v.age_ms).toBeLessThan(1_000);
      expect(v.sync_latency_ms).toBeGreaterThanOrEqual(0);
      // On its circle the vehicle's speed is what it sent; a constant-speed prediction drifts by centimetres.
      expect(v.drift_m).not.toBeNull();
      expect(v.drift_m as number).toBeLessThan(0.5);
      expect(v.predicted.horizon_s).toBe(3);
      const h = (v.measured.heading_deg * Math.PI) / 180;
      expect(v.predicted.x_m).toBeCloseTo(v.measured.x_m + 3 * v.measured.speed_mps * Math.cos(h), 1);
    }
    let text = await metrics();
    expect(
      metric(text, /doppel_fleet_sync_latency_seconds\{quantile="0\.5",transport="mqtt"\} ([\d.e-]+)/),
    ).toBeGreaterThan(0);
    expect(text).toMatch(/doppel_fleet_sync_latency_seconds\{quantile="0\.99",transport="mqtt"\} [\d.e-]+/);
    expect(metric(text, /doppel_fleet_mirrored_vehicles\{status="live"\} (\d+)/)).toBe(2);

    // Malformed, unknown and out-of-order messages: refused, counted, the mirrored state untouched.
    await peer.stop();
    await until(async () => (await rest.twin.live()).vehicles.every((v) => v.status === 'stale'), 10_000);
    const before = (await rest.twin.live()).vehicles.find((v) => v.vehicle_id === a.id)!;
    const topic = `doppel/fleet/telemetry/${a.id}`;
    const good = '"x_m": 1, "y_m": 2, "heading_deg": 0, "speed_mps": 3';
    const sent = await startPeer(publisher, [
      BROKER,
      topic,
      'not json',
      topic,
      `{"ts": {now}, "state": {${good}, "speed_mps": -4}}`,
      topic,
      `{"ts": ${before.ts - 500}, "state": {${good}}}`,
      `doppel/fleet/telemetry/twin-999`,
      `{"ts": {now}, "state": {${good}}}`,
    ]);
    await sent.stop();
    await until(async () => {
      const t = await metrics();
      return (
        metric(t, /doppel_fleet_telemetry_total\{transport="mqtt",result="not_json"\} (\d+)/) >= 1 &&
        metric(t, /doppel_fleet_telemetry_total\{transport="mqtt",result="bad_field"\} (\d+)/) >= 1 &&
        metric(t, /doppel_fleet_telemetry_total\{transport="mqtt",result="out_of_order"\} (\d+)/) >= 1 &&
        metric(t, /doppel_fleet_telemetry_total\{transport="mqtt",result="unknown_vehicle"\} (\d+)/) >= 1
      );
    });
    const after = (await rest.twin.live()).vehicles.find((v) => v.vehicle_id === a.id)!;
    expect(after.ts).toBe(before.ts);
    expect(after.measured).toEqual(before.measured);
    expect(after.accepted).toBe(before.accepted);
    expect(after.refused).toBe(2);
    expect(after.status).toBe('stale');
    text = await metrics();
    expect(metric(text, /doppel_fleet_mirrored_vehicles\{status="stale"\} (\d+)/)).toBe(2);
  }, 120_000);

  it('takes telemetry over PUT /api/v1/twin/vehicles/{id}/telemetry with the same checks', async () => {
    const rest = server.client(key);
    const v = await rest.twin.createVehicle({ physical_vehicle_id: 'AV-201', model_type: 'truck' });
    const url = `${server.url}/api/v1/twin/vehicles/${v.id}/telemetry`;
    const put = (body: unknown, vehicleUrl = url) =>
      fetch(vehicleUrl, {
        method: 'PUT',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ts = Date.now();
    const first = await rest.twin.putTelemetry(v.id, {
      ts,
      x_m: 0,
      y_m: 0,
      heading_deg: 0,
      speed_mps: 10,
      accel_mps2: -2,
    });
    expect(first).toMatchObject({ vehicle_id: v.id, origin: 'live', status: 'live', accepted: 1, drift_m: null });
    // Braking at 2 m/s² from 10 m/s: 3 s later it has covered 21 m and slowed to 4 m/s.
    expect(first.predicted).toEqual({ horizon_s: 3, x_m: 21, y_m: 0, speed_mps: 4 });
    const second = await rest.twin.putTelemetry(v.id, {
      ts: ts + 100,
      x_m: 1.2,
      y_m: 0,
      heading_deg: 0,
      speed_mps: 9.8,
    });
    // Predicted from the first sample for 100 ms later: 0.99 m; measured 1.2 m.
    expect(second.drift_m).toBeCloseTo(0.21, 5);

    const late = await put({ ts, x_m: 50, y_m: 50, heading_deg: 0, speed_mps: 1 });
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await late.json()).toMatchObject({ code: 'DOPPEL_ERR_OUT_OF_ORDER', issues: [{ path: 'body.ts' }] });
    const malformed = await put({ ts: ts + 200, x_m: 'far', y_m: 0, heading_deg: 0, speed_mps: 1 });
    expect(malformed.status).toBe(422);
    expect(JSON.stringify(await malformed.json())).toContain('x_m');
    const extra = await put({ ts: ts + 200, x_m: 0, y_m: 0, heading_deg: 0, speed_mps: 1, colour: 'red' });
    expect(extra.status).toBe(422);
    const unknown = await put(
      { ts: ts + 200, x_m: 0, y_m: 0, heading_deg: 0, speed_mps: 1 },
      `${server.url}/api/v1/twin/vehicles/twin-999/telemetry`,
    );
    expect(unknown.status).toBe(404);
    const state = (await rest.twin.live()).vehicles.find((x) => x.vehicle_id === v.id)!;
    expect(state).toMatchObject({ ts: ts + 100, accepted: 2, measured: { x_m: 1.2, speed_mps: 9.8 } });
    const text = await metrics();
    expect(metric(text, /doppel_fleet_telemetry_total\{transport="http",result="accepted"\} (\d+)/)).toBe(2);
    expect(metric(text, /doppel_fleet_telemetry_total\{transport="http",result="out_of_order"\} (\d+)/)).toBe(1);
    expect(text).toMatch(/doppel_fleet_sync_latency_seconds\{quantile="0\.99",transport="http"\} [\d.e-]+/);
  }, 60_000);
});
