import type { DoppelClient } from '@doppel/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startTestServer, wire, type TestServer } from './server-helpers.js';

// The seed's modelling flow through the typed client over a real socket: a project, a model drawn component by
// component, wired port to port, simulated (started paused, stepped, run, paused, stopped) and its results read.
describe('machine models: create, connect, run, read results', () => {
  let server: TestServer;
  let client: DoppelClient;
  let mallory: DoppelClient;
  beforeAll(async () => {
    server = await startTestServer();
    client = (await server.account('engineer')).client;
    mallory = (await server.account('mallory')).client;
  });
  afterAll(async () => {
    await server.close();
  });

  it('walks the API from an empty project to a heated tank results', async () => {
    const catalogue = await client.models.catalogue();
    const tankType = catalogue.componentTypes.find((t) => t.type === 'tank');
    expect(tankType?.ports.find((p) => p.name === 'temperature')).toMatchObject({ direction: 'out', unit: 'degC' });

    const project = await client.projects.create({ name: 'hot water' });
    const model = await client.projects.createModel(project.id, { name: 'heated tank' });
    expect(model.components).toEqual([]);
    await client.models.setComponents(model.id, [
      { id: 'tank', type: 'tank', properties: { area_m2: 0.25, initial_level_m: 0.8, initial_temperature_c: 20 } },
      { id: 'heater', type: 'heater', properties: { max_power_w: 20000 } },
      { id: 'power', type: 'source', properties: { kind: 'constant', value: 10000, unit: 'W' } },
    ]);
    // A wire of the wrong units is refused with the components and ports named, and nothing is stored.
    const mismatch = await problemOf(
      client.models.setConnections(model.id, [wire('tank', 'temperature', 'heater', 'power')]),
    );
    expect(mismatch.status).toBe(422);
    expect(mismatch.problem?.code).toBe('DOPPEL_ERR_PROCESS_MODEL_INVALID');
    expect(mismatch.problem?.issues?.[0]?.message).toContain('tank.temperature gives degC');
    expect(await client.models.connections(model.id)).toEqual([]);

    await client.models.setConnections(model.id, [
      wire('power', 'out', 'heater', 'power'),
      wire('heater', 'heat', 'tank', 'heat'),
    ]);
    expect((await client.models.get(model.id)).connections).toHaveLength(2);

    const sim = await client.simulation.start(model.id, { duration: '10m', paused: true, step_s: 0.1 });
    expect(sim).toMatchObject({ pack: 'process', name: 'heated tank', status: 'ready', simTime: 0, durationS: 600 });
    expect(sim.scenarioSha256).toMatch(/^[0-9a-f]{64}$/);

    const stepped = await client.simulation.step(sim.id);
    expect(stepped.simTime).toBeCloseTo(0.1, 9);
    const minute = await client.simulation.step(sim.id, { seconds: 60 });
    expect(minute.simTime).toBeCloseTo(stepped.simTime + 60, 6);
    const tank = await client.asset(sim.id, 'tank', 'tank');
    // 10 kW into 200 L of water for a minute warms it by about 0.7 K.
    expect(tank.state.temperature).toBeGreaterThan(20.5);

    await client.run(sim.id, { speed: null });
    let done = await client.getSimulation(sim.id);
    for (let i = 0; i < 1000 && done.status !== 'finished'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      done = await client.getSimulation(sim.id);
    }
    expect(done.simTime).toBe(600);
    const results = await client.results(sim.id);
    expect(results).toMatchObject({ pack: 'process', status: 'finished', sim_time_s: 600 });
    expect(results.ledger_events).toBeGreaterThan(0);
    const history = await client.assetHistory(sim.id, 'tank', 'tank', { limit: 1000 });
    expect(history.length).toBeGreaterThan(10);
    const final = await client.asset(sim.id, 'tank', 'tank');
    expect(final.state.temperature).toBeGreaterThan(26);

    // The same model starts again as a new simulation with the same scenario hash.
    const again = await client.simulation.start(model.id, { duration: '10m', paused: true, step_s: 0.1 });
    expect(again.id).not.toBe(sim.id);
    expect(again.scenarioSha256).toBe(sim.scenarioSha256);
  });

  it('runs in real time, pauses and stops; HIL answers 409 until the model has bindings', async () => {
    const project = await client.projects.create({ name: 'loop' });
    const model = await client.projects.createModel(project.id, {
      name: 'tank alone',
      components: [{ id: 'tank', type: 'tank', properties: {} }],
    });
    const sim = await client.simulation.start(model.id, { duration: '1h' });
    expect(sim).toMatchObject({ playing: true, speed: 1 });
    const paused = await client.simulation.pause(sim.id);
    expect(paused).toMatchObject({ playing: false, status: 'paused' });
    const stopped = await client.simulation.stop(sim.id);
    expect(stopped).toMatchObject({ playing: false, status: 'paused' });
    expect(server.context.manager.isLoaded(sim.id)).toBe(false);
    // A stopped simulation stays readable, and steps again on demand.
    expect((await client.simulation.step(sim.id, { seconds: 1 })).simTime).toBeCloseTo(stopped.simTime + 1, 6);

    const hil = await problemOf(client.simulation.startHil(model.id));
    expect(hil.status).toBe(409);
    expect(hil.problem).toMatchObject({ code: 'DOPPEL_ERR_NO_BINDINGS' });

    const empty = await client.projects.createModel(project.id, { name: 'empty' });
    const nothing = await problemOf(client.simulation.start(empty.id));
    expect(nothing.status).toBe(422);
    expect(nothing.problem?.issues?.[0]?.path).toBe('model.components');
    const badOption = await problemOf(client.simulation.start(model.id, { step_s: 0 }));
    expect(badOption.status).toBe(422);
    expect(JSON.stringify(badOption.problem?.issues)).toContain('body.step_s');
  });

  it("answers 404 for another account's models and simulations", async () => {
    const project = await client.projects.create({ name: 'private' });
    const model = await client.projects.createModel(project.id, {
      name: 'mine',
      components: [{ id: 'tank', type: 'tank', properties: {} }],
    });
    const sim = await client.simulation.start(model.id, { paused: true });
    for (const call of [
      mallory.simulation.start(model.id),
      mallory.simulation.start(model.id, { step_s: -1 }),
      mallory.simulation.startHil(model.id),
      mallory.simulation.stop(sim.id),
      mallory.simulation.pause(sim.id),
      mallory.simulation.step(sim.id),
      mallory.simulation.step(sim.id, { seconds: -1 }),
    ]) {
      expect((await problemOf(call)).status).toBe(404);
    }
    expect((await client.getSimulation(sim.id)).simTime).toBe(0);
  });
});
