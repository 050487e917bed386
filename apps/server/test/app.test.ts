import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/index.js';
import { appPerFile } from './test-app.js';

describe('app factory (inject, no socket)', () => {
  const server = appPerFile('app');
  let admin: string;
  beforeAll(async () => {
    admin = await server.keyFor('root', ['admin']);
  });

  it('serves health and an OpenAPI 3 document generated from the route schemas', async () => {
    expect((await server.built.app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ status: 'ok' });
    const spec = (await server.built.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.paths['/api/v1/simulations/{simId}/run-until'].post.requestBody).toBeDefined();
    expect(spec.paths['/api/v1/twin/vehicles/{id}/state']).toBeDefined();
    expect((await server.built.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('registers each route file as an encapsulated plugin that inherits auth and problem handling', async () => {
    const tree = server.built.app.printPlugins();
    for (const name of [
      'systemRoutes',
      'simulationRoutes',
      'dataRoutes',
      'twinRoutes',
      'webhookRoutes',
      'streamRoutes',
    ]) {
      expect(tree).toContain(name);
    }
    const anonymous = await server.built.app.inject({ method: 'GET', url: '/api/v1/simulations' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
  });

  it('creates accounts (admin only) and shows the key once', async () => {
    const created = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: { authorization: `Bearer ${admin}` },
      payload: { name: 'bob', scopes: ['read'] },
    });
    expect(created.statusCode).toBe(201);
    const { key } = created.json() as { key: string };
    const me = await server.built.app.inject({
      method: 'GET',
      url: '/api/v1/account',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(me.json()).toMatchObject({ name: 'bob', scopes: ['read'] });
    const denied = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: { authorization: `Bearer ${key}` },
      payload: { name: 'eve' },
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['content-type']).toContain('application/problem+json');
    expect(denied.json()).toMatchObject({ code: 'DOPPEL_ERR_FORBIDDEN', status: 403 });
  });

  it('answers unknown routes, malformed JSON and oversized bodies with problems', async () => {
    const auth = { authorization: `Bearer ${admin}` };
    const missing = await server.built.app.inject({ method: 'GET', url: '/api/v1/nothing', headers: auth });
    expect(missing.json()).toMatchObject({ code: 'DOPPEL_ERR_NOT_FOUND', status: 404 });
    const malformed = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/simulations',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"example": ',
    });
    expect(malformed.json()).toMatchObject({ code: 'DOPPEL_ERR_MALFORMED_BODY', status: 400 });
    const huge = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/scenarios/validate',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ scenario: 'x'.repeat(3 * 1024 * 1024) }),
    });
    expect(huge.json()).toMatchObject({ code: 'DOPPEL_ERR_PAYLOAD_TOO_LARGE', status: 413 });
  });

  it('validates scenarios with located issues and lists packs with intervention schemas', async () => {
    const auth = { authorization: `Bearer ${admin}` };
    const checked = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/scenarios/validate',
      headers: auth,
      payload: { scenario: 'doppel: 1\nname: x\npack: swap\nduraton: 1h\n' },
    });
    const body = checked.json() as { valid: boolean; issues: { line?: number; path: string }[] };
    expect(body.valid).toBe(false);
    expect(body.issues.some((issue) => issue.line === 4)).toBe(true);
    const pack = (
      await server.built.app.inject({ method: 'GET', url: '/api/v1/packs/swap', headers: auth })
    ).json() as {
      assetKinds: {
        kind: string;
        interventions: { name: string; argsSchema: { properties: Record<string, unknown> } }[];
      }[];
    };
    const station = pack.assetKinds.find((kind) => kind.kind === 'station');
    const fault = station?.interventions.find((item) => item.name === 'inject_fault');
    expect(Object.keys(fault?.argsSchema.properties ?? {})).toEqual(['target', 'fault_type', 'duration_seconds']);
    const examples = (
      await server.built.app.inject({ method: 'GET', url: '/api/v1/examples', headers: auth })
    ).json() as {
      id: string;
    }[];
    expect(examples.map((example) => example.id)).toEqual(expect.arrayContaining(['city-100', 'evening-peak']));
  });
});

describe('scenario bodies', () => {
  it('accepts a scenario posted as YAML and answers its problems located by line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-yaml-'));
    const built = await buildApp({ dataDir: dir, logLevel: false, webDir: null });
    try {
      const key = (await built.context.catalog.createAccount('yaml', ['read', 'write'])).key;
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/yaml' };
      const bad = await built.app.inject({
        method: 'POST',
        url: '/api/v1/simulations',
        headers,
        payload:
          'doppel: 1\nname: tiny\npack: swap\nstart: 2026-06-02T00:00:00+02:00\ntimezone: Europe/Paris\nduration: 1h\nseed: 1\nswap:\n  layout:\n    count: -3\n',
      });
      expect(bad.statusCode).toBe(422);
      const problem = bad.json() as { code: string; issues: { line: number; path: string }[] };
      expect(problem.code).toBe('DOPPEL_ERR_SCENARIO_INVALID');
      expect(problem.issues[0]).toMatchObject({ line: 10 });
      const good = await built.app.inject({
        method: 'POST',
        url: '/api/v1/simulations',
        headers,
        payload:
          'doppel: 1\nname: tiny\npack: swap\nstart: 2026-06-02T00:00:00+02:00\ntimezone: Europe/Paris\nduration: 1h\nseed: 1\nswap:\n  layout:\n    count: 3\n',
      });
      expect(good.statusCode).toBe(201);
      expect(good.json()).toMatchObject({ name: 'tiny', pack: 'swap', status: 'ready', durationS: 3600 });
      // A control call without any body (plain `curl -X POST`) means "no options".
      const id = (good.json() as { id: string }).id;
      const paused = await built.app.inject({
        method: 'POST',
        url: `/api/v1/simulations/${id}/pause`,
        headers: { authorization: `Bearer ${key}` },
      });
      expect(paused.statusCode).toBe(200);
    } finally {
      await built.app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
