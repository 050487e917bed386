import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import type { TestRunRow } from '../src/catalog/tests.js';
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
  it('migrates a catalog of the release before tests, keeping what it held', () => {
    const dir = tempDir();
    const first = Catalog.open(dir);
    const { account } = first.createAccount('alice');
    const version = (): number =>
      (first.db.prepare('SELECT version FROM schema_version').get() as { version: number }).version;
    const latest = version();
    // The previous release: its two migrations, without the test tables.
    first.db.exec('DROP TABLE test_runs; DROP TABLE scenario_tests; UPDATE schema_version SET version = 2;');
    first.close();

    const again = Catalog.open(dir);
    expect(again.accountByName('alice')?.id).toBe(account.id);
    expect((again.db.prepare('SELECT version FROM schema_version').get() as { version: number }).version).toBe(latest);
    again.tests.insertTest({
      id: 'test_1',
      account_id: account.id,
      name: 'n',
      description: null,
      pack: 'swap',
      scenario: 's',
      yaml: 'doppel: 1',
      created_at: now,
      updated_at: now,
    });
    expect(again.tests.listTests(account.id).map((row) => row.id)).toEqual(['test_1']);
    again.close();
  });

  it('ends the runs a stopped server left queued or running as errors, and keeps finished ones', async () => {
    const dir = tempDir();
    const catalog = Catalog.open(dir);
    const { account } = catalog.createAccount('bob');
    catalog.tests.insertTest({
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
    catalog.tests.insertRun(run('run_q', account.id, 'test_b', 'queued'));
    catalog.tests.insertRun(run('run_r', account.id, 'test_b', 'running'));
    catalog.tests.insertRun(run('run_p', account.id, 'test_b', 'passed'));
    const runs = new TestRuns(catalog.tests, resolveConfig({ dataDir: dir, logLevel: false }));
    expect(catalog.tests.ownedRun(account.id, 'run_q')).toMatchObject({
      status: 'error',
      error: expect.stringContaining('the server stopped during the run'),
    });
    expect(catalog.tests.ownedRun(account.id, 'run_r')?.status).toBe('error');
    expect(catalog.tests.ownedRun(account.id, 'run_p')?.status).toBe('passed');
    expect(catalog.tests.activeRuns(account.id)).toBe(0);
    expect(catalog.tests.latestRuns(account.id).get('test_b')?.id).toBe('run_p');
    // Deleting a test deletes its runs.
    catalog.tests.deleteTest('test_b');
    expect(catalog.tests.ownedRun(account.id, 'run_p')).toBeNull();
    await runs.stop();
    catalog.close();
  });
});
