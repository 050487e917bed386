import type Database from 'better-sqlite3';

/** The catalog tables of scenario tests and their runs (a migration of schema.ts creates them). */
export const TEST_TABLES = `CREATE TABLE scenario_tests (
     id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     description TEXT,
     pack TEXT NOT NULL,
     scenario TEXT NOT NULL,
     yaml TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX scenario_tests_account ON scenario_tests(account_id, created_at);
   CREATE TABLE test_runs (
     id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     test_id TEXT NOT NULL REFERENCES scenario_tests(id) ON DELETE CASCADE,
     test_name TEXT NOT NULL,
     status TEXT NOT NULL,
     done INTEGER NOT NULL DEFAULT 0,
     total INTEGER NOT NULL DEFAULT 0,
     error TEXT,
     first_failure TEXT,
     result_json TEXT,
     created_at TEXT NOT NULL,
     started_at TEXT,
     finished_at TEXT
   );
   CREATE INDEX test_runs_test ON test_runs(test_id, created_at);
   CREATE INDEX test_runs_status ON test_runs(status);`;

/** What re-creates a run's shown replication as a simulation (TestReplay as JSON). */
export const TEST_RUN_REPLAY = `ALTER TABLE test_runs ADD COLUMN replay_json TEXT;`;

export interface ScenarioTestRow {
  readonly id: string;
  readonly account_id: string;
  readonly name: string;
  readonly description: string | null;
  readonly pack: string;
  readonly scenario: string;
  readonly yaml: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export type TestRunStatusValue = 'queued' | 'running' | 'passed' | 'failed' | 'error';

export interface TestRunRow {
  readonly id: string;
  readonly account_id: string;
  readonly test_id: string;
  readonly test_name: string;
  readonly status: TestRunStatusValue;
  readonly done: number;
  readonly total: number;
  readonly error: string | null;
  readonly first_failure: string | null;
  /** The TestResult as JSON once the run finished; null before and for runs that ended in an error. */
  readonly result_json: string | null;
  /** TestReplay as JSON once the run finished (absent from summaries). */
  readonly replay_json: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
}

/** Summary columns: everything but the (possibly large) result. */
const RUN_COLUMNS =
  'id, account_id, test_id, test_name, status, done, total, error, first_failure, NULL AS result_json, NULL AS replay_json, created_at, started_at, finished_at';

/** Scenario tests per account and their runs, on the catalog's database. */
export class TestCatalog {
  constructor(private readonly db: Database.Database) {}

  insertTest(row: ScenarioTestRow): void {
    this.db
      .prepare(
        `INSERT INTO scenario_tests (id, account_id, name, description, pack, scenario, yaml, created_at, updated_at)
         VALUES (@id, @account_id, @name, @description, @pack, @scenario, @yaml, @created_at, @updated_at)`,
      )
      .run(row);
  }

  updateTest(
    id: string,
    fields: Pick<ScenarioTestRow, 'name' | 'description' | 'pack' | 'scenario' | 'yaml' | 'updated_at'>,
  ): void {
    this.db
      .prepare(
        `UPDATE scenario_tests SET name = @name, description = @description, pack = @pack, scenario = @scenario,
           yaml = @yaml, updated_at = @updated_at WHERE id = @id`,
      )
      .run({ ...fields, id });
  }

  /** The test if it belongs to the account; another account's id is indistinguishable from a missing one. */
  ownedTest(accountId: string, id: string): ScenarioTestRow | null {
    const row = this.db.prepare('SELECT * FROM scenario_tests WHERE id = ?').get(id) as ScenarioTestRow | undefined;
    return row !== undefined && row.account_id === accountId ? row : null;
  }

  listTests(accountId: string): ScenarioTestRow[] {
    return this.db
      .prepare('SELECT * FROM scenario_tests WHERE account_id = ? ORDER BY created_at, id')
      .all(accountId) as ScenarioTestRow[];
  }

  countTests(accountId: string): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM scenario_tests WHERE account_id = ?').get(accountId) as { n: number }
    ).n;
  }

  deleteTest(id: string): void {
    this.db.prepare('DELETE FROM scenario_tests WHERE id = ?').run(id);
  }

  insertRun(row: TestRunRow): void {
    this.db
      .prepare(
        `INSERT INTO test_runs (id, account_id, test_id, test_name, status, done, total, error, first_failure,
           result_json, replay_json, created_at, started_at, finished_at)
         VALUES (@id, @account_id, @test_id, @test_name, @status, @done, @total, @error, @first_failure,
           @result_json, @replay_json, @created_at, @started_at, @finished_at)`,
      )
      .run(row);
  }

  updateRun(
    id: string,
    fields: Partial<
      Pick<
        TestRunRow,
        | 'status'
        | 'done'
        | 'total'
        | 'error'
        | 'first_failure'
        | 'result_json'
        | 'replay_json'
        | 'started_at'
        | 'finished_at'
      >
    >,
  ): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    const assignments = keys.map((key) => `${key} = @${key}`).join(', ');
    this.db.prepare(`UPDATE test_runs SET ${assignments} WHERE id = @id`).run({ ...fields, id });
  }

  /** Cheap ownership check of a run (no result read). */
  ownsRun(accountId: string, id: string): boolean {
    const row = this.db.prepare('SELECT account_id FROM test_runs WHERE id = ?').get(id) as
      { account_id: string } | undefined;
    return row !== undefined && row.account_id === accountId;
  }

  /** A run with its result, if it belongs to the account. */
  ownedRun(accountId: string, id: string): TestRunRow | null {
    const row = this.db.prepare('SELECT * FROM test_runs WHERE id = ?').get(id) as TestRunRow | undefined;
    return row !== undefined && row.account_id === accountId ? row : null;
  }

  /** Runs of a test, newest first, without their results. */
  runsOf(testId: string, limit: number): TestRunRow[] {
    return this.db
      .prepare(`SELECT ${RUN_COLUMNS} FROM test_runs WHERE test_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?`)
      .all(testId, limit) as TestRunRow[];
  }

  /** The latest run of each of the account's tests, without results. */
  latestRuns(accountId: string): Map<string, TestRunRow> {
    const rows = this.db
      .prepare(
        `SELECT ${RUN_COLUMNS} FROM test_runs WHERE account_id = ? AND rowid IN
           (SELECT MAX(rowid) FROM test_runs WHERE account_id = ? GROUP BY test_id)`,
      )
      .all(accountId, accountId) as TestRunRow[];
    return new Map(rows.map((row) => [row.test_id, row]));
  }

  /** Runs of the account that are queued or running. */
  activeRuns(accountId: string): number {
    return (
      this.db
        .prepare(`SELECT COUNT(*) AS n FROM test_runs WHERE account_id = ? AND status IN ('queued', 'running')`)
        .get(accountId) as { n: number }
    ).n;
  }

  /**
   * Runs a stopped server left queued or running end in an error (their workers died with it): called once at start,
   * before any request.
   */
  failInterruptedRuns(at: string): number {
    return this.db
      .prepare(
        `UPDATE test_runs SET status = 'error', error = 'the server stopped during the run: run the test again',
           finished_at = ? WHERE status IN ('queued', 'running')`,
      )
      .run(at).changes;
  }
}
