import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testFmu } from '@doppel/bridge-fmi/testing';
import type { DoppelClient } from '@doppel/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, wire, type TestServer } from './server-helpers.js';

// Branching a simulation whose FMUs can save their state (FMI 2.0 and 3.0): the branch restores each FMU's state
// where the parent stood instead of stepping it again from t = 0, and its ledger is the one a fresh run with the
// same interventions writes. An FMU that cannot save its state is re-executed from the start, and the server says so.
describe('branching a simulation with FMUs', { timeout: 180_000 }, () => {
  let server: TestServer;
  let client: DoppelClient;
  let modelId: string;
  let folder: string;
  let stepLog: string;
  const notes: string[] = [];

  beforeAll(async () => {
    // The test FMUs append "<instance name> <t>" to this file at every doStep (instances are named after components).
    folder = mkdtempSync(join(tmpdir(), 'doppel-fmu-branch-'));
    stepLog = join(folder, 'steps.log');
    process.env.DOPPEL_TEST_FMU_STEP_LOG = stepLog;
    server = await startTestServer();
    server.context.manager.listen((_simId, message) => {
      if (message.type === 'note') notes.push(message.message);
    });
    client = (await server.account('engineer')).client;
    const lag2 = (await client.fmus.upload(readFileSync(testFmu('lag')), 'lag.fmu')).id;
    const lag3 = (await client.fmus.upload(readFileSync(testFmu('lag3')), 'lag3.fmu')).id;
    const plain = (await client.fmus.upload(readFileSync(testFmu('lagStateless')), 'plain.fmu')).id;
    const project = await client.projects.create({ name: 'branches' });
    const model = await client.projects.createModel(project.id, {
      name: 'lags',
      components: [
        { id: 'supply', type: 'source', properties: { kind: 'constant', value: 2, unit: 'K' } },
        { id: 'lag2', type: 'fmu', properties: { fmu: lag2, parameters: { T: 2 } } },
        { id: 'meter', type: 'sensor', properties: {} },
        { id: 'lag3', type: 'fmu', properties: { fmu: lag3, parameters: { T: 0.5 }, step_s: 0.5 } },
        { id: 'plain', type: 'fmu', properties: { fmu: plain, parameters: { T: 1 } } },
      ],
      connections: [wire('supply', 'out', 'lag2', 'u'), wire('lag2', 'y', 'meter', 'value')],
    });
    modelId = model.id;
  });
  afterAll(async () => {
    await server.close();
    delete process.env.DOPPEL_TEST_FMU_STEP_LOG;
    rmSync(folder, { recursive: true, force: true });
  });

  /** doStep calls made so far by the instances of a component (every simulation's). */
  const steps = (component: string): number =>
    readFileSync(stepLog, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith(`${component} `)).length;
  const record = (r: {
    seq: number;
    simTime: number;
    assetId: string;
    eventType: string;
    newValue: unknown;
    meta: unknown;
  }) => ({
    seq: r.seq,
    simTime: r.simTime,
    assetId: r.assetId,
    eventType: r.eventType,
    newValue: r.newValue,
    meta: r.meta,
  });
  const ledgerAfter = async (simId: string, t: number) =>
    (await client.ledger(simId, { limit: 10_000 })).filter((r) => r.simTime >= t).map(record);

  it('continues from the saved FMU states: the same ledger as a fresh run, without stepping them through the past', async () => {
    const changes = [
      { assetId: 'lag3', action: 'set_fmu_value', args: { name: 'u', value: 3 } },
      { assetId: 'plain', action: 'set_fmu_value', args: { name: 'u', value: -1 } },
    ];
    const count = () => ({ lag2: steps('lag2'), lag3: steps('lag3'), plain: steps('plain') });
    const parent = await client.simulation.start(modelId, { duration: '1m', paused: true, step_s: 0.1 });
    await client.simulation.step(parent.id, { seconds: 3 });
    const c0 = count();
    const branch = await client.branch(parent.id, 3, { interventions: changes });
    await client.simulation.step(branch.id, { seconds: 3 });
    const c1 = count();
    const fresh = await client.simulation.start(modelId, { duration: '1m', paused: true, step_s: 0.1 });
    await client.simulation.step(fresh.id, { seconds: 3 });
    const c2 = count();
    for (const change of changes) await client.intervene(fresh.id, change);
    await client.simulation.step(fresh.id, { seconds: 3 });
    const c3 = count();
    // The branch stepped lag2 (FMI 2.0) and lag3 (FMI 3.0) only after t = 3, as the fresh run did after t = 3;
    // the FMU without the capability was stepped again through [0, 3] first, and the server said why.
    expect(c1.lag2 - c0.lag2).toBe(c3.lag2 - c2.lag2);
    expect(c1.lag3 - c0.lag3).toBe(c3.lag3 - c2.lag3);
    expect(c1.lag2 - c0.lag2).toBeLessThan(c3.lag2 - c1.lag2);
    expect(c1.plain - c0.plain).toBe(c3.plain - c1.plain);
    expect(notes.some((note) => note.includes('plain cannot save its state'))).toBe(true);
    expect(notes.some((note) => note.includes('lag2') || note.includes('lag3'))).toBe(false);

    const branched = await ledgerAfter(branch.id, 3);
    expect(branched.filter((r) => r.assetId === 'lag3' && r.eventType === 'FMU_INPUT_SET')).toHaveLength(1);
    expect(branched.filter((r) => r.assetId === 'lag2').length).toBeGreaterThan(3);
    expect(branched).toEqual(await ledgerAfter(fresh.id, 3));
    const [b, f] = await Promise.all([client.getSimulation(branch.id), client.getSimulation(fresh.id)]);
    expect(b.headSeq).toBe(f.headSeq);

    // A branch of the branch continues from the states the first branch restored and stepped on.
    const second = await client.branch(branch.id, 6);
    const c4 = count();
    await client.simulation.step(second.id, { seconds: 1 });
    const c5 = count();
    await client.simulation.step(fresh.id, { seconds: 1 });
    const c6 = count();
    expect(c5.lag2 - c4.lag2).toBe(c6.lag2 - c5.lag2);
    expect(c5.lag3 - c4.lag3).toBe(c6.lag3 - c5.lag3);
    expect(await ledgerAfter(second.id, 6)).toEqual(await ledgerAfter(fresh.id, 6));
  });
});
