import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, type DoppelApp } from '../src/index.js';

/**
 * A worker kept busy: with slices of a hundred million events a run of a day never yields to its request loop, so
 * requests wait for it (as they would for a model that computes for long, or a history being re-executed).
 */
const limits = { requestTimeoutMs: 400, sliceEvents: 100_000_000 };

describe('a request waiting on a busy simulation worker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-busy-'));
  const apps: DoppelApp[] = [];
  afterAll(async () => {
    for (const built of apps) await built.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = async (): Promise<DoppelApp> => {
    const built = await buildApp({ dataDir: dir, logLevel: false, webDir: null, limits });
    apps.push(built);
    return built;
  };

  const expectBusy = (response: { statusCode: number; headers: Record<string, unknown>; body: string }): void => {
    expect(response.statusCode, response.body).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    const problem = JSON.parse(response.body) as { code: string; detail: string };
    expect(problem.code).toBe('DOPPEL_ERR_TIMEOUT');
    expect(problem.detail).not.toMatch(/\n\s+at /);
  };

  it('answers 503 DOPPEL_ERR_TIMEOUT with a Retry-After; the worker goes on and is reachable after', async () => {
    const first = await open();
    const key = (await first.context.catalog.createAccount('busy')).key;
    const headers = { authorization: `Bearer ${key}` };
    const created = await first.app.inject({
      method: 'POST',
      url: '/api/v1/simulations',
      headers,
      payload: { example: 'city-1000' },
    });
    const id = (created.json() as { id: string }).id;
    const url = `/api/v1/simulations/${id}`;
    const run = first.app.inject({ method: 'POST', url: `${url}/run-until`, headers, payload: { t: 86_400 } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const read = first.app.inject({ method: 'GET', url: `${url}/interventions`, headers });
    expectBusy(await run);
    expectBusy(await read);
    // The worker was not stopped: it finishes the run (and writes its ledger), then answers again.
    let status = 503;
    while (status === 503) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await first.app.inject({ method: 'GET', url: `${url}/interventions`, headers })).statusCode;
    }
    expect(status).toBe(200);
    const info = (await first.app.inject({ method: 'GET', url, headers })).json() as { simTime: number };
    expect(info).toMatchObject({ simTime: 86_400, status: 'finished' });
    await first.app.close();
    apps.length = 0;

    // After a restart the first request brings the worker back, re-executing the day: it does not wait for that.
    const second = await open();
    expectBusy(await second.app.inject({ method: 'GET', url: `${url}/interventions`, headers }));
    status = 503;
    while (status === 503) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await second.app.inject({ method: 'GET', url: `${url}/interventions`, headers })).statusCode;
    }
    expect(status).toBe(200);
  }, 120_000);
});
