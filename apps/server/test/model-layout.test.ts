import { beforeAll, describe, expect, it } from 'vitest';
import { machineModelSchema, modelLayoutSchema, projectSchema } from '@doppel/twin/contracts';
import { appPerFile } from './test-app.js';

const components = [
  { id: 'feed', type: 'source', properties: { value: 0.1, unit: 'L/s' } },
  { id: 'tank', type: 'tank', properties: {} },
];
const connections = [
  { source_component_id: 'feed', source_port: 'out', target_component_id: 'tank', target_port: 'inflow' },
];
const layout = {
  nodes: { feed: { x: 40, y: 80 }, tank: { x: 320.5, y: -60 } },
  viewport: { x: -12, y: 30, zoom: 1.25 },
};

describe('a machine model keeps its canvas layout in the catalog', () => {
  const server = appPerFile('model-layout');
  let alice: string;
  let mallory: string;
  let projectId: string;

  const call = (key: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    server.built.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const create = async (extra: Record<string, unknown> = {}) => {
    const res = await call(alice, 'POST', `/api/v1/projects/${projectId}/models`, {
      name: 'feed and tank',
      components,
      connections,
      ...extra,
    });
    expect(res.statusCode).toBe(201);
    return machineModelSchema.parse(res.json());
  };

  beforeAll(async () => {
    alice = await server.keyFor('alice');
    mallory = await server.keyFor('mallory', ['read', 'write', 'admin']);
    projectId = projectSchema.parse((await call(alice, 'POST', '/api/v1/projects', { name: 'p' })).json()).id;
  });

  it('is saved with the model, read back with it and on its own, and replaced on its own', async () => {
    const model = await create({ layout });
    expect(model.layout).toEqual(layout);
    expect(machineModelSchema.parse((await call(alice, 'GET', `/api/v1/models/${model.id}`)).json()).layout).toEqual(
      layout,
    );
    expect((await call(alice, 'GET', `/api/v1/models/${model.id}/layout`)).json()).toEqual(layout);

    const moved = { nodes: { ...layout.nodes, tank: { x: 500, y: 0 } }, viewport: null };
    const put = await call(alice, 'PUT', `/api/v1/models/${model.id}/layout`, moved);
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual(moved);
    const after = machineModelSchema.parse((await call(alice, 'GET', `/api/v1/models/${model.id}`)).json());
    expect(after.layout).toEqual(moved);
    expect(after.components).toEqual(model.components);
    expect(after.updatedAt >= model.updatedAt).toBe(true);
  });

  it('a model saved without one has an empty layout; a save that leaves it out keeps it, minus removed components', async () => {
    const bare = await create();
    expect(bare.layout).toEqual({ nodes: {}, viewport: null });

    const model = await create({ layout });
    const renamed = await call(alice, 'PUT', `/api/v1/models/${model.id}`, {
      name: 'renamed',
      components,
      connections,
    });
    expect(renamed.statusCode).toBe(200);
    expect(machineModelSchema.parse(renamed.json()).layout).toEqual(layout);

    // Replacing the components alone drops the places of those that are gone, as it drops their wires.
    const onlyTank = await call(alice, 'PUT', `/api/v1/models/${model.id}/connections`, []);
    expect(onlyTank.statusCode).toBe(200);
    expect((await call(alice, 'PUT', `/api/v1/models/${model.id}/components`, [components[1]])).statusCode).toBe(200);
    expect((await call(alice, 'GET', `/api/v1/models/${model.id}/layout`)).json()).toEqual({
      nodes: { tank: layout.nodes.tank },
      viewport: layout.viewport,
    });
  });

  it('refuses a layout placing a component the model lacks, or out of bounds, with the field named; nothing stored', async () => {
    const model = await create({ layout });
    const ghost = await call(alice, 'PUT', `/api/v1/models/${model.id}/layout`, {
      nodes: { tank: { x: 1, y: 1 }, ghost: { x: 0, y: 0 } },
    });
    expect(ghost.statusCode).toBe(422);
    expect(ghost.headers['content-type']).toContain('application/problem+json');
    expect(ghost.json()).toMatchObject({
      code: 'DOPPEL_ERR_VALIDATION',
      issues: [{ path: 'body.nodes.ghost', message: 'the model has no component "ghost"' }],
    });
    const whole = await call(alice, 'PUT', `/api/v1/models/${model.id}`, {
      name: 'x',
      components,
      connections,
      layout: { nodes: { ghost: { x: 0, y: 0 } } },
    });
    expect(whole.statusCode).toBe(422);
    expect(whole.json().issues[0].path).toBe('body.layout.nodes.ghost');

    for (const bad of [
      { nodes: { tank: { x: 1e9, y: 0 } } },
      { nodes: {}, viewport: { x: 0, y: 0, zoom: 0 } },
      { nodes: { tank: { x: 'left', y: 0 } } },
      { nodes: {}, extra: true },
    ]) {
      const res = await call(alice, 'PUT', `/api/v1/models/${model.id}/layout`, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(422);
      expect(res.json().issues.length).toBeGreaterThan(0);
      expect(String(res.json().issues[0].path)).toMatch(/^body/);
    }
    expect((await call(alice, 'GET', `/api/v1/models/${model.id}/layout`)).json()).toEqual(layout);
  });

  it("another account's model answers 404 for its layout, read or written", async () => {
    const model = await create({ layout });
    expect((await call(mallory, 'GET', `/api/v1/models/${model.id}/layout`)).statusCode).toBe(404);
    expect((await call(mallory, 'PUT', `/api/v1/models/${model.id}/layout`, { nodes: {} })).statusCode).toBe(404);
    expect(modelLayoutSchema.parse((await call(alice, 'GET', `/api/v1/models/${model.id}/layout`)).json())).toEqual(
      layout,
    );
  });
});
