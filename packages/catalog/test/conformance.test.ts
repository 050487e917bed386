import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog, type DeliveryRow, type SimulationRow } from '../src/index.js';
import { freshSchema, postgresAvailable, tempDir } from './databases.js';

// One suite, run against every dialect: the catalog must behave the same on SQLite and on PostgreSQL.

interface Dialect {
  readonly name: string;
  open(): Promise<{ catalog: Catalog; reopen: () => Promise<Catalog>; cleanup: () => Promise<void> }>;
}

const sqlite: Dialect = {
  name: 'SQLite',
  async open() {
    const { dir, remove } = tempDir();
    return {
      catalog: Catalog.open(dir),
      reopen: async () => Catalog.open(dir),
      cleanup: async () => remove(),
    };
  },
};

const postgres: Dialect = {
  name: 'PostgreSQL',
  async open() {
    const schema = freshSchema();
    return {
      catalog: await Catalog.connect(schema.url),
      reopen: () => Catalog.connect(schema.url),
      cleanup: schema.drop,
    };
  },
};

const dialects = [sqlite, ...((await postgresAvailable()) ? [postgres] : [])];

const simulation = (id: string, accountId: string, createdAt: string): Parameters<Catalog['insertSimulation']>[0] => ({
  id,
  account_id: accountId,
  name: `Sim ${id}`,
  pack: 'swap',
  example: null,
  scenario_json: '{"name":"x","values":[1.5,2]}',
  seed: 2 ** 40 + 7,
  parent_id: null,
  fork_time: null,
  status: 'ready',
  sim_time: 0,
  duration_s: 3600.25,
  start_iso: '2026-01-01T00:00:00Z',
  timezone: 'UTC',
  created_at: createdAt,
});

const delivery = (id: string, webhookId: string, fields: Partial<DeliveryRow> = {}): DeliveryRow => ({
  id,
  webhook_id: webhookId,
  simulation_id: null,
  event_count: 3,
  status: 'pending',
  attempts: 0,
  last_status_code: null,
  last_error: null,
  next_attempt_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  ...fields,
});

describe.each(dialects)('catalog on $name', (dialect) => {
  let catalog: Catalog;
  let reopen: () => Promise<Catalog>;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ catalog, reopen, cleanup } = await dialect.open());
  });
  afterAll(async () => {
    await catalog.close();
    await cleanup();
  });

  it('creates accounts with hashed keys that authenticate only exactly', async () => {
    const created = await catalog.createAccount('alice', ['read', 'write', 'read']);
    expect(created.scopes).toEqual(['read', 'write']);
    expect((await catalog.authenticate(created.key))?.account).toEqual(created.account);
    expect(await catalog.authenticate(`${created.key.slice(0, -1)}x`)).toBeNull();
    expect(await catalog.authenticate('nonsense')).toBeNull();
    expect(await catalog.accountByName('alice')).toEqual(created.account);
    expect(await catalog.accountByName('nobody')).toBeNull();
    await expect(catalog.createAccount('alice')).rejects.toThrow();
    // The failed account left nothing behind, and the catalog goes on working.
    expect((await catalog.listAccounts()).map((account) => account.name)).toEqual(['alice']);
  });

  it('stores a fixed key for an existing account', async () => {
    const account = (await catalog.accountByName('alice'))!;
    const fixed = `dpl_${'ab'.repeat(8)}_${'x'.repeat(40)}`;
    const created = await catalog.createKey(account, ['admin'], fixed);
    expect(created.key).toBe(fixed);
    expect((await catalog.authenticate(fixed))?.scopes).toEqual(['admin']);
  });

  it('keeps simulations per account with exact numbers and text', async () => {
    const alice = (await catalog.accountByName('alice'))!;
    const bob = (await catalog.createAccount('bob')).account;
    await catalog.insertSimulation(simulation('sim_b', alice.id, '2026-01-01T00:00:02.000Z'));
    await catalog.insertSimulation(simulation('sim_a', alice.id, '2026-01-01T00:00:01.000Z'));
    await catalog.insertSimulation(simulation('sim_c', bob.id, '2026-01-01T00:00:03.000Z'));
    const row = (await catalog.simulation('sim_a')) as SimulationRow;
    expect(row).toMatchObject({
      seed: 2 ** 40 + 7,
      duration_s: 3600.25,
      head_seq: 0,
      head_hash: null,
      intervention_log: '[]',
      scenario_json: '{"name":"x","values":[1.5,2]}',
    });
    expect((await catalog.listSimulations(alice.id)).map((sim) => sim.id)).toEqual(['sim_a', 'sim_b']);
    expect(await catalog.countSimulations(alice.id)).toBe(2);
    expect(await catalog.ownsSimulation(alice.id, 'sim_a')).toBe(true);
    expect(await catalog.ownsSimulation(bob.id, 'sim_a')).toBe(false);
    expect(await catalog.ownedSimulation(bob.id, 'sim_a')).toBeNull();
    expect(await catalog.ownsSimulation(alice.id, 'sim_missing')).toBe(false);
    expect((await catalog.allSimulations()).map((sim) => sim.id)).toEqual(['sim_a', 'sim_b', 'sim_c']);
  });

  it('applies updates in the order they were issued, without waiting for each', async () => {
    const writes: Promise<void>[] = [];
    for (let k = 1; k <= 50; k++) writes.push(catalog.updateSimulation('sim_a', { sim_time: k / 4, head_seq: k }));
    writes.push(catalog.updateSimulation('sim_a', { status: 'paused', head_hash: 'abc', speed: null, error: null }));
    await Promise.all(writes);
    expect(await catalog.simulation('sim_a')).toMatchObject({
      sim_time: 12.5,
      head_seq: 50,
      status: 'paused',
      head_hash: 'abc',
    });
    await catalog.updateSimulation('sim_a', {});
    await catalog.deleteSimulation('sim_b');
    expect(await catalog.simulation('sim_b')).toBeNull();
    expect(await catalog.countSimulations((await catalog.accountByName('alice'))!.id)).toBe(1);
  });

  it('numbers vehicles in creation order and keeps them per account', async () => {
    const alice = (await catalog.accountByName('alice'))!;
    const bob = (await catalog.accountByName('bob'))!;
    const first = await catalog.nextVehicleId();
    expect(first).toBe('twin-001');
    const row = {
      id: first,
      account_id: alice.id,
      physical_vehicle_id: 'VIN1',
      model_type: 'sedan',
      simulation_id: null,
      asset_id: null,
      created_at: '2026-01-01T00:00:00.000Z',
    };
    await catalog.insertVehicle(row);
    expect(await catalog.nextVehicleId()).toBe('twin-002');
    await catalog.setVehicleSimulation(first, 'sim_a', 'ego');
    expect(await catalog.ownedVehicle(alice.id, first)).toEqual({ ...row, simulation_id: 'sim_a', asset_id: 'ego' });
    expect(await catalog.ownedVehicle(bob.id, first)).toBeNull();
  });

  it('logs webhook deliveries newest first, by state, and forgets them with their webhook', async () => {
    const alice = (await catalog.accountByName('alice'))!;
    const bob = (await catalog.accountByName('bob'))!;
    const webhook = {
      id: 'wh_1',
      account_id: alice.id,
      url: 'https://example.com/hook',
      event_types: 'FAULT_INJECTED,simulation.status',
      simulation_id: null,
      secret: 'whsec_x',
      created_at: '2026-01-01T00:00:00.000Z',
    };
    await catalog.insertWebhook(webhook);
    expect(await catalog.ownedWebhook(alice.id, 'wh_1')).toEqual(webhook);
    expect(await catalog.ownedWebhook(bob.id, 'wh_1')).toBeNull();
    expect(await catalog.listWebhooks(alice.id)).toEqual([webhook]);
    expect(await catalog.listWebhooks(bob.id)).toEqual([]);
    // Three deliveries in the same millisecond: insertion order breaks the tie.
    for (const id of ['msg_1', 'msg_2', 'msg_3']) await catalog.upsertDelivery(delivery(id, 'wh_1'));
    await catalog.upsertDelivery(
      delivery('msg_1', 'wh_1', { status: 'failed', attempts: 8, last_status_code: 500, last_error: 'boom' }),
    );
    expect((await catalog.deliveries('wh_1', 10)).map((row) => row.id)).toEqual(['msg_3', 'msg_2', 'msg_1']);
    expect((await catalog.deliveries('wh_1', 2)).map((row) => row.id)).toEqual(['msg_3', 'msg_2']);
    expect(await catalog.deliveries('wh_1', 10, 'failed')).toEqual([
      delivery('msg_1', 'wh_1', { status: 'failed', attempts: 8, last_status_code: 500, last_error: 'boom' }),
    ]);
    expect(await catalog.delivery('wh_1', 'msg_2')).toEqual(delivery('msg_2', 'wh_1'));
    expect(await catalog.delivery('wh_other', 'msg_2')).toBeNull();
    expect(await catalog.deliveryCounts('wh_1')).toEqual({ pending: 2, retrying: 0, delivered: 0, failed: 1 });
    expect((await catalog.allWebhooks()).map((row) => row.id)).toEqual(['wh_1']);
    await catalog.deleteWebhook('wh_1');
    expect(await catalog.deliveryCounts('wh_1')).toEqual({ pending: 0, retrying: 0, delivered: 0, failed: 0 });
  });

  it('keeps scenario tests per account and their runs, newest first, with results only when asked', async () => {
    const alice = (await catalog.accountByName('alice'))!;
    const bob = (await catalog.accountByName('bob'))!;
    const test = {
      id: 'test_1',
      account_id: alice.id,
      name: 'peak',
      description: null,
      pack: 'swap',
      scenario: 'city-10',
      yaml: 'name: peak',
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    };
    await catalog.tests.insertTest(test);
    await catalog.tests.insertTest({ ...test, id: 'test_2', name: 'other', created_at: '2026-01-02T00:00:00.000Z' });
    expect(await catalog.tests.ownedTest(alice.id, 'test_1')).toEqual(test);
    expect(await catalog.tests.ownedTest(bob.id, 'test_1')).toBeNull();
    expect((await catalog.tests.listTests(alice.id)).map((row) => row.id)).toEqual(['test_1', 'test_2']);
    expect(await catalog.tests.countTests(alice.id)).toBe(2);
    await catalog.tests.updateTest('test_1', { ...test, name: 'peak hour', updated_at: '2026-01-03T00:00:00.000Z' });
    expect((await catalog.tests.ownedTest(alice.id, 'test_1'))?.name).toBe('peak hour');

    const run = (id: string, testId = 'test_1') => ({
      id,
      account_id: alice.id,
      test_id: testId,
      test_name: 'peak',
      status: 'queued' as const,
      done: 0,
      total: 0,
      error: null,
      first_failure: null,
      result_json: null,
      replay_json: null,
      created_at: '2026-01-01T00:00:00.000Z',
      started_at: null,
      finished_at: null,
    });
    for (const id of ['run_1', 'run_2', 'run_3']) await catalog.tests.insertRun(run(id));
    await catalog.tests.insertRun(run('run_other', 'test_2'));
    await catalog.tests.updateRun('run_1', { status: 'passed', result_json: '{"ok":true}', done: 3, total: 3 });
    await catalog.tests.updateRun('run_2', { status: 'running' });
    expect(await catalog.tests.ownsRun(alice.id, 'run_1')).toBe(true);
    expect(await catalog.tests.ownsRun(bob.id, 'run_1')).toBe(false);
    expect(await catalog.tests.ownedRun(alice.id, 'run_1')).toMatchObject({
      status: 'passed',
      result_json: '{"ok":true}',
    });
    expect(await catalog.tests.ownedRun(bob.id, 'run_1')).toBeNull();
    const runs = await catalog.tests.runsOf('test_1', 10);
    expect(runs.map((row) => row.id)).toEqual(['run_3', 'run_2', 'run_1']);
    expect(runs[2]).toMatchObject({ status: 'passed', done: 3, result_json: null });
    const latest = await catalog.tests.latestRuns(alice.id);
    expect([...latest.entries()].map(([testId, row]) => [testId, row.id]).sort()).toEqual([
      ['test_1', 'run_3'],
      ['test_2', 'run_other'],
    ]);
    expect(await catalog.tests.activeRuns(alice.id)).toBe(3);
    expect(await catalog.tests.failInterruptedRuns('2026-01-04T00:00:00.000Z')).toBe(3);
    expect(await catalog.tests.ownedRun(alice.id, 'run_2')).toMatchObject({
      status: 'error',
      finished_at: '2026-01-04T00:00:00.000Z',
    });
    await catalog.tests.deleteTest('test_2');
    expect(await catalog.tests.ownsRun(alice.id, 'run_other')).toBe(false);
  });

  it('keeps projects and their machine models per account, and forgets models with their project', async () => {
    const alice = (await catalog.accountByName('alice'))!;
    const bob = (await catalog.accountByName('bob'))!;
    const at = '2026-01-01T00:00:00.000Z';
    const project = {
      id: 'prj_1',
      account_id: alice.id,
      name: 'line',
      description: null,
      created_at: at,
      updated_at: at,
    };
    await catalog.models.insertProject(project);
    await catalog.models.insertProject({
      ...project,
      id: 'prj_2',
      name: 'spare',
      created_at: '2026-01-02T00:00:00.000Z',
    });
    expect(await catalog.models.ownedProject(alice.id, 'prj_1')).toEqual(project);
    expect(await catalog.models.ownedProject(bob.id, 'prj_1')).toBeNull();
    expect((await catalog.models.listProjects(alice.id)).map((row) => row.id)).toEqual(['prj_1', 'prj_2']);
    expect(await catalog.models.listProjects(bob.id)).toEqual([]);
    expect(await catalog.models.updateProject(bob.id, 'prj_1', { name: 'stolen', updated_at: at })).toBe(false);
    expect(
      await catalog.models.updateProject(alice.id, 'prj_1', { name: 'line 1', updated_at: '2026-01-03T00:00:00.000Z' }),
    ).toBe(true);
    expect(await catalog.models.ownedProject(alice.id, 'prj_1')).toMatchObject({ name: 'line 1', description: null });

    const modelJson = JSON.stringify({
      components: [{ id: 'tank', type: 'tank', properties: { area_m2: 1.5 } }],
      connections: [],
    });
    const model = {
      id: 'mdl_1',
      account_id: alice.id,
      project_id: 'prj_1',
      name: 'tank',
      description: 'one tank',
      model_json: modelJson,
      created_at: at,
      updated_at: at,
    };
    await catalog.models.insertModel(model);
    await catalog.models.insertModel({ ...model, id: 'mdl_2', project_id: 'prj_2' });
    expect(await catalog.models.ownedModel(alice.id, 'mdl_1')).toEqual(model);
    expect(await catalog.models.ownedModel(bob.id, 'mdl_1')).toBeNull();
    expect((await catalog.models.modelsOf('prj_1')).map((row) => row.id)).toEqual(['mdl_1']);
    expect(await catalog.models.updateModel(bob.id, 'mdl_1', { model_json: '{}', updated_at: at })).toBe(false);
    expect(
      await catalog.models.updateModel(alice.id, 'mdl_1', {
        model_json: '{"components":[],"connections":[]}',
        updated_at: at,
      }),
    ).toBe(true);
    expect((await catalog.models.ownedModel(alice.id, 'mdl_1'))?.model_json).toBe('{"components":[],"connections":[]}');
    expect(await catalog.models.deleteModel(bob.id, 'mdl_1')).toBe(false);
    expect(await catalog.models.deleteModel(alice.id, 'mdl_1')).toBe(true);
    expect(await catalog.models.ownedModel(alice.id, 'mdl_1')).toBeNull();
    expect(await catalog.models.deleteProject(bob.id, 'prj_2')).toBe(false);
    expect(await catalog.models.deleteProject(alice.id, 'prj_2')).toBe(true);
    expect(await catalog.models.ownedModel(alice.id, 'mdl_2')).toBeNull();
  });

  it("keeps a model's bindings per account, and forgets them with their model", async () => {
    const alice = (await catalog.accountByName('alice'))!;
    const bob = (await catalog.accountByName('bob'))!;
    const at = '2026-01-01T00:00:00.000Z';
    await catalog.models.insertProject({
      id: 'prj_b',
      account_id: alice.id,
      name: 'hil',
      description: null,
      created_at: at,
      updated_at: at,
    });
    await catalog.models.insertModel({
      id: 'mdl_b',
      account_id: alice.id,
      project_id: 'prj_b',
      name: 'tank',
      description: null,
      model_json: '{"components":[],"connections":[]}',
      created_at: at,
      updated_at: at,
    });
    const binding = {
      id: 'bnd_1',
      account_id: alice.id,
      model_id: 'mdl_b',
      binding_json: '{"signal":"tank.level","direction":"output"}',
      created_at: at,
      updated_at: at,
    };
    await catalog.models.insertBinding(binding);
    await catalog.models.insertBinding({ ...binding, id: 'bnd_2', created_at: '2026-01-02T00:00:00.000Z' });
    expect((await catalog.models.bindingsOf(alice.id, 'mdl_b')).map((row) => row.id)).toEqual(['bnd_1', 'bnd_2']);
    expect(await catalog.models.bindingsOf(bob.id, 'mdl_b')).toEqual([]);
    expect(await catalog.models.ownedBinding(alice.id, 'mdl_b', 'bnd_1')).toEqual(binding);
    expect(await catalog.models.ownedBinding(bob.id, 'mdl_b', 'bnd_1')).toBeNull();
    expect(await catalog.models.updateBinding(bob.id, 'mdl_b', 'bnd_1', '{}', at)).toBe(false);
    expect(await catalog.models.updateBinding(alice.id, 'mdl_b', 'bnd_1', '{"x":1}', '2026-01-03T00:00:00.000Z')).toBe(
      true,
    );
    expect(await catalog.models.ownedBinding(alice.id, 'mdl_b', 'bnd_1')).toMatchObject({
      binding_json: '{"x":1}',
      updated_at: '2026-01-03T00:00:00.000Z',
    });
    expect(await catalog.models.deleteBinding(bob.id, 'mdl_b', 'bnd_1')).toBe(false);
    expect(await catalog.models.deleteBinding(alice.id, 'mdl_b', 'bnd_1')).toBe(true);
    expect(await catalog.models.deleteModel(alice.id, 'mdl_b')).toBe(true);
    expect(await catalog.models.bindingsOf(alice.id, 'mdl_b')).toEqual([]);
  });

  it('keeps uploaded FMUs per account, with exact sizes, and forgets them on delete', async () => {
    const alice = (await catalog.accountByName('alice'))!;
    const bob = (await catalog.accountByName('bob'))!;
    const fmu = {
      id: 'fmu_1',
      account_id: alice.id,
      name: 'lag.fmu',
      fmi_version: '2.0',
      model_name: 'lag',
      size_bytes: 2 ** 40 + 3,
      sha256: 'ab'.repeat(32),
      variable_count: 3,
      description_json: '{"variables":[]}',
      created_at: '2026-01-01T00:00:00.000Z',
    };
    await catalog.fmus.insert(fmu);
    // The same archive uploaded again (same guid, same hash) is a second FMU: nothing is keyed on them.
    await catalog.fmus.insert({ ...fmu, id: 'fmu_2', created_at: '2026-01-02T00:00:00.000Z' });
    expect(await catalog.fmus.owned(alice.id, 'fmu_1')).toEqual(fmu);
    expect(await catalog.fmus.owned(bob.id, 'fmu_1')).toBeNull();
    expect((await catalog.fmus.list(alice.id)).map((row) => row.id)).toEqual(['fmu_1', 'fmu_2']);
    expect(await catalog.fmus.list(bob.id)).toEqual([]);
    expect(await catalog.fmus.countOf(alice.id)).toBe(2);
    expect(await catalog.fmus.countOf(bob.id)).toBe(0);
    expect(await catalog.fmus.delete(bob.id, 'fmu_1')).toBe(false);
    expect(await catalog.fmus.delete(alice.id, 'fmu_1')).toBe(true);
    expect(await catalog.fmus.owned(alice.id, 'fmu_1')).toBeNull();
    expect(await catalog.fmus.countOf(alice.id)).toBe(1);
  });

  it('keeps experiments per account, their state and results, and fails those a stopped server left running', async () => {
    const alice = (await catalog.accountByName('alice'))!;
    const bob = (await catalog.accountByName('bob'))!;
    const experiment = (id: string, createdAt: string) => ({
      id,
      account_id: alice.id,
      name: `exp ${id}`,
      status: 'queued' as const,
      yaml: 'name: x\n',
      factors_json: '["params.c"]',
      outputs_json: '["mean_wait"]',
      confidence: 0.95,
      done: 0,
      total: 0,
      cached: 0,
      error: null,
      results_json: null,
      created_at: createdAt,
      started_at: null,
      finished_at: null,
    });
    await catalog.experiments.insert(experiment('exp_1', '2026-01-01T00:00:00.000Z'));
    await catalog.experiments.insert(experiment('exp_2', '2026-01-02T00:00:00.000Z'));
    expect([await catalog.experiments.countOf(alice.id), await catalog.experiments.activeOf(alice.id)]).toEqual([2, 2]);
    const results = JSON.stringify({ estimates: [{ mean: 0.1 + 0.2 }] });
    await catalog.experiments.update('exp_1', {
      status: 'succeeded',
      done: 2 ** 33,
      total: 2 ** 33,
      cached: 1,
      results_json: results,
      started_at: '2026-01-01T00:00:01.000Z',
      finished_at: '2026-01-01T00:00:02.000Z',
    });
    const done = await catalog.experiments.owned(alice.id, 'exp_1');
    expect(done).toMatchObject({ status: 'succeeded', done: 2 ** 33, cached: 1, results_json: results });
    expect(await catalog.experiments.owned(bob.id, 'exp_1')).toBeNull();
    const listed = await catalog.experiments.list(alice.id);
    expect(listed.map((row) => row.id)).toEqual(['exp_1', 'exp_2']);
    expect(await catalog.experiments.list(bob.id)).toEqual([]);
    expect(await catalog.experiments.activeOf(alice.id)).toBe(1);
    expect(await catalog.experiments.failInterrupted('stopped', '2026-01-03T00:00:00.000Z')).toBe(1);
    expect(await catalog.experiments.owned(alice.id, 'exp_2')).toMatchObject({ status: 'failed', error: 'stopped' });
    expect((await catalog.experiments.owned(alice.id, 'exp_1'))?.status).toBe('succeeded');
    expect(await catalog.experiments.delete(bob.id, 'exp_1')).toBe(false);
    expect(await catalog.experiments.delete(alice.id, 'exp_2')).toBe(true);
    expect([await catalog.experiments.countOf(alice.id), await catalog.experiments.activeOf(alice.id)]).toEqual([1, 0]);
  });

  it('keeps everything across a reopen, which migrates nothing twice', async () => {
    const again = await reopen();
    try {
      expect((await again.listAccounts()).map((account) => account.name)).toEqual(['alice', 'bob']);
      expect(await again.simulation('sim_a')).toEqual(await catalog.simulation('sim_a'));
    } finally {
      await again.close();
    }
  });
});
