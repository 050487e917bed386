import type { LedgerEvent, SimulationEvent, StreamMessage } from '@doppel/client';
import { DoppelApiError } from '@doppel/client';
import { verifyWebhook } from '@doppel/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTestServer, waitFor, type TestServer } from './server-helpers.js';

const SEED_BODY = {
  action: 'inject_fault',
  target: 'charger_03',
  fault_type: 'connector_lock_failure',
  duration_seconds: 1200,
};

describe('server flow over a real socket', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('create, run, inject the seed fault: seen in state, ledger, WebSocket and a signed webhook', async () => {
    const { client } = await server.account('ops');
    const receiver = await startReceiver(1);
    const sim = await client.createSimulation({ example: 'evening-peak' });
    expect(sim.status).toBe('ready');
    const hook = await client.createWebhook({
      url: receiver.url,
      eventTypes: ['FAULT_INJECTED'],
      simulationId: sim.id,
    });
    expect(hook.secret).toMatch(/^whsec_/);

    const streamed: LedgerEvent[] = [];
    const notices: StreamMessage[] = [];
    const stream = client.stream(sim.id, {
      afterSeq: 0,
      onEvents: (events) => streamed.push(...events),
      onMessage: (message) => notices.push(message),
    });

    const paused = await client.runUntil(sim.id, 3600);
    expect(paused.simTime).toBe(3600);
    expect(paused.status).toBe('paused');

    const record = await client.patchAsset(sim.id, 'station', 'station_01', SEED_BODY);
    expect(record).toMatchObject({ action: 'inject_fault', status: 'CONFIRMED', effectiveAt: 3600, endsAt: 4800 });

    const station = await client.asset(sim.id, 'station', 'station_01');
    const chargers = station.state.chargers as { id: string; state: string; fault_type?: string | null }[];
    expect(chargers.find((c) => c.id === 'charger_03')).toMatchObject({ state: 'faulted' });

    const faults = await client.ledger(sim.id, { eventTypes: ['FAULT_INJECTED'] });
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ assetId: 'station_01', simTime: 3600, origin: 'intervention' });
    const history = await client.assetHistory(sim.id, 'station', 'station_01', { order: 'desc', limit: 1 });
    expect(history[0].seq).toBe(faults[0].seq);

    const head = (await client.getSimulation(sim.id)).headSeq;
    await waitFor(() => streamed.length >= head);
    expect(streamed.map((event) => event.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(streamed.find((event) => event.eventType === 'FAULT_INJECTED')?.seq).toBe(faults[0].seq);
    stream.close();

    // The first attempt got a 500: the retry carries the same id and a valid signature.
    const delivery = await waitFor(() => receiver.deliveries[0]);
    const ok = verifyWebhook(
      hook.secret,
      {
        id: delivery.headers['webhook-id'],
        timestamp: delivery.headers['webhook-timestamp'],
        signature: delivery.headers['webhook-signature'],
      },
      delivery.body,
    );
    expect(ok).toBe(true);
    const payload = JSON.parse(delivery.body) as { events: { type: string; data: LedgerEvent }[] };
    expect(payload.events.map((event) => event.type)).toEqual(['FAULT_INJECTED']);
    expect(payload.events[0].data.seq).toBe(faults[0].seq);
    const deliveries = await client.webhookDeliveries(hook.id);
    expect(deliveries[0]).toMatchObject({ status: 'delivered', attempts: 2, eventCount: 1 });
    const test = await client.testWebhook(hook.id);
    expect(test.status).toBe('delivered');
    await receiver.close();
  });

  it('rewinds and branches over HTTP', async () => {
    const { client } = await server.account('qa');
    const sim = await client.createSimulation({ example: 'evening-peak' });
    await client.runUntil(sim.id, 7200);
    await client.patchAsset(sim.id, 'station', 'station_02', { ...SEED_BODY, at: 7200 });
    const before = await client.ledger(sim.id, { toTime: 3600, limit: 10_000 });

    const rewound = await client.rewind(sim.id, 3600);
    expect(rewound.simTime).toBe(3600);
    expect(rewound.headSeq).toBe(before[before.length - 1].seq);
    expect(await client.interventions(sim.id)).toEqual([]);
    const slider = await client.state(sim.id, { t: 1800, kind: 'station' });
    expect(slider.assets).toHaveLength(20);

    const branch = await client.branch(sim.id, 1800, {
      name: 'fix',
      interventions: [{ assetId: 'station_01', action: 'open_reserve_chargers', args: {} }],
    });
    expect(branch).toMatchObject({ parentId: sim.id, forkTime: 1800, simTime: 1800 });
    const [record] = await client.interventions(branch.id);
    expect(record).toMatchObject({ action: 'open_reserve_chargers', effectiveAt: 1800 });
    const shared = before.filter((event) => event.simTime <= 1800);
    const branchPrefix = await client.ledger(branch.id, { toTime: 1800, limit: 10_000 });
    // The branch shares the parent's records; each export names the simulation it was read from.
    expect(before.every((event) => event.simId === sim.id)).toBe(true);
    expect(branchPrefix.every((event) => event.simId === branch.id)).toBe(true);
    const withoutSimId = ({ simId: _simId, ...event }: SimulationEvent) => event;
    expect(branchPrefix.slice(0, shared.length).map(withoutSimId)).toEqual(shared.map(withoutSimId));
  });

  it('stops at a breakpoint, reports it, and resumes', async () => {
    const { client } = await server.account('debugger');
    const sim = await client.createSimulation({ example: 'evening-peak' });
    const breakpoint = await client.addBreakpoint(sim.id, 'now >= 5400');
    expect(await client.breakpoints(sim.id)).toEqual([breakpoint]);
    const stopped = await client.runUntil(sim.id, 7200);
    expect(stopped.status).toBe('breakpoint');
    expect(stopped.breakpoint).toMatchObject({ id: breakpoint.id, expression: 'now >= 5400' });
    expect(stopped.simTime).toBeGreaterThanOrEqual(5400);
    expect(stopped.simTime).toBeLessThan(7200);
    await client.removeBreakpoint(sim.id, breakpoint.id);
    expect(await client.breakpoints(sim.id)).toEqual([]);
    const done = await client.runUntil(sim.id, 7200);
    expect(done).toMatchObject({ status: 'paused', simTime: 7200, breakpoint: null });
    const stepped = await client.step(sim.id, { seconds: 60 });
    expect(stepped.simTime).toBe(7260);
    const events = await client.step(sim.id, { events: 10 });
    expect(events.simTime).toBeGreaterThanOrEqual(7260);
  });

  it('answers bad input with problem+json naming the field', async () => {
    const { client } = await server.account('typo');
    const sim = await client.createSimulation({ example: 'evening-peak' });
    const unknownField = await client
      .patchAsset(sim.id, 'station', 'station_01', { ...SEED_BODY, fault_typ: 'x' })
      .catch((error: DoppelApiError) => error);
    expect(unknownField).toBeInstanceOf(DoppelApiError);
    expect((unknownField as DoppelApiError).status).toBe(422);
    expect((unknownField as DoppelApiError).code).toBe('DOPPEL_ERR_INVALID_ARGUMENTS');
    expect((unknownField as DoppelApiError).issues.map((issue) => issue.path)).toContain('body.fault_typ');

    const unknownAction = await client
      .patchAsset(sim.id, 'station', 'station_01', { action: 'explode' })
      .catch((error: DoppelApiError) => error);
    expect((unknownAction as DoppelApiError).code).toBe('DOPPEL_ERR_UNKNOWN_ACTION');
    expect((unknownAction as DoppelApiError).issues[0].path).toBe('body.action');

    const badScenario = await client
      .createSimulation({ scenario: 'doppel: 1\nname: x\npack: swap\nduration: forever\n' })
      .catch((error: DoppelApiError) => error);
    expect((badScenario as DoppelApiError).code).toBe('DOPPEL_ERR_SCENARIO_INVALID');
    expect((badScenario as DoppelApiError).issues.some((issue) => issue.line === 4)).toBe(true);

    const extra = await fetch(`${server.url}/api/v1/simulations/${sim.id}/run-until`, {
      method: 'POST',
      headers: { authorization: `Bearer ${(await server.account('typo2')).key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ t: 10 }),
    });
    expect(extra.status).toBe(404);

    const response = await fetch(`${server.url}/api/v1/simulations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${(await server.account('typo3')).key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ example: 'evening-peak', colour: 'red' }),
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { code: string; issues: { path: string }[]; stack?: string };
    expect(problem.code).toBe('DOPPEL_ERR_VALIDATION');
    expect(problem.issues.map((issue) => issue.path)).toEqual(['body.colour']);
    expect(problem.stack).toBeUndefined();

    const fleet = await client.twin
      .createScenario({ type: 'emergency_braking', vehicle_id: 'twin-404', initial_speed: 600 })
      .catch((error: DoppelApiError) => error);
    expect((fleet as DoppelApiError).code).toBe('DOPPEL_ERR_VALIDATION');
    expect((fleet as DoppelApiError).message).toContain('twin-404');
  });

  it('serves health, OpenAPI and the seed 001 twin API', async () => {
    const { client } = await server.account('twin');
    expect((await client.health()).status).toBe('ok');
    const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toContain('/simulation/{simId}/assets/{kind}/{assetId}');
    const vehicle = await client.twin.createVehicle({ physical_vehicle_id: 'AV-001', model_type: 'van' });
    expect((await client.twin.vehicleState(vehicle.id)).status).toBe('idle');
    const created = await client.twin.createScenario({
      type: 'emergency_braking',
      vehicle_id: vehicle.id,
      initial_speed: 40,
    });
    const results = await client.twin.run(created.simulation_id);
    expect(results.verdict).toBe('pass');
    expect((await client.twin.results(created.simulation_id)).ledger_sha256).toBe(results.ledger_sha256);
    const state = await client.twin.vehicleState(vehicle.id);
    expect(state.simulation_id).toBe(created.simulation_id);
    expect(state.speed_mps).toBe(0);
  });
});
