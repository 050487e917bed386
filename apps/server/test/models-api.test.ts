import { beforeAll, describe, expect, it } from 'vitest';
import { machineModelSchema, projectSchema } from '@doppel/twin/contracts';
import { appPerFile } from './test-app.js';

const tank = {
  name: 'one tank',
  components: [{ id: 'tank', type: 'tank', properties: { area_m2: 1.5 } }],
  connections: [],
};

describe('projects and machine models API', () => {
  const server = appPerFile('models-api');
  let alice: string;
  let mallory: string;

  const call = (key: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    server.built.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  beforeAll(async () => {
    alice = await server.keyFor('alice');
    mallory = await server.keyFor('mallory', ['read', 'write', 'admin']);
  });

  it('creates, lists, renames and deletes projects with their models', async () => {
    const created = await call(alice, 'POST', '/api/v1/projects', { name: 'line 1' });
    expect(created.statusCode).toBe(201);
    const project = projectSchema.parse(created.json());
    expect(project).toMatchObject({ name: 'line 1', description: null });
    expect((await call(alice, 'GET', '/api/v1/projects')).json()).toEqual([project]);

    const patched = await call(alice, 'PATCH', `/api/v1/projects/${project.id}`, { description: 'bottling' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'line 1', description: 'bottling' });

    const added = await call(alice, 'POST', `/api/v1/projects/${project.id}/models`, tank);
    expect(added.statusCode).toBe(201);
    const model = machineModelSchema.parse(added.json());
    expect(model).toMatchObject({ projectId: project.id, name: 'one tank', connections: [] });
    expect(model.components[0]).toMatchObject({ id: 'tank', type: 'tank', properties: { area_m2: 1.5 } });
    expect((await call(alice, 'GET', `/api/v1/projects/${project.id}/models`)).json()).toEqual([model]);
    expect((await call(alice, 'GET', `/api/v1/models/${model.id}`)).json()).toEqual(model);

    const replaced = await call(alice, 'PUT', `/api/v1/models/${model.id}`, { ...tank, name: 'renamed' });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ id: model.id, name: 'renamed' });

    const pump = { id: 'pump', type: 'pump', properties: {} };
    const put = await call(alice, 'PUT', `/api/v1/models/${model.id}/components`, [...model.components, pump]);
    expect(put.statusCode).toBe(200);
    expect((await call(alice, 'GET', `/api/v1/models/${model.id}/components`)).json()).toHaveLength(2);
    const wire = {
      source_component_id: 'pump',
      source_port: 'flow',
      target_component_id: 'tank',
      target_port: 'inflow',
    };
    expect((await call(alice, 'PUT', `/api/v1/models/${model.id}/connections`, [wire])).statusCode).toBe(200);
    expect((await call(alice, 'GET', `/api/v1/models/${model.id}/connections`)).json()).toEqual([wire]);
    expect((await call(alice, 'GET', `/api/v1/models/${model.id}`)).json()).toMatchObject({
      name: 'renamed',
      connections: [wire],
    });
    expect((await call(mallory, 'GET', `/api/v1/models/${model.id}/components`)).statusCode).toBe(404);
    expect((await call(mallory, 'PUT', `/api/v1/models/${model.id}/connections`, [])).statusCode).toBe(404);
    expect((await call(alice, 'DELETE', `/api/v1/models/${model.id}`)).statusCode).toBe(204);
    expect((await call(alice, 'GET', `/api/v1/models/${model.id}`)).statusCode).toBe(404);
    expect((await call(alice, 'DELETE', `/api/v1/projects/${project.id}`)).statusCode).toBe(204);
    expect((await call(alice, 'GET', `/api/v1/projects/${project.id}`)).statusCode).toBe(404);
  });

  it('refuses a model whose connection lacks a field, naming the field', async () => {
    const project = projectSchema.parse((await call(alice, 'POST', '/api/v1/projects', { name: 'p' })).json());
    const bad = await call(alice, 'POST', `/api/v1/projects/${project.id}/models`, {
      ...tank,
      connections: [{ source_component_id: 'tank', source_port: 'out', target_component_id: 'tank' }],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(bad.json())).toContain('target_port');
  });

  it('refuses a model that does not compile, naming components and ports, and stores nothing', async () => {
    const project = projectSchema.parse((await call(alice, 'POST', '/api/v1/projects', { name: 'checks' })).json());
    const wire = (from: string, out: string, to: string, into: string) => ({
      source_component_id: from,
      source_port: out,
      target_component_id: to,
      target_port: into,
    });
    const parts = {
      name: 'plant',
      components: [
        { id: 'tank', type: 'tank', properties: {} },
        { id: 'heater', type: 'heater', properties: {} },
        { id: 'a', type: 'pipe', properties: {} },
        { id: 'b', type: 'pipe', properties: {} },
      ],
    };
    const issuesOf = (response: { json: () => unknown }) =>
      (response.json() as { code: string; issues: { path: string; message: string }[] }).issues;

    const mismatch = await call(alice, 'POST', `/api/v1/projects/${project.id}/models`, {
      ...parts,
      connections: [wire('tank', 'level', 'heater', 'power')],
    });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json()).toMatchObject({ code: 'DOPPEL_ERR_PROCESS_MODEL_INVALID' });
    expect(issuesOf(mismatch)[0]?.path).toBe('body.connections[0]');
    expect(issuesOf(mismatch)[0]?.message).toMatch(/unit mismatch: tank\.level gives m .* heater\.power takes W/);

    const loop = await call(alice, 'POST', `/api/v1/projects/${project.id}/models`, {
      ...parts,
      connections: [wire('a', 'flow', 'b', 'flow_in'), wire('b', 'flow', 'a', 'flow_in')],
    });
    expect(loop.statusCode).toBe(422);
    expect(issuesOf(loop)[0]?.message).toMatch(/algebraic loop: .*a\.flow → b\.flow_in/);

    const unknownPort = await call(alice, 'POST', `/api/v1/projects/${project.id}/models`, {
      ...parts,
      connections: [wire('heater', 'heat', 'tank', 'warmth')],
    });
    expect(unknownPort.statusCode).toBe(422);
    expect(issuesOf(unknownPort)[0]).toMatchObject({ path: 'body.connections[0].target_port' });
    expect(issuesOf(unknownPort)[0]?.message).toContain('tank "tank" has no input "warmth"');

    const badProperty = await call(alice, 'POST', `/api/v1/projects/${project.id}/models`, {
      ...parts,
      components: [{ id: 'tank', type: 'tank', properties: { area_m2: -1 } }],
    });
    expect(issuesOf(badProperty)[0]?.path).toBe('body.components[0].properties.area_m2');
    expect((await call(alice, 'GET', `/api/v1/projects/${project.id}/models`)).json()).toEqual([]);

    // Saved apart: a bad connection list is located in the body; removing a wired component names the stored wire.
    const good = machineModelSchema.parse(
      (
        await call(alice, 'POST', `/api/v1/projects/${project.id}/models`, {
          ...parts,
          connections: [wire('heater', 'heat', 'tank', 'heat')],
        })
      ).json(),
    );
    const badWires = await call(alice, 'PUT', `/api/v1/models/${good.id}/connections`, [
      wire('tank', 'level', 'heater', 'power'),
    ]);
    expect(badWires.statusCode).toBe(422);
    expect(issuesOf(badWires)[0]?.path).toBe('body[0]');
    const orphan = await call(alice, 'PUT', `/api/v1/models/${good.id}/components`, [parts.components[0]]);
    expect(orphan.statusCode).toBe(422);
    expect(issuesOf(orphan)[0]).toMatchObject({ path: 'model.connections[0].source_component_id' });
    expect(issuesOf(orphan)[0]?.message).toContain('no component "heater"');
    expect((await call(alice, 'GET', `/api/v1/models/${good.id}`)).json()).toEqual(good);
    const badPut = await call(alice, 'PUT', `/api/v1/models/${good.id}`, {
      ...parts,
      connections: [wire('tank', 'level', 'heater', 'power')],
    });
    expect(badPut.statusCode).toBe(422);
    expect((await call(alice, 'GET', `/api/v1/models/${good.id}`)).json()).toEqual(good);
  });

  it('validates the ports of a component of variable arity against its properties on save', async () => {
    const project = projectSchema.parse((await call(alice, 'POST', '/api/v1/projects', { name: 'arity' })).json());
    const feed = (n: number) => ({
      id: `feed${n}`,
      type: 'source',
      properties: { kind: 'constant', value: 0.1, unit: 'L/s' },
    });
    const model = (inlets: number, port: string) => ({
      name: 'junction',
      components: [feed(1), feed(2), feed(3), { id: 'mix', type: 'mixer', properties: { inlets } }],
      connections: [1, 2, 3].map((n) => ({
        source_component_id: `feed${n}`,
        source_port: 'out',
        target_component_id: 'mix',
        target_port: n === 3 ? port : `flow_${n}`,
      })),
    });
    const saved = await call(alice, 'POST', `/api/v1/projects/${project.id}/models`, model(3, 'flow_3'));
    expect(saved.statusCode).toBe(201);
    const refused = await call(alice, 'POST', `/api/v1/projects/${project.id}/models`, model(2, 'flow_3'));
    expect(refused.statusCode).toBe(422);
    const issue = (refused.json() as { issues: { path: string; message: string }[] }).issues[0];
    expect(issue?.path).toBe('body.connections[2].target_port');
    expect(issue?.message).toMatch(
      /mixer "mix" has no input "flow_3" \(it has flow_1, temperature_1, flow_2, temperature_2\)/,
    );
  });

  it("answers 404 for another account's project and model, as for missing ones", async () => {
    const project = projectSchema.parse((await call(alice, 'POST', '/api/v1/projects', { name: 'mine' })).json());
    const model = machineModelSchema.parse(
      (await call(alice, 'POST', `/api/v1/projects/${project.id}/models`, tank)).json(),
    );
    expect((await call(mallory, 'GET', `/api/v1/projects/${project.id}`)).statusCode).toBe(404);
    expect((await call(mallory, 'PATCH', `/api/v1/projects/${project.id}`, { name: 'x' })).statusCode).toBe(404);
    expect((await call(mallory, 'DELETE', `/api/v1/projects/${project.id}`)).statusCode).toBe(404);
    expect((await call(mallory, 'GET', `/api/v1/projects/${project.id}/models`)).statusCode).toBe(404);
    expect((await call(mallory, 'POST', `/api/v1/projects/${project.id}/models`, tank)).statusCode).toBe(404);
    expect((await call(mallory, 'GET', `/api/v1/models/${model.id}`)).statusCode).toBe(404);
    expect((await call(mallory, 'PUT', `/api/v1/models/${model.id}`, tank)).statusCode).toBe(404);
    expect((await call(mallory, 'DELETE', `/api/v1/models/${model.id}`)).statusCode).toBe(404);
    expect((await call(mallory, 'GET', '/api/v1/projects')).json()).toEqual([]);
    expect((await call(alice, 'GET', `/api/v1/models/${model.id}`)).statusCode).toBe(200);
  });
});
