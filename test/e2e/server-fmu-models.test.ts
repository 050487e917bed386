import { readFileSync } from 'node:fs';
import { testFmu } from '@doppel/bridge-fmi/testing';
import type { DoppelClient } from '@doppel/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startTestServer, wire, type TestServer } from './server-helpers.js';

/**
 * The first-order lag FMUs (T·dy/dt = u − y, stepped with the exact solution for an input held over a step): on a
 * fixed-step master the output at each communication point is the analytic answer for the inputs it was given.
 */
const lag = (y0: number, u: number, t: number, T: number): number => u + (y0 - u) * Math.exp(-t / T);

// A process model mixing built-in components with FMUs (FMI 2.0 and 3.0), through the real server: the FMUs'
// ports come from their model descriptions, they step on the model's clock, interventions reach them through
// the intervention path, and a branch re-executes to the same values as a fresh run.
describe('FMUs as components of process models', { timeout: 180_000 }, () => {
  let server: TestServer;
  let client: DoppelClient;
  let mallory: DoppelClient;
  let lag2Id: string;
  let lag3Id: string;
  let modelId: string;

  beforeAll(async () => {
    server = await startTestServer();
    client = (await server.account('engineer')).client;
    mallory = (await server.account('mallory')).client;
    lag2Id = (await client.fmus.upload(readFileSync(testFmu('lag')), 'lag.fmu')).id;
    lag3Id = (await client.fmus.upload(readFileSync(testFmu('lag3')), 'lag3.fmu')).id;
    const project = await client.projects.create({ name: 'co-simulation' });
    const model = await client.projects.createModel(project.id, {
      name: 'lags',
      components: [
        { id: 'supply', type: 'source', properties: { kind: 'constant', value: 2, unit: 'K' } },
        { id: 'lag2', type: 'fmu', properties: { fmu: lag2Id, parameters: { T: 2 } } },
        { id: 'meter', type: 'sensor', properties: {} },
        { id: 'lag3', type: 'fmu', properties: { fmu: lag3Id, parameters: { T: 0.5 }, step_s: 0.5 } },
      ],
      connections: [wire('supply', 'out', 'lag2', 'u'), wire('lag2', 'y', 'meter', 'value')],
    });
    modelId = model.id;
  });
  afterAll(async () => {
    await server.close();
  });

  it('compiles FMU ports from the model description and refuses what does not fit, naming the place', async () => {
    const project = await client.projects.create({ name: 'checks' });
    const ports = await problemOf(
      client.projects.createModel(project.id, {
        name: 'bad wire',
        components: [
          { id: 'level', type: 'source', properties: { kind: 'constant', value: 1, unit: 'm' } },
          { id: 'f', type: 'fmu', properties: { fmu: lag2Id } },
        ],
        // y is the FMU's output (from its model description): a wire cannot end there.
        connections: [wire('level', 'out', 'f', 'y')],
      }),
    );
    expect(ports.status).toBe(422);
    expect(ports.problem?.issues?.[0]).toMatchObject({ path: 'body.connections[0].target_port' });
    expect(ports.problem?.issues?.[0]?.message).toContain('f.y is an output');

    const parameter = await problemOf(
      client.projects.createModel(project.id, {
        name: 'bad parameter',
        components: [{ id: 'f', type: 'fmu', properties: { fmu: lag2Id, parameters: { tau: 1 } } }],
      }),
    );
    expect(parameter.problem?.issues?.[0]).toMatchObject({ path: 'body.components[0].properties.parameters.tau' });
    expect(parameter.problem?.issues?.[0]?.message).toContain('has no parameter or input "tau" (it has u, T)');

    // Another account's FMU is no FMU: the model cannot name it.
    const theirProject = await mallory.projects.create({ name: 'theirs' });
    const theirs = await problemOf(
      mallory.projects.createModel(theirProject.id, {
        name: 'borrowed',
        components: [{ id: 'f', type: 'fmu', properties: { fmu: lag2Id } }],
      }),
    );
    expect(theirs.status).toBe(422);
    expect(theirs.problem?.issues?.[0]).toMatchObject({ path: 'body.components[0].properties.fmu' });
    expect(theirs.problem?.issues?.[0]?.message).toContain(`no FMU "${lag2Id}" in this account`);
  });

  /** The value of one output of a component at each ledger record that changed it: [simTime, value]. */
  const samples = async (simId: string, assetId: string, field: string): Promise<[number, number][]> =>
    (await client.ledger(simId, { assetId, limit: 1000 }))
      .filter((r) => typeof r.newValue?.[field] === 'number')
      .map((r) => [r.simTime, r.newValue?.[field] as number]);

  it('steps FMUs with the built-in components to the analytic answer; interventions set inputs and parameters', async () => {
    const sim = await client.simulation.start(modelId, { duration: '1m', paused: true, step_s: 0.1 });
    await client.simulation.step(sim.id, { seconds: 4 });
    const lag2At = await samples(sim.id, 'lag2', 'y');
    expect(lag2At.length).toBeGreaterThanOrEqual(3);
    for (const [t, y] of lag2At) expect(y, `lag2.y at ${t}`).toBeCloseTo(lag(0, 2, t, 2), 5);
    // The sensor reads the FMU's output through a wire, at the same communication point.
    for (const [t, y] of await samples(sim.id, 'meter', 'measured'))
      expect(y, `meter at ${t}`).toBeCloseTo(lag(0, 2, t, 2), 5);
    // The FMI 3.0 lag's input is not wired: it reads its start value 1, stepped every 0.5 s.
    const lag3Before = await samples(sim.id, 'lag3', 'y');
    expect(lag3Before.length).toBeGreaterThanOrEqual(2);
    for (const [t, y] of lag3Before) expect(y, `lag3.y at ${t}`).toBeCloseTo(lag(0, 1, t, 0.5), 5);

    // Hold lag3's input at 3 from t = 4: from its next communication point on it heads for 3.
    await client.intervene(sim.id, { assetId: 'lag3', action: 'set_fmu_value', args: { name: 'u', value: 3 } });
    // What the standard or the wiring forbids fails with the reason, and changes nothing.
    const setFmu = (assetId: string, name: string, value: number) =>
      client.intervene(sim.id, { assetId, action: 'set_fmu_value', args: { name, value } });
    const wired = await setFmu('lag2', 'u', 3);
    expect(wired).toMatchObject({ status: 'FAILED' });
    expect(wired.reason).toContain('lag2.u is wired from another component');
    const fixed = await setFmu('lag2', 'T', 3);
    expect(fixed).toMatchObject({ status: 'FAILED' });
    expect(fixed.reason).toContain('lag2.T is a fixed parameter');

    await client.simulation.step(sim.id, { seconds: 2 });
    const ledger = await client.ledger(sim.id, { assetId: 'lag3', limit: 1000 });
    const set = ledger.find((r) => r.eventType === 'FMU_INPUT_SET');
    expect(set).toMatchObject({ simTime: 4, meta: { name: 'u', value: 3 } });
    const lag3After = (await samples(sim.id, 'lag3', 'y')).filter(([t]) => t > 4);
    expect(lag3After.length).toBeGreaterThanOrEqual(1);
    const y4 = lag(0, 1, 4, 0.5);
    for (const [t, y] of lag3After) expect(y, `lag3.y at ${t}`).toBeCloseTo(lag(y4, 3, t - 4, 0.5), 5);

    // A branch at t = 2 (before the intervention) re-executes to the same records as a fresh run of the model.
    const branch = await client.branch(sim.id, 2);
    await client.simulation.step(branch.id, { seconds: 4 });
    const fresh = await client.simulation.start(modelId, { duration: '1m', paused: true, step_s: 0.1 });
    await client.simulation.step(fresh.id, { seconds: 6 });
    for (const id of ['lag2', 'lag3', 'meter']) {
      const field = id === 'meter' ? 'measured' : 'y';
      expect(await samples(branch.id, id, field)).toEqual(await samples(fresh.id, id, field));
    }
    for (const [t, y] of await samples(branch.id, 'lag3', 'y')) expect(y).toBeCloseTo(lag(0, 1, t, 0.5), 5);
  });

  it('fails a simulation whose FMU was deleted with an error that names it, and the server lives', async () => {
    const project = await client.projects.create({ name: 'gone' });
    const upload = await client.fmus.upload(readFileSync(testFmu('lag')), 'doomed.fmu');
    const model = await client.projects.createModel(project.id, {
      name: 'doomed',
      components: [{ id: 'f', type: 'fmu', properties: { fmu: upload.id } }],
    });
    await client.fmus.delete(upload.id);
    const gone = await problemOf(client.simulation.start(model.id, { paused: true }));
    expect(gone.status).toBe(422);
    expect(gone.problem?.issues?.[0]).toMatchObject({ path: 'model.components[0].properties.fmu' });
    expect((await client.fmus.list()).map((f) => f.id)).toContain(lag2Id);
  });
});
