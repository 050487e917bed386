import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshSchema, postgresAvailable } from '@doppel/catalog/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type DoppelApp } from '../src/index.js';

// The whole catalog moves to PostgreSQL with one option: accounts, simulations and webhooks live there, across a
// restart, while ledgers stay in the data directory.
describe.runIf(await postgresAvailable())('server with its catalog in PostgreSQL', () => {
  const schema = freshSchema();
  let dir: string;
  let built: DoppelApp;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doppel-pg-app-'));
  });
  afterAll(async () => {
    await built?.app.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps accounts, simulations and webhooks in PostgreSQL across a restart', async () => {
    const start = () =>
      buildApp({
        dataDir: dir,
        catalogUrl: schema.url,
        logLevel: false,
        webDir: null,
        webhooks: { allowHosts: ['127.0.0.1'] },
      });
    built = await start();
    expect(built.context.catalog.dialect).toBe('postgres');
    const { key } = await built.context.catalog.createAccount('ops', ['read', 'write']);
    const headers = { authorization: `Bearer ${key}` };
    const created = await built.app.inject({
      method: 'POST',
      url: '/api/v1/simulations',
      headers,
      payload: { example: 'city-10', name: 'on postgres' },
    });
    expect(created.statusCode).toBe(201);
    const simId = (created.json() as { id: string }).id;
    const ran = await built.app.inject({
      method: 'POST',
      url: `/api/v1/simulations/${simId}/run-until`,
      headers,
      payload: { t: 600 },
    });
    expect(ran.statusCode).toBe(200);
    const hook = await built.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers,
      payload: { url: 'http://127.0.0.1:9/hook', eventTypes: ['simulation.status'] },
    });
    expect(hook.statusCode).toBe(201);
    await built.app.close();

    built = await start();
    const listed = await built.app.inject({ method: 'GET', url: '/api/v1/simulations', headers });
    expect(listed.json()).toEqual([expect.objectContaining({ id: simId, name: 'on postgres' })]);
    const sim = await built.app.inject({ method: 'GET', url: `/api/v1/simulations/${simId}`, headers });
    expect((sim.json() as { simTime: number }).simTime).toBe(600);
    const hooks = await built.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers });
    expect(hooks.json()).toHaveLength(1);
    // Another account sees none of it.
    const other = await built.context.catalog.createAccount('other', ['read']);
    const foreign = await built.app.inject({
      method: 'GET',
      url: `/api/v1/simulations/${simId}`,
      headers: { authorization: `Bearer ${other.key}` },
    });
    expect(foreign.statusCode).toBe(404);
  });
});
