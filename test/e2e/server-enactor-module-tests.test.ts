/**
 * Scenario tests on the server (/api/v1/tests, /api/v1/testing) that deploy a user-supplied Enactor module: the
 * module is one of the directory `doppel serve --enactor-modules DIR` names, hashed into the test's scenario and
 * imported in the run's own worker. Through the real HTTP server: the guarded Enactor as a module keeps every rule
 * under the incident's stall (APPROVE) and its run opens as a simulation of the same code; a module that throws
 * fails its run naming the module while the server carries on; a module outside the directory is refused at once.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoppelApiError, DoppelClient, TestRun } from '@doppel/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './cli-helpers.js';
import { startTestServer, type TestServer } from './server-helpers.js';

const GUARDED = readFileSync('examples/controlplane/enactors/guarded.mjs', 'utf8');

/** The validation rules as the shipped example tests state them (one copy: the example's). */
const RULES = /\nrules: &rules\n((?: {2}.*\n)+)/.exec(
  readFileSync('examples/controlplane/enactor-legacy.test.yaml', 'utf8'),
)![1];

/** A test of a small region whose Enactor is the server's module `module`, one Enactor stalled after its check. */
const testYaml = (name: string, module: string): string =>
  [
    'doppel: 1',
    `name: ${name}`,
    'scenario:',
    '  seed: 7',
    '  inline:',
    '    doppel: 1',
    `    name: ${name}`,
    '    pack: controlplane',
    "    start: '2025-10-19T23:00:00Z'",
    '    duration: 2h',
    '    controlplane:',
    '      endpoints: { count: 20 }',
    `      enactor: { module: ${JSON.stringify(module)} }`,
    'steps:',
    "  - intervene: { asset: enactor-1, action: stall, args: { duration_seconds: 600 }, at: '23:30' }",
    '  - advance: 2h',
    'rules:',
    RULES,
  ].join('\n');

async function finished(client: DoppelClient, runId: string): Promise<TestRun> {
  const start = Date.now();
  for (;;) {
    const run = await client.tests.result(runId);
    if (run.status !== 'queued' && run.status !== 'running') return run;
    if (Date.now() - start > 240_000) throw new Error(`run ${runId} still ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('scenario tests on the server with user-supplied Enactor modules', () => {
  let modules: string;
  let server: TestServer;

  beforeAll(async () => {
    modules = tempDir('server-test-enactors');
    mkdirSync(modules, { recursive: true });
    writeFileSync(join(modules, 'guarded.mjs'), GUARDED);
    writeFileSync(
      join(modules, 'throws.mjs'),
      GUARDED.replace('write: (view) =>', "write: () => { throw new Error('boom'); }, unused: (view) =>"),
    );
    server = await startTestServer({ moduleDirs: { enactor: modules } });
  }, 60_000);

  afterAll(async () => {
    await server.close();
    rmSync(modules, { recursive: true, force: true });
  });

  it('the guarded Enactor as a module keeps every rule (APPROVE); its run opens as a simulation of the same code', async () => {
    const { client } = await server.account('module-tests');
    const test = await client.tests.create(testYaml('module-guarded', 'guarded.mjs'));
    expect(test.pack).toBe('controlplane');
    const run = await finished(client, (await client.tests.run(test.id)).id);
    expect(run.error).toBeNull();
    expect(run.verdict).toBe('APPROVE');
    const rules = run.result?.replications[0].rules ?? [];
    expect(rules.map((rule) => rule.id)).toContain('never_delete_active');
    for (const rule of rules) expect(rule.status, rule.id).toBe('passed');

    const sim = await client.tests.open(run.id, 3600);
    expect(sim.pack).toBe('controlplane');
    const snapshot = (await client.getSimulation(sim.id)) as unknown as { scenarioSha256: string };
    expect(snapshot.scenarioSha256).toMatch(/^[0-9a-f]{64}$/);
    const enactors = await client.assets(sim.id, 'enactor');
    expect(enactors.map((a) => a.state.version)).toEqual(['guarded-module', 'guarded-module', 'guarded-module']);
  }, 300_000);

  it('a module that throws fails its run with the module and the call named; the server carries on', async () => {
    const { client } = await server.account('module-throws');
    const test = await client.tests.create(testYaml('module-throws', 'throws.mjs'));
    const run = await finished(client, (await client.tests.run(test.id)).id);
    expect(run.verdict).not.toBe('APPROVE');
    const said = `${run.error ?? ''} ${JSON.stringify(run.result?.replications[0]?.error ?? '')}`;
    expect(said).toContain('throws.mjs');
    expect(said).toContain('write() threw: boom');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 300_000);

  it('a module outside the directory, or missing from it, is refused with the field named (422)', async () => {
    const { client } = await server.account('module-refused');
    for (const module of ['../escape.mjs', 'missing.mjs']) {
      const error = (await client.tests.create(testYaml('module-refused', module)).catch((e: unknown) => e)) as
        DoppelApiError | undefined;
      expect(error?.status, module).toBe(422);
      expect(JSON.stringify(error?.problem), module).toContain('controlplane.enactor.module');
    }
  }, 120_000);
});
