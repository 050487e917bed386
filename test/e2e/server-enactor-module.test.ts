import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoppelApiError } from '@doppel/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './cli-helpers.js';
import { startTestServer, type TestServer } from './server-helpers.js';

/** Polls `check` until it gives a value (or fails after `timeoutMs`). */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const GUARDED = readFileSync('examples/controlplane/enactors/guarded.mjs', 'utf8');

/** A control-plane scenario of a few endpoints whose Enactor is the server's module `module`. */
const scenario = (module: string, duration = '6h'): string =>
  [
    'doppel: 1',
    `name: cp-${module.replace(/[^a-z]/g, '')}`,
    'pack: controlplane',
    "start: '2025-10-19T00:00:00Z'",
    `duration: ${duration}`,
    'seed: 7',
    'controlplane:',
    '  endpoints: { count: 5 }',
    `  enactor: { module: ${JSON.stringify(module)} }`,
    '',
  ].join('\n');

describe('user-supplied Enactor modules on the server (--enactor-modules DIR)', () => {
  let modules: string;
  let server: TestServer;

  beforeAll(async () => {
    modules = tempDir('server-enactors');
    mkdirSync(modules, { recursive: true });
    writeFileSync(join(modules, 'guarded.mjs'), GUARDED);
    writeFileSync(
      join(modules, 'loops.mjs'),
      GUARDED.replace('write: (view) =>', 'write: () => { for (;;); }, unused: (view) =>'),
    );
    writeFileSync(
      join(modules, 'throws.mjs'),
      GUARDED.replace('write: (view) =>', "write: () => { throw new Error('boom'); }, unused: (view) =>"),
    );
    writeFileSync(join(modules, 'lacks.mjs'), GUARDED.replace('cleanup: (view) =>', 'cleanUp: (view) =>'));
    // Short enough for a test, long enough that a loaded machine's slow workers are not taken for hung ones.
    server = await startTestServer({ moduleDirs: { enactor: modules }, limits: { workerHeartbeatTimeoutMs: 3_000 } });
  }, 60_000);

  afterAll(async () => {
    await server.close();
    rmSync(modules, { recursive: true, force: true });
  });

  it(
    'a module that loops fails its simulation with a clear message; /health answers and another simulation runs on',
    { timeout: 120_000 },
    async () => {
      const { client } = await server.account('looper');
      const other = await client.createSimulation({ scenario: scenario('guarded.mjs', '30d') });
      const looping = await client.createSimulation({ scenario: scenario('loops.mjs') });
      await client.run(other.id, { speed: 3_600 });
      await client.run(looping.id);
      const failed = await eventually(async () => {
        const now = await client.getSimulation(looping.id);
        return now.status === 'failed' ? now : undefined;
      }, 60_000);
      expect(failed.error).toContain('The simulation stopped responding');
      expect(failed.error).toContain('its Enactor module loops.mjs may never return');
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      const before = await client.getSimulation(other.id);
      expect(before).toMatchObject({ status: 'running', error: null });
      const later = await eventually(async () => {
        const now = await client.getSimulation(other.id);
        return now.simTime > before.simTime ? now : undefined;
      });
      expect(later.status).toBe('running');
      expect((await client.pause(other.id)).status).toBe('paused');
    },
  );

  it(
    'a module that throws fails its simulation naming the module, the call and the code',
    { timeout: 60_000 },
    async () => {
      const { client } = await server.account('thrower');
      const sim = await client.createSimulation({ scenario: scenario('throws.mjs') });
      await client.run(sim.id);
      const failed = await eventually(async () => {
        const now = await client.getSimulation(sim.id);
        return now.status === 'failed' ? now : undefined;
      });
      expect(failed.error).toContain('throws.mjs: write() threw: boom');
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    },
  );

  it('refuses, located (422), a module outside the directory, a missing one and one that is no Enactor', async () => {
    const { client } = await server.account('refused');
    const refusal = async (module: string): Promise<DoppelApiError> =>
      (await client
        .createSimulation({ scenario: scenario(module) })
        .catch((error: DoppelApiError) => error)) as DoppelApiError;
    const outside = await refusal('../guarded.mjs');
    expect(outside.status).toBe(422);
    expect(outside.message).toContain('scenario.controlplane.enactor.module: "../guarded.mjs" is outside');
    const missing = await refusal('nope.mjs');
    expect(missing.status).toBe(422);
    expect(missing.message).toContain('no Enactor module "nope.mjs"');
    const lacks = await refusal('lacks.mjs');
    expect(lacks.status).toBe(422);
    expect(lacks.message).toContain('the Enactor lacks member `cleanup`');
    expect(lacks.message).toContain('DOPPEL_ERR_ENACTOR_MODULE_INVALID');
  }, 60_000);

  it('a server started without a modules directory refuses any scenario naming a module', async () => {
    const plain = await startTestServer();
    try {
      const { client } = await plain.account('plain');
      const error = (await client
        .createSimulation({ scenario: scenario('guarded.mjs') })
        .catch((caught: DoppelApiError) => caught)) as DoppelApiError;
      expect(error.status).toBe(422);
      expect(error.message).toContain('this server runs no Enactor modules');
    } finally {
      await plain.close();
    }
  }, 60_000);
});
