import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { testFmu } from '@doppel/bridge-fmi/testing';
import { DoppelApiError } from '@doppel/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultyScenario } from './fixtures/faulty-pack.js';
import type { DoppelClient, Simulation } from '@doppel/client';
import { startTestServer, type TestServer } from './server-helpers.js';

function paramNames(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z_]+)|(\*)/g)].map((match) => match[1] ?? '*');
}

async function waitForStatus(
  client: DoppelClient,
  id: string,
  status: string,
  timeoutMs = 60_000,
): Promise<Simulation> {
  const deadline = Date.now() + timeoutMs;
  let sim = await client.getSimulation(id);
  while (sim.status !== status && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    sim = await client.getSimulation(id);
  }
  return sim;
}

const faultyPackPath = fileURLToPath(new URL('./fixtures/faulty-pack.ts', import.meta.url));

describe('tenancy and limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers 404 for another account's ids on every route that takes one", async () => {
    const owner = await server.account('owner');
    const intruder = await server.account('intruder', ['read', 'write', 'admin']);
    const sim = await owner.client.createSimulation({ example: 'evening-peak' });
    await owner.client.runUntil(sim.id, 600);
    const record = await owner.client.patchAsset(sim.id, 'station', 'station_01', {
      action: 'trigger_outage',
      duration_seconds: 60,
      at: 900,
    });
    const breakpoint = await owner.client.addBreakpoint(sim.id, "station('station_01').queue_length > 5");
    const hook = await owner.client.createWebhook({ url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] });
    const vehicle = await owner.client.twin.createVehicle({ physical_vehicle_id: 'AV-1', model_type: 'sedan' });
    const test = await owner.client.tests.create(
      'doppel: 1\nscenario: { file: ../swap/city-10.yaml, seed: 1, duration: 1h }\nsteps: [{ advance: 10m }]\n',
    );
    const run = await owner.client.tests.run(test.id);
    const project = await owner.client.projects.create({ name: 'plant' });
    const model = await owner.client.projects.createModel(project.id, {
      name: 'tank',
      components: [{ id: 'tank', type: 'tank', properties: {} }],
    });
    const binding = await owner.client.bindings.create(model.id, {
      signal: 'tank.level',
      direction: 'output',
      endpoint: 'opc.tcp://127.0.0.1:4840',
      address: 'ns=1;s=Tank.Level',
    });
    const experiment = await owner.client.experiments.create(
      'seed: 1\nbase: { model: mmc, params: { lam: 1, mu: 1, c: 2, until: 100 } }\nreplications: 2\noutputs: [mean_wait]\n',
    );
    const fmu = await owner.client.fmus.upload(readFileSync(testFmu('lag')), 'lag.fmu');
    const values: Record<string, string> = {
      simId: sim.id,
      kind: 'station',
      assetId: 'station_01',
      interventionId: record.id,
      breakpointId: breakpoint.id,
      webhookId: hook.id,
      id: vehicle.id,
      testId: test.id,
      resultId: run.id,
      model_id: model.id,
      experimentId: experiment.id,
      bindingId: binding.id,
      fmuId: fmu.id,
    };
    // Model routes name the model `:id`, as vehicle routes name the vehicle.
    const valuesOf = (url: string): Record<string, string> =>
      url.startsWith('/api/v1/models/:id') ? { ...values, id: model.id } : values;
    // Packs, examples, docs and static files are shared by every account: they take no account-owned id.
    const shared = new Set(['pack', 'exampleId', '*']);
    const routes = server.context.routes.filter((route) => route.url.includes(':') || route.url.includes('*'));
    const owned = routes.filter((route) => !paramNames(route.url).some((name) => shared.has(name)));
    for (const route of owned) {
      const routeValues = valuesOf(route.url);
      const url = route.url.replace(/:([A-Za-z_]+)/g, (_, name: string) => encodeURIComponent(routeValues[name]));
      expect(routeValues, route.url).toMatchObject(
        Object.fromEntries(paramNames(route.url).map((n) => [n, expect.any(String)])),
      );
      const bodyless = route.method === 'GET' || route.method === 'HEAD' || route.method === 'DELETE';
      const response = await fetch(server.url + url, {
        method: route.method,
        headers: {
          authorization: `Bearer ${intruder.key}`,
          ...(bodyless ? {} : { 'content-type': 'application/json' }),
        },
        body: bodyless ? undefined : '{}',
      });
      expect(response.status, `${route.method} ${route.url}`).toBe(404);
    }
    expect(owned.length).toBeGreaterThan(30);
    expect(owned.map((route) => route.url)).toContain('/simulation/:simId/assets/:kind/:assetId');
    // The owner still sees everything.
    expect((await owner.client.getSimulation(sim.id)).id).toBe(sim.id);
    expect((await owner.client.interventions(sim.id)).map((item) => item.id)).toEqual([record.id]);
  });

  it('refuses missing keys, wrong scopes and private webhook URLs', async () => {
    const reader = await server.account('reader', ['read']);
    const denied = await reader.client.createSimulation({ example: 'city-10' }).catch((error: DoppelApiError) => error);
    expect((denied as DoppelApiError).code).toBe('DOPPEL_ERR_FORBIDDEN');
    const anonymous = await fetch(`${server.url}/api/v1/simulations`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { code: string }).code).toBe('DOPPEL_ERR_UNAUTHORIZED');
    const writer = await server.account('writer');
    const refused = await writer.client
      .createWebhook({ url: 'http://10.0.0.8/hook', eventTypes: ['*'] })
      .catch((error: DoppelApiError) => error);
    expect((refused as DoppelApiError).code).toBe('DOPPEL_ERR_WEBHOOK_URL_REFUSED');
    expect((refused as DoppelApiError).issues[0].path).toBe('body.url');
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After', async () => {
    const server = await startTestServer({ limits: { rateLimitMax: 5, rateLimitWindowMs: 60_000 } });
    try {
      const { client } = await server.account('busy');
      for (let i = 0; i < 5; i++) await client.listSimulations();
      const error = await client.listSimulations().catch((caught: DoppelApiError) => caught);
      expect(error).toBeInstanceOf(DoppelApiError);
      expect((error as DoppelApiError).status).toBe(429);
      expect((error as DoppelApiError).code).toBe('DOPPEL_ERR_RATE_LIMITED');
      expect((error as DoppelApiError).retryAfterS).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});

describe('account limits', () => {
  it('keeps an account within its live workers and its stored simulations', { timeout: 120_000 }, async () => {
    const server = await startTestServer({ limits: { maxLiveSimulationsPerAccount: 1, maxSimulationsPerAccount: 2 } });
    try {
      const { client } = await server.account('frugal');
      const a = await client.createSimulation({ example: 'city-10' });
      await client.runUntil(a.id, 1800);
      const b = await client.createSimulation({ example: 'city-10' });
      // Creating b unloaded a (idle): a comes back on demand, exactly where it was.
      expect(server.context.manager.isLoaded(a.id)).toBe(false);
      expect((await client.kpis(a.id)).simTime).toBe(1800);
      expect(server.context.manager.isLoaded(b.id)).toBe(false);
      const third = await client.createSimulation({ example: 'city-10' }).catch((error: DoppelApiError) => error);
      expect((third as DoppelApiError).code).toBe('DOPPEL_ERR_LIMIT_EXCEEDED');
      await client.deleteSimulation(b.id);
      expect((await client.createSimulation({ example: 'city-10' })).status).toBe('ready');
    } finally {
      await server.close();
    }
  });
});

describe('worker isolation', () => {
  it(
    'stops and fails a simulation that throws, hangs, spins or exhausts memory; the others carry on',
    { timeout: 180_000 },
    async () => {
      const server = await startTestServer({
        packModules: [faultyPackPath],
        // Hung workers are found after 10 s without a heartbeat: long enough for a healthy worker that four
        // misbehaving ones (and a busy machine) starve of CPU, as a slow worker is not a dead one.
        limits: { workerHeartbeatTimeoutMs: 10_000, maxEventsPerRun: 200_000, workerMemoryMb: 96 },
      });
      try {
        const { client } = await server.account('chaos');
        const healthy = await client.createSimulation({ example: 'evening-peak' });
        await client.run(healthy.id);
        const broken = await Promise.all(
          (['throw', 'hang', 'spin', 'memory'] as const).map((mode) =>
            client.createSimulation({ scenario: faultyScenario(mode), name: mode }),
          ),
        );
        await Promise.all(broken.map((sim) => client.run(sim.id)));
        for (const sim of broken) {
          const after = await waitForStatus(client, sim.id, 'failed');
          expect(after.status, sim.name).toBe('failed');
          expect(after.error, sim.name).toBeTruthy();
          const refused = await client.step(sim.id, { events: 1 }).catch((error: DoppelApiError) => error);
          expect((refused as DoppelApiError).code, sim.name).toBe('DOPPEL_ERR_SIMULATION_FAILED');
        }
        const finished = await waitForStatus(client, healthy.id, 'finished');
        expect(finished.status).toBe('finished');
        expect(finished.simTime).toBe(86_400);
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        expect(metrics).toMatch(/^doppel_failed_simulations_total 4$/m);
        const ok = await client.createSimulation({ scenario: faultyScenario('ok') });
        expect((await client.runUntil(ok.id, 3600)).status).toBe('finished');
      } finally {
        await server.close();
      }
    },
  );
});
