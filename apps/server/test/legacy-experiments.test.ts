import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { Experiment } from '@doppel/twin/contracts';
import { buildApp } from '../src/index.js';
import { IMPORTED_FOLDER, importLegacyExperiments } from '../src/lab/legacy-experiments.js';

// Experiments the previous version kept as <data>/experiments/<id>.json are moved into the catalog when the server
// starts: listed and read through the API as before, imported once, and a bad file is left in place with its
// problems located.

const dataDir = mkdtempSync(join(tmpdir(), 'doppel-legacy-experiments-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const options = { dataDir, logLevel: false as const, webDir: null };

function legacyView(id: string, status: Experiment['status']): Experiment {
  return {
    id,
    name: `legacy ${id}`,
    status,
    progress: { done: 4, total: status === 'succeeded' ? 4 : 8, cached: 1 },
    error: null,
    factors: ['params.c'],
    outputs: ['mean_wait'],
    confidence: 0.95,
    createdAt: '2026-11-30T10:00:00.000Z',
    startedAt: '2026-11-30T10:00:01.000Z',
    finishedAt: status === 'succeeded' ? '2026-11-30T10:00:09.000Z' : null,
    yaml: 'seed: 1\nbase: { model: mmc, params: { lam: 2, mu: 1, c: 3, until: 100 } }\nfactors: { params.c: [3, 4] }\nreplications: 2\noutputs: [mean_wait]\n',
    results:
      status === 'succeeded'
        ? {
            replicationsPerPoint: 2,
            cacheHits: 1,
            points: [
              { index: 0, settings: { 'params.c': 3 }, label: 'params.c=3' },
              { index: 1, settings: { 'params.c': 4 }, label: 'params.c=4' },
            ],
            estimates: [0, 1].map((pointIndex) => ({
              pointIndex,
              output: 'mean_wait',
              mean: 1 - pointIndex / 2,
              ciLow: 0.5 - pointIndex / 2,
              ciHigh: 1.5 - pointIndex / 2,
              halfWidth: 0.5,
              stdDev: 0.1,
              n: 2,
            })),
            deltas: [
              {
                pointIndex: 1,
                output: 'mean_wait',
                mean: -0.5,
                ciLow: -0.6,
                ciHigh: -0.4,
                halfWidth: 0.1,
                stdDev: 0.01,
                n: 2,
                varianceReduction: 12.5,
              },
            ],
          }
        : null,
  };
}

test('experiment files of the previous version are imported once into the catalog, bad ones reported in place', async () => {
  const first = await buildApp(options);
  const { account, key } = await first.context.catalog.createAccount('legacy');
  await first.app.close();

  const dir = join(dataDir, 'experiments');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, content: unknown) =>
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  write('exp_done.json', { accountId: account.id, view: legacyView('exp_done', 'succeeded') });
  write('exp_busy.json', { accountId: account.id, view: legacyView('exp_busy', 'running') });
  write('exp_torn.json', '{"accountId": "acc');
  write('exp_bad.json', { accountId: account.id, view: { ...legacyView('exp_bad', 'succeeded'), confidence: 'high' } });
  write('exp_orphan.json', { accountId: 'acc_gone', view: legacyView('exp_orphan', 'succeeded') });

  const second = await buildApp(options);
  try {
    const headers = { authorization: `Bearer ${key}` };
    const list = await second.app.inject({ method: 'GET', url: '/api/v1/experiments', headers });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { id: string }[]).map((row) => row.id).sort()).toEqual(['exp_busy', 'exp_done']);
    const done = await second.app.inject({ method: 'GET', url: '/api/v1/experiments/exp_done', headers });
    expect(done.json()).toEqual(legacyView('exp_done', 'succeeded'));
    const busy = (await second.app.inject({ method: 'GET', url: '/api/v1/experiments/exp_busy', headers })).json();
    expect(busy).toMatchObject({ status: 'failed', error: expect.stringContaining('stopped') as string });
    expect(busy.finishedAt).not.toBeNull();
    // Imported files moved aside; bad ones left where they were.
    expect(existsSync(join(dir, IMPORTED_FOLDER, 'exp_done.json'))).toBe(true);
    expect(existsSync(join(dir, 'exp_done.json'))).toBe(false);
    for (const bad of ['exp_torn', 'exp_bad', 'exp_orphan']) expect(existsSync(join(dir, `${bad}.json`))).toBe(true);

    // What the start logged, located: asked again of the same folder (the imported files are no longer there).
    const again = await importLegacyExperiments(
      dataDir,
      second.context.catalog.experiments,
      new Set([account.id]),
      '2026-12-01T00:00:00.000Z',
    );
    expect(again.imported).toEqual([]);
    expect(again.problems).toEqual([
      {
        file: join(dir, 'exp_bad.json'),
        path: 'view.confidence',
        expected: expect.stringContaining('number') as string,
        actual: '"high"',
      },
      {
        file: join(dir, 'exp_orphan.json'),
        path: 'accountId',
        expected: 'an account of this server',
        actual: 'acc_gone',
      },
      {
        file: join(dir, 'exp_torn.json'),
        path: '(file)',
        expected: 'a JSON document',
        actual: expect.stringContaining('JSON') as string,
      },
    ]);
  } finally {
    await second.app.close();
  }
  // A restart imports nothing twice.
  const third = await buildApp(options);
  try {
    expect(await third.context.catalog.experiments.list(account.id)).toHaveLength(2);
  } finally {
    await third.app.close();
  }
});
