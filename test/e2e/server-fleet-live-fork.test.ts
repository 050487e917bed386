import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DoppelApiError, type DoppelClient } from '@doppel/client';
import { Catalog } from '@doppel/server';
import { startPeer, serviceAvailable, type PeerProcess } from '@doppel/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './cli-helpers.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

const BROKER = 'mqtt://127.0.0.1:1883';
const demo = fileURLToPath(new URL('../../examples/fleet/physical-vehicles.mjs', import.meta.url));

const available = await serviceAvailable('Mosquitto', 1883, 'the what-if fork of the live fleet');

const until = async (check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** The refusal of a call: status, code and the paths of its issues. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; code: string; paths: string[] }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof DoppelApiError)) throw error;
    return { status: error.status, code: error.code, paths: (error.problem?.issues ?? []).map((i) => i.path) };
  }
  throw new Error('the call was not refused');
}

interface VehicleAsset {
  x_m: number;
  y_m: number;
  heading_deg: number;
  speed_mps: number;
  model_type: string;
}

const dataDir = tempDir('fleet-live-fork');
let server: ServerProcess;
let opsKey: string;
let ops: DoppelClient;
let other: DoppelClient;
let peer: PeerProcess | null = null;

describe.skipIf(!available)('forking the live mirror into a what-if simulation', () => {
  beforeAll(async () => {
    const catalog = Catalog.open(dataDir);
    opsKey = (await catalog.createAccount('fleet-ops', ['read', 'write'])).key;
    const otherKey = (await catalog.createAccount('other-fleet', ['read', 'write'])).key;
    catalog.close();
    server = await startServerProcess(dataDir, ['--mqtt-url', BROKER], 120_000);
    ops = server.client(opsKey);
    other = server.client(otherKey);
  }, 150_000);
  afterAll(async () => {
    await peer?.stop();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('copies the vehicles a publisher process streams over MQTT, and a change tried on the copy leaves the mirror alone', async () => {
    const car = await ops.twin.createVehicle({ physical_vehicle_id: 'AV-301', model_type: 'sedan' });
    const truck = await ops.twin.createVehicle({ physical_vehicle_id: 'AV-302', model_type: 'truck' });
    const silent = await ops.twin.createVehicle({ physical_vehicle_id: 'AV-303', model_type: 'van' });

    // Nothing mirrored yet: nothing to fork, said at the request field.
    expect(await refusal(ops.twin.forkLive())).toEqual({
      status: 422,
      code: 'DOPPEL_ERR_VALIDATION',
      paths: ['body.vehicle_ids'],
    });

    // The mirror says how it is fed: the broker, never its credentials.
    expect((await ops.twin.live()).link).toMatchObject({ mqtt: 'connected', broker: BROKER });

    peer = await startPeer(demo, ['--url', BROKER, '--vehicles', `${car.id},${truck.id}`, '--seconds', '0']);
    await until(async () => {
      const live = await ops.twin.live();
      return live.vehicles.length === 2 && live.vehicles.every((v) => v.accepted >= 5 && v.status === 'live');
    });

    const fork = await ops.twin.forkLive({ duration_s: 6 });
    expect(fork.scenario).toEqual({ type: 'live_fork', weather: 'dry', duration_s: 6, seed: 1 });
    expect(fork.vehicles.map((v) => [v.vehicle_id, v.model_type, v.status])).toEqual([
      [car.id, 'sedan', 'live'],
      [truck.id, 'truck', 'live'],
    ]);
    for (const v of fork.vehicles) expect(v.age_ms).toBeLessThan(1_000);

    // The copy starts paused at its fork instant, each vehicle where, as and how fast it was measured.
    const sim = await ops.getSimulation(fork.simulation_id);
    expect(sim.simTime).toBe(0);
    expect(Date.parse(sim.startIso)).toBe(Date.parse(fork.forked_at));
    for (const measured of fork.vehicles) {
      const state = (await ops.asset(fork.simulation_id, 'vehicle', measured.vehicle_id))
        .state as unknown as VehicleAsset;
      expect(state.model_type).toBe(measured.model_type);
      expect(state.x_m).toBeCloseTo(measured.x_m, 1);
      expect(state.y_m).toBeCloseTo(measured.y_m, 1);
      expect(state.speed_mps).toBeCloseTo(measured.speed_mps, 1);
    }

    // What if the car braked now? The change goes to the copy, which runs to a verdict.
    await ops.intervene(fork.simulation_id, {
      assetId: car.id,
      action: 'external_command',
      args: { accel_mps2: -6 },
    });
    const results = await ops.twin.run(fork.simulation_id);
    expect(results).toMatchObject({ status: 'finished', scenario_type: 'live_fork', verdict: 'pass' });
    const braked = (await ops.asset(fork.simulation_id, 'vehicle', car.id)).state as unknown as VehicleAsset;
    const cruising = (await ops.asset(fork.simulation_id, 'vehicle', truck.id)).state as unknown as VehicleAsset;
    expect(braked.speed_mps).toBe(0);
    expect(cruising.speed_mps).toBeGreaterThan(5);
    // The physical car never braked: the mirror still follows it at its own speed.
    const mirrored = (await ops.twin.live()).vehicles.find((v) => v.vehicle_id === car.id);
    expect(mirrored).toMatchObject({ status: 'live', measured: { speed_mps: 8 } });

    // One vehicle by name, and every wrong name located.
    const one = await ops.twin.forkLive({ vehicle_ids: [truck.id] });
    expect(one.vehicles.map((v) => v.vehicle_id)).toEqual([truck.id]);
    expect(await refusal(ops.twin.forkLive({ vehicle_ids: ['twin-999', silent.id, truck.id, truck.id] }))).toEqual({
      status: 422,
      code: 'DOPPEL_ERR_VALIDATION',
      paths: ['body.vehicle_ids.0', 'body.vehicle_ids.1', 'body.vehicle_ids.3'],
    });
    // Another account's vehicle is no vehicle of this one (and its mirror is not this account's to fork).
    expect(await refusal(other.twin.forkLive({ vehicle_ids: [car.id] }))).toMatchObject({
      status: 422,
      paths: ['body.vehicle_ids.0'],
    });
    expect(await refusal(other.twin.forkLive())).toMatchObject({ status: 422, paths: ['body.vehicle_ids'] });
  }, 90_000);

  it('refuses a malformed fork request with the field named, never a server error', async () => {
    const post = async (body: string) => {
      const response = await fetch(`${server.url}/api/v1/twin/live/fork`, {
        method: 'POST',
        headers: { authorization: `Bearer ${opsKey}`, 'content-type': 'application/json' },
        body,
      });
      return { status: response.status, text: await response.text() };
    };
    for (const [body, field] of [
      ['{"duration_s": 0}', 'duration_s'],
      ['{"duration_s": 601}', 'duration_s'],
      ['{"vehicle_ids": []}', 'vehicle_ids'],
      ['{"vehicle_ids": "twin-001"}', 'vehicle_ids'],
      ['{"weather": "hail"}', 'weather'],
      ['{"colour": "red"}', 'colour'],
    ] as const) {
      const { status, text } = await post(body);
      expect(status, body).toBe(422);
      expect(text, body).toContain(field);
    }
    expect((await post('{not json')).status).toBe(400);
  }, 30_000);
});
