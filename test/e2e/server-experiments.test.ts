import { DoppelApiError, type DoppelClient, type Experiment } from '@doppel/client';
import { loadExperimentText, runExperiment } from '@doppel/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from './cli-helpers.js';
import { startTestServer, type TestServer } from './server-helpers.js';

// Experiments through the real HTTP server: queued, run in the background, followed to their results (each output
// at each point with its interval, paired deltas), the same numbers as the lab computes in-process; per account;
// located 422s for bad text; cancel; finished results kept in the catalog across a restart.

const MMC = `name: mmc-api
seed: 7
base:
  model: mmc
  params: { lam: 2.4, mu: 1, until: 3000, warmup: 200 }
factors:
  params.c: [3, 4]
replications: 5
outputs: [mean_wait, erlang_c_wait]
`;

/** Long enough to be cancelled while it runs: 2 points of 400 replications of 200,000 minutes. */
const LONG = MMC.replace('until: 3000', 'until: 200000').replace('replications: 5', 'replications: 400');

async function settled(client: DoppelClient, id: string, timeoutMs = 90_000): Promise<Experiment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const experiment = await client.experiments.get(id);
    if (!['queued', 'running'].includes(experiment.status) || Date.now() > deadline) return experiment;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function refusal(promise: Promise<unknown>): Promise<DoppelApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DoppelApiError);
  return error as DoppelApiError;
}

describe('/api/v1/experiments', () => {
  const dataDir = tempDir('experiments-api');
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dataDir });
  });
  afterAll(async () => {
    await server.close();
  });

  it('runs an experiment to its intervals, the same as the lab in-process, for its account only', async () => {
    const { client, key } = await server.account('modeller');
    const created = await client.experiments.create(MMC);
    expect(created).toMatchObject({ name: 'mmc-api', factors: ['params.c'], outputs: ['mean_wait', 'erlang_c_wait'] });
    expect(['queued', 'running']).toContain(created.status);
    const done = await settled(client, created.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.progress).toEqual({ done: 10, total: 10, cached: 0 });
    const results = done.results!;
    expect(results.points.map((point) => point.settings)).toEqual([{ 'params.c': 3 }, { 'params.c': 4 }]);
    expect(results.estimates).toHaveLength(4);
    for (const row of results.estimates) {
      expect(row.n).toBe(5);
      expect(row.ciLow!).toBeLessThanOrEqual(row.mean);
      expect(row.ciHigh!).toBeGreaterThanOrEqual(row.mean);
    }
    const local = await runExperiment(loadExperimentText(MMC, 'experiment.yaml'), {
      workers: 1,
      packsModule: new URL('../../apps/server/src/packs.ts', import.meta.url).href,
      cache: null,
    });
    expect(
      results.estimates.map(({ pointIndex, output, mean, ciLow, ciHigh }) => [pointIndex, output, mean, ciLow, ciHigh]),
    ).toEqual(local.estimates.map((row) => [row.point.index, row.output, row.mean, row.ciLow, row.ciHigh]));
    expect(results.deltas.map((row) => [row.pointIndex, row.output, row.mean, row.varianceReduction])).toEqual(
      local.deltas.map((row) => [row.point.index, row.output, row.mean, row.varianceReduction]),
    );
    expect((await client.experiments.list()).map((item) => item.id)).toContain(created.id);

    // Another account neither lists, reads, cancels nor deletes it.
    const other = await server.account('other');
    expect(await other.client.experiments.list()).toEqual([]);
    for (const call of [
      () => other.client.experiments.get(created.id),
      () => other.client.experiments.cancel(created.id),
      () => other.client.experiments.delete(created.id),
    ]) {
      expect((await refusal(call())).status).toBe(404);
    }
    // A finished experiment has nothing to cancel.
    const finished = await refusal(client.experiments.cancel(created.id));
    expect([finished.status, finished.code]).toEqual([409, 'DOPPEL_ERR_EXPERIMENT_FINISHED']);

    // Its results outlive the server (they are in the catalog); one the server stopped in the middle of is failed.
    const interrupted = await client.experiments.create(LONG);
    await server.close();
    server = await startTestServer({ dataDir });
    const kept = await server.client(key).experiments.get(created.id);
    expect([kept.status, kept.results, kept.progress]).toEqual(['succeeded', done.results, done.progress]);
    const failed = await server.client(key).experiments.get(interrupted.id);
    expect([failed.status, failed.error]).toEqual([
      'failed',
      'The server stopped before the experiment finished: run it again',
    ]);
    expect((await server.client(key).experiments.list()).map((item) => item.id)).toEqual([interrupted.id, created.id]);
    expect(await server.client(other.key).experiments.list()).toEqual([]);
  }, 180_000);

  it('refuses bad experiment text with located problems, and a base outside the examples', async () => {
    const { client } = await server.account('careless');
    const unknown = await refusal(client.experiments.create(MMC.replace('replications: 5', 'replicatoins: 5')));
    expect([unknown.status, unknown.code]).toEqual([422, 'DOPPEL_ERR_EXPERIMENT_INVALID']);
    expect(
      unknown.issues.some((issue) => issue.line !== undefined && /replicat/.test(issue.path + issue.message)),
    ).toBe(true);
    const syntax = await refusal(client.experiments.create('name: [unclosed\n'));
    expect(syntax.status).toBe(422);
    expect(syntax.issues[0].line).toBeDefined();
    const escape = await refusal(
      client.experiments.create(MMC.replace(/base:\n.*\n.*\n/, 'base:\n  scenario: ../../../../etc/passwd\n')),
    );
    expect([escape.status, escape.issues[0].path]).toEqual([422, 'base.scenario']);
    expect(escape.message).not.toContain(repoRoot);
    const empty = await fetch(`${server.url}/api/v1/experiments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${(await server.account('raw')).key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: MMC }),
    });
    expect(empty.status).toBe(422);
    const problem = (await empty.json()) as { issues: { path: string }[] };
    expect(problem.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['body.yaml']));
    expect(await client.experiments.list()).toEqual([]);
    // Documented: every route and the shapes it answers with.
    const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/experiments', '/api/v1/experiments/{experimentId}/cancel']),
    );
    expect(Object.keys(spec.components.schemas)).toEqual(
      expect.arrayContaining(['Experiment', 'ExperimentResults', 'NewExperiment']),
    );
  });

  it('cancels a running experiment, and runs the example A/B on a base scenario among the examples', async () => {
    const { client } = await server.account('impatient');
    const long = await client.experiments.create(LONG);
    const deadline = Date.now() + 60_000;
    while ((await client.experiments.get(long.id)).status !== 'running' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const cancelled = await client.experiments.cancel(long.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await client.experiments.get(long.id)).results).toBeNull();
    const ab = await client.experiments.create(
      `name: peak-ab\nseed: 3\nbase: { scenario: ../swap/city-10.yaml }\nfactors:\n  swap.station_defaults.reserve_chargers: [0, 2]\nreplications: 2\noutputs: [kpis.wait_mean_s]\n`,
    );
    const done = await settled(client, ab.id, 150_000);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.results!.deltas).toHaveLength(1);
    await client.experiments.delete(ab.id);
    expect((await client.experiments.list()).map((item) => item.id)).toEqual([long.id]);
  }, 240_000);
});
