import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoppelApiError, DoppelClient } from '@doppel/client';
import { Catalog } from '@doppel/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doppel, tempDir } from './cli-helpers.js';
import { startTestServer, type TestServer } from './server-helpers.js';
import { startServerProcess } from './server-process.js';

/*
 * User-supplied driving-policy modules in the server's simulations: a file of the directory the operator names
 * (`doppel serve --policy-modules DIR`), hashed into the scenario, run in the simulation's worker.
 */

const TIME_GAP = readFileSync('examples/fleet/policies/time-gap.mjs', 'utf8');
const EXAMPLE = readFileSync('examples/fleet/policies/driving-policy.yaml', 'utf8');

/** The driving-policy example (CCRs at 50 km/h, AEB off) with the server's module `module`, or none. */
const scenario = (module: string | null): string =>
  module === null
    ? EXAMPLE.replace(/\n\s+policy:\n\s+module: .*\n/, '\n')
    : EXAMPLE.replace('./time-gap.mjs', JSON.stringify(module));

async function settled(
  client: DoppelClient,
  id: string,
  timeoutMs = 60_000,
): Promise<{ status: string; error: string | null }> {
  const start = Date.now();
  for (;;) {
    const now = await client.getSimulation(id);
    if (now.status === 'finished' || now.status === 'failed') return now;
    if (Date.now() - start > timeoutMs) throw new Error(`simulation ${id} still ${now.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface FleetSummary {
  pack_summary: { verdict: string; scores: { collision: boolean; min_gap_m: number } };
}

describe('user-supplied driving-policy modules on the server (--policy-modules DIR)', () => {
  let modules: string;
  let server: TestServer;

  beforeAll(async () => {
    modules = tempDir('server-policies');
    mkdirSync(modules, { recursive: true });
    writeFileSync(join(modules, 'time-gap.mjs'), TIME_GAP);
    writeFileSync(
      join(modules, 'loops.mjs'),
      TIME_GAP.replace('  decide(input) {', '  decide(input) {\n    if (input.t_s >= 1) for (;;);'),
    );
    writeFileSync(
      join(modules, 'throws.mjs'),
      TIME_GAP.replace('  decide(input) {', "  decide(input) {\n    if (input.t_s >= 1) throw new Error('boom');"),
    );
    writeFileSync(join(modules, 'lacks.mjs'), 'export const policy = { drive() { return null; } };\n');
    // Short enough for a test, long enough that a loaded machine's slow workers are not taken for hung ones (a
    // simulation running flat out beside a looping one on a busy machine can miss a few seconds of heartbeats).
    server = await startTestServer({ moduleDirs: { policy: modules }, limits: { workerHeartbeatTimeoutMs: 10_000 } });
  }, 60_000);

  afterAll(async () => {
    await server.close();
    rmSync(modules, { recursive: true, force: true });
  });

  it('the policy drives the vehicle: it stops for the stopped car the same car hits without it', async () => {
    const { client } = await server.account('driver');
    const guided = await client.createSimulation({ scenario: scenario('time-gap.mjs') });
    const plain = await client.createSimulation({ scenario: scenario(null) });
    await client.run(guided.id);
    await client.run(plain.id);
    expect(await settled(client, guided.id)).toMatchObject({ status: 'finished', error: null });
    expect(await settled(client, plain.id)).toMatchObject({ status: 'finished', error: null });
    const withPolicy = (await client.results(guided.id)) as unknown as FleetSummary;
    expect(withPolicy.pack_summary.verdict).toBe('pass');
    expect(withPolicy.pack_summary.scores.collision).toBe(false);
    expect(withPolicy.pack_summary.scores.min_gap_m).toBeGreaterThan(2);
    const without = (await client.results(plain.id)) as unknown as FleetSummary;
    expect(without.pack_summary.scores.collision).toBe(true);
  }, 120_000);

  it("the module's content is part of the scenario's identity", async () => {
    const { client } = await server.account('editor');
    const file = join(modules, 'edited.mjs');
    writeFileSync(file, TIME_GAP);
    const first = await client.createSimulation({ scenario: scenario('edited.mjs') });
    const again = await client.createSimulation({ scenario: scenario('edited.mjs') });
    writeFileSync(file, `${TIME_GAP}\n// edited\n`);
    const edited = await client.createSimulation({ scenario: scenario('edited.mjs') });
    expect(again.scenarioSha256).toBe(first.scenarioSha256);
    expect(edited.scenarioSha256).not.toBe(first.scenarioSha256);
  }, 60_000);

  it(
    'a policy that loops fails its simulation only: /health answers and another simulation finishes',
    { timeout: 120_000 },
    async () => {
      const { client } = await server.account('looper');
      const looping = await client.createSimulation({ scenario: scenario('loops.mjs') });
      const other = await client.createSimulation({ scenario: scenario('time-gap.mjs') });
      await client.run(looping.id);
      const failed = await settled(client, looping.id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain('The simulation stopped responding');
      expect(failed.error).toContain('its driving-policy module loops.mjs may never return');
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      await client.run(other.id);
      expect(await settled(client, other.id)).toMatchObject({ status: 'finished', error: null });
    },
  );

  it('a policy that throws fails its simulation naming the module, the call and the vehicle', async () => {
    const { client } = await server.account('thrower');
    const sim = await client.createSimulation({ scenario: scenario('throws.mjs') });
    await client.run(sim.id);
    const failed = await settled(client, sim.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('throws.mjs: decide() at t = 1.00 s for vehicle ego threw: boom');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 60_000);

  it('refuses, located (422), a module outside the directory, a missing one and one that is no policy', async () => {
    const { client } = await server.account('refused');
    const refusal = async (module: string): Promise<DoppelApiError> =>
      (await client
        .createSimulation({ scenario: scenario(module) })
        .catch((error: DoppelApiError) => error)) as DoppelApiError;
    const outside = await refusal('../time-gap.mjs');
    expect(outside.status).toBe(422);
    expect(outside.message).toContain('scenario.fleet.entities.ego.policy.module: "../time-gap.mjs" is outside');
    const missing = await refusal('nope.mjs');
    expect(missing.status).toBe(422);
    expect(missing.message).toContain('no driving-policy module "nope.mjs"');
    const lacks = await refusal('lacks.mjs');
    expect(lacks.status).toBe(422);
    expect(lacks.message).toContain('the policy lacks member `decide`');
    expect(lacks.message).toContain('DOPPEL_ERR_POLICY_MODULE_INVALID');
  }, 60_000);

  it("the seed's Twin API names a policy module with policy_module: it runs in the scenario, a missing one is 422", async () => {
    const { client } = await server.account('twin-api');
    const vehicle = await client.twin.createVehicle({ physical_vehicle_id: 'AV-007', model_type: 'sedan' });
    const created = await client.twin.createScenario({
      type: 'emergency_braking',
      vehicle_id: vehicle.id,
      initial_speed: 40,
      policy_module: 'throws.mjs',
    });
    // The module runs: the one that throws at 1 s fails the run, naming the module.
    const failed = (await client.twin
      .run(created.simulation_id)
      .catch((error: DoppelApiError) => error)) as DoppelApiError;
    expect(failed.status).toBeLessThan(500);
    expect(failed.message).toContain('throws.mjs: decide() at t = 1.00 s');
    const error = (await client.twin
      .createScenario({ type: 'emergency_braking', vehicle_id: vehicle.id, policy_module: 'nope.mjs' })
      .catch((caught: DoppelApiError) => caught)) as DoppelApiError;
    expect(error.status).toBe(422);
    expect(error.message).toContain('no driving-policy module "nope.mjs"');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 60_000);

  it('doppel serve --modules DIR serves its modules to the fleet pack; a directory that is not one is refused', async () => {
    const missing = doppel(['serve', '--no-demo', '--port', '0', '--policy-modules', join(modules, 'nope')]);
    expect(missing.status, missing.stderr).toBe(2);
    expect(missing.stderr).toContain('--policy-modules: expected a directory of driving-policy modules');
    const dataDir = tempDir('serve-modules');
    const catalog = Catalog.open(dataDir);
    const key = (await catalog.createAccount('operator', ['read', 'write'])).key;
    catalog.close();
    const served = await startServerProcess(dataDir, ['--modules', modules], 150_000);
    try {
      const client = served.client(key);
      const created = await client.createSimulation({ scenario: scenario('time-gap.mjs') });
      expect(created.status).toBe('ready');
      const error = (await client
        .createSimulation({ scenario: scenario('nope.mjs') })
        .catch((caught: DoppelApiError) => caught)) as DoppelApiError;
      expect(error.status).toBe(422);
      expect(error.message).toContain('no driving-policy module "nope.mjs"');
    } finally {
      await served.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
