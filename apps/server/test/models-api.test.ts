import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineModelSchema, projectSchema } from '@doppel/twin/contracts';
import { buildApp, type DoppelApp } from '../src/index.js';

const tank = {
  name: 'one tank',
  components: [{ id: 'tank', type: 'tank', properties: { area_m2: 1.5 } }],
  connections: [],
};

describe('projects and machine models API', () => {
  let built: DoppelApp;
  let dir: string;
  let alice: string;
  let mallory: string;

  const call = (key: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    built.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doppel-models-api-'));
    built = await buildApp({ dataDir: dir, logLevel: false, webDir: null });
    alice = (await built.context.catalog.createAccount('alice')).key;
    mallory = (await built.context.catalog.createAccount('mallory', ['read', 'write', 'admin'])).key;
  });
  afterAll(async () => {
    await built.app.close();
    rmSync(dir, { recursive: true, force: true });
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
    const wire = { source_component_id: 'pump', source_port: 'out', target_component_id: 'tank', target_port: 'in' };
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
