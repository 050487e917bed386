import { and, count, desc, eq, inArray, max, sql } from 'drizzle-orm';
import { CatalogPart, countOwned, listOwned, selectOwned } from './owned.js';
import { withoutSeq } from './rows.js';
import type { scenarioTests, testRuns } from './schema/sqlite.js';

export type ScenarioTestRow = Readonly<typeof scenarioTests.$inferSelect>;
export type TestRunRow = Readonly<Omit<typeof testRuns.$inferSelect, 'seq'>>;
export type TestRunStatusValue = TestRunRow['status'];
export type TestRunUpdate = Partial<
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
>;

/** Scenario tests per account and their runs, on the catalog's database and in its lane. */
export class TestCatalog extends CatalogPart {
  insertTest(row: ScenarioTestRow): Promise<void> {
    return this.insertRow(this.t.scenarioTests, row);
  }

  updateTest(
    id: string,
    fields: Pick<ScenarioTestRow, 'name' | 'description' | 'pack' | 'scenario' | 'yaml' | 'updated_at'>,
  ): Promise<void> {
    const tests = this.t.scenarioTests;
    return this.lane.run(async () => {
      await this.db.update(tests).set(fields).where(eq(tests.id, id));
    });
  }

  /** The test if it belongs to the account; another account's id is indistinguishable from a missing one. */
  ownedTest(accountId: string, id: string): Promise<ScenarioTestRow | null> {
    return this.lane.run(() => selectOwned(this.db, this.t.scenarioTests, accountId, id));
  }

  listTests(accountId: string): Promise<ScenarioTestRow[]> {
    return this.lane.run(() => listOwned(this.db, this.t.scenarioTests, accountId));
  }

  countTests(accountId: string): Promise<number> {
    return this.lane.run(() => countOwned(this.db, this.t.scenarioTests, accountId));
  }

  deleteTest(id: string): Promise<void> {
    const tests = this.t.scenarioTests;
    return this.lane.run(async () => {
      await this.db.delete(tests).where(eq(tests.id, id));
    });
  }

  insertRun(row: TestRunRow): Promise<void> {
    return this.lane.run(async () => {
      await this.db
        .insert(this.t.testRuns)
        .values({ ...row, seq: sql`(SELECT COALESCE(MAX(seq), 0) + 1 FROM test_runs)` });
    });
  }

  updateRun(id: string, fields: TestRunUpdate): Promise<void> {
    if (Object.keys(fields).length === 0) return Promise.resolve();
    const runs = this.t.testRuns;
    return this.lane.run(async () => {
      await this.db.update(runs).set(fields).where(eq(runs.id, id));
    });
  }

  /** Cheap ownership check of a run (no result read). */
  ownsRun(accountId: string, id: string): Promise<boolean> {
    const runs = this.t.testRuns;
    return this.lane.run(async () => {
      const found = await this.db
        .select({ id: runs.id })
        .from(runs)
        .where(and(eq(runs.id, id), eq(runs.account_id, accountId)))
        .limit(1);
      return found.length > 0;
    });
  }

  /** A run with its result, if it belongs to the account. */
  ownedRun(accountId: string, id: string): Promise<TestRunRow | null> {
    return this.lane.run(async () => {
      const row = await selectOwned(this.db, this.t.testRuns, accountId, id);
      return row === null ? null : withoutSeq(row);
    });
  }

  /** Runs of a test, newest first, without their results. */
  runsOf(testId: string, limit: number): Promise<TestRunRow[]> {
    const runs = this.t.testRuns;
    return this.lane.run(async () => {
      const rows = await this.db
        .select(this.summaryColumns())
        .from(runs)
        .where(eq(runs.test_id, testId))
        .orderBy(desc(runs.created_at), desc(runs.seq))
        .limit(limit);
      return rows.map(summary);
    });
  }

  /** The latest run of each of the account's tests, without results. */
  latestRuns(accountId: string): Promise<Map<string, TestRunRow>> {
    const runs = this.t.testRuns;
    return this.lane.run(async () => {
      const latest = this.db
        .select({ seq: max(runs.seq) })
        .from(runs)
        .where(eq(runs.account_id, accountId))
        .groupBy(runs.test_id);
      const rows = await this.db
        .select(this.summaryColumns())
        .from(runs)
        .where(and(eq(runs.account_id, accountId), inArray(runs.seq, latest)));
      return new Map(rows.map((row) => [row.test_id, summary(row)]));
    });
  }

  /** Runs of the account that are queued or running. */
  activeRuns(accountId: string): Promise<number> {
    const runs = this.t.testRuns;
    return this.lane.run(async () => {
      const [row] = await this.db
        .select({ n: count() })
        .from(runs)
        .where(and(eq(runs.account_id, accountId), inArray(runs.status, ['queued', 'running'])));
      return row?.n ?? 0;
    });
  }

  /**
   * Runs a stopped server left queued or running end in an error (their workers died with it): called once at start,
   * before any request.
   */
  failInterruptedRuns(at: string): Promise<number> {
    const runs = this.t.testRuns;
    return this.lane.run(async () => {
      const ended = await this.db
        .update(runs)
        .set({ status: 'error', error: 'the server stopped during the run: run the test again', finished_at: at })
        .where(inArray(runs.status, ['queued', 'running']))
        .returning({ id: runs.id });
      return ended.length;
    });
  }

  /** Every column but the (possibly large) result and replay. */
  private summaryColumns() {
    const runs = this.t.testRuns;
    return {
      id: runs.id,
      account_id: runs.account_id,
      test_id: runs.test_id,
      test_name: runs.test_name,
      status: runs.status,
      done: runs.done,
      total: runs.total,
      error: runs.error,
      first_failure: runs.first_failure,
      created_at: runs.created_at,
      started_at: runs.started_at,
      finished_at: runs.finished_at,
    };
  }
}

function summary(row: Omit<TestRunRow, 'result_json' | 'replay_json'>): TestRunRow {
  return { ...row, result_json: null, replay_json: null };
}
