import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog, type TestRunRow } from '@doppel/catalog';
import { resolveConfig } from '../src/config.js';
import { TestRuns } from '../src/testing/test-runs.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-catalog-tests-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const now = '2026-12-03T08:00:00.000Z';
const run = (id: string, accountId: string, testId: string, status: TestRunRow['status']): TestRunRow => ({
  id,
  account_id: accountId,
  test_id: testId,
  test_name: 't',
  status,
  done: 0,
  total: 1,
  error: null,
  first_failure: null,
  result_json: null,
  replay_json: null,
  created_at: now,
  started_at: null,
  finished_at: null,
});

describe('catalog: scenario tests and their runs', () => {
  // Catalogs of the release before the test tables migrate up: packages/catalog/test/migrations.test.ts.

  it('ends the runs a stopped server left queued or running as errors, and keeps finished ones', async () => {
    const dir = tempDir();
    const catalog = Catalog.open(dir);
    const { account } = await catalog.createAccount('bob');
    await catalog.tests.insertTest({
      id: 'test_b',
      account_id: account.id,
      name: 'n',
      description: null,
      pack: 'swap',
      scenario: 's',
      yaml: 'doppel: 1',
      created_at: now,
      updated_at: now,
    });
    await catalog.tests.insertRun(run('run_q', account.id, 'test_b', 'queued'));
    await catalog.tests.insertRun(run('run_r', account.id, 'test_b', 'running'));
    await catalog.tests.insertRun(run('run_p', account.id, 'test_b', 'passed'));
    const runs = new TestRuns(catalog.tests, resolveConfig({ dataDir: dir, logLevel: false }));
    expect(await catalog.tests.ownedRun(account.id, 'run_q')).toMatchObject({
      status: 'error',
      error: expect.stringContaining('the server stopped during the run'),
    });
    expect((await catalog.tests.ownedRun(account.id, 'run_r'))?.status).toBe('error');
    expect((await catalog.tests.ownedRun(account.id, 'run_p'))?.status).toBe('passed');
    expect(await catalog.tests.activeRuns(account.id)).toBe(0);
    expect((await catalog.tests.latestRuns(account.id)).get('test_b')?.id).toBe('run_p');
    // Deleting a test deletes its runs.
    await catalog.tests.deleteTest('test_b');
    expect(await catalog.tests.ownedRun(account.id, 'run_p')).toBeNull();
    await runs.stop();
    await catalog.close();
  });
});
