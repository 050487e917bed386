import { hostname } from 'node:os';
import { idString } from '@doppel/twin';
import {
  openTestRunInputSchema,
  problemSchema,
  simulationSchema,
  scenarioTestSchema,
  testInputSchema,
  testRunSchema,
  testRunSummarySchema,
  testValidationSchema,
  type ScenarioTest,
  type TestResult,
  type TestRun,
  type TestRunSummary,
  type TestValidation,
} from '@doppel/twin/contracts';
import { buildReport, toHtmlReport, toJUnitXml } from '@doppel/verify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { newId, type ScenarioTestRow, type TestRunRow } from '@doppel/catalog';
import { notFound, ServerError, ServerErrorCode } from '../errors.js';
import { principalOf } from '../http/auth.js';
import type { RoutePlugin } from '../http/types.js';
import type { TestReplay } from '../testing/protocol.js';
import { simulationView } from './views.js';

const testParams = z.strictObject({ testId: idString() });
const resultParams = z.strictObject({ resultId: idString() });
const errors = { 404: problemSchema, 409: problemSchema, 422: problemSchema };

export function runSummaryView(row: TestRunRow): TestRunSummary {
  return {
    id: row.id,
    testId: row.test_id,
    testName: row.test_name,
    status: row.status,
    verdict: row.status === 'passed' ? 'APPROVE' : row.status === 'failed' ? 'REJECT' : null,
    progress: { done: row.done, total: row.total },
    error: row.error,
    firstFailure: row.first_failure,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

function runView(row: TestRunRow): TestRun {
  return {
    ...runSummaryView(row),
    result: row.result_json === null ? null : (JSON.parse(row.result_json) as TestResult),
  };
}

function testView(row: ScenarioTestRow, lastRun: TestRunRow | undefined): ScenarioTest {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    pack: row.pack,
    scenario: row.scenario,
    yaml: row.yaml,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastRun: lastRun === undefined ? null : runSummaryView(lastRun),
  };
}

/** What the download of a finished run is: `?format=` first, else the Accept header; JSON by default. */
function formatOf(request: FastifyRequest, format: 'json' | 'junit' | 'html' | undefined): 'json' | 'junit' | 'html' {
  if (format !== undefined) return format;
  const accept = request.headers.accept ?? '';
  if (/application\/json/.test(accept)) return 'json';
  if (/(application|text)\/xml/.test(accept)) return 'junit';
  if (/text\/html/.test(accept)) return 'html';
  return 'json';
}

/**
 * Scenario tests per account (seed 004's test automation service): CRUD of a test's YAML text (checked with
 * located errors), runs as background jobs with progress, and their results as JSON, JUnit XML or HTML.
 */
export const testRoutes: RoutePlugin = async (app, ctx) => {
  const tags = ['tests'];
  const tests = ctx.catalog.tests;

  /** A test's text, checked; invalid text is a 422 with every problem located in the YAML. */
  const checked = async (yaml: string): Promise<NonNullable<TestValidation['test']>> => {
    const validation = await ctx.testRuns.check(yaml);
    if (validation.valid && validation.test !== null) return validation.test;
    const count = validation.issues.length;
    throw new ServerError(
      ServerErrorCode.TestInvalid,
      `body.yaml: ${count} problem${count === 1 ? '' : 's'}: ${validation.issues
        .slice(0, 3)
        .map((issue) => `${issue.line ?? '?'}:${issue.column ?? '?'} ${issue.path}: ${issue.message}`)
        .join('; ')}`,
      { issues: validation.issues },
    );
  };
  const owned = async (
    request: { params: { testId: string } } & Parameters<typeof principalOf>[0],
  ): Promise<ScenarioTestRow> => {
    const row = await tests.ownedTest(principalOf(request).account.id, request.params.testId);
    if (row === null) throw notFound(`Test ${request.params.testId}`);
    return row;
  };

  app.get(
    '/api/v1/tests',
    {
      schema: {
        tags,
        summary: "The account's scenario tests, each with its latest run",
        response: { 200: z.array(scenarioTestSchema) },
      },
    },
    async (request) => {
      const account = principalOf(request).account;
      const latest = await tests.latestRuns(account.id);
      return (await tests.listTests(account.id)).map((row) => testView(row, latest.get(row.id)));
    },
  );

  app.post(
    '/api/v1/tests/validate',
    {
      schema: {
        tags,
        summary: "Check a test's text without storing it: every problem, located",
        body: testInputSchema,
        response: { 200: testValidationSchema, 422: problemSchema },
      },
    },
    async (request) => ctx.testRuns.check(request.body.yaml),
  );

  app.post(
    '/api/v1/tests',
    {
      schema: {
        tags,
        summary: 'Store a scenario test (YAML text, as doppel test reads it)',
        description:
          'The text is checked as doppel test checks a file: a 422 DOPPEL_ERR_TEST_INVALID lists every problem with its line, column and field path inside the YAML (steps[2].assert.condition).',
        body: testInputSchema,
        response: { 201: scenarioTestSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const account = principalOf(request).account;
      const limit = ctx.config.limits.maxTestsPerAccount;
      if ((await tests.countTests(account.id)) >= limit) {
        throw new ServerError(ServerErrorCode.LimitExceeded, `An account may store at most ${limit} tests`);
      }
      const meta = await checked(request.body.yaml);
      const now = new Date().toISOString();
      const row: ScenarioTestRow = {
        id: newId('test'),
        account_id: account.id,
        name: meta.name,
        description: meta.description,
        pack: meta.pack,
        scenario: meta.scenario,
        yaml: request.body.yaml,
        created_at: now,
        updated_at: now,
      };
      await tests.insertTest(row);
      return reply.code(201).send(testView(row, undefined));
    },
  );

  app.get(
    '/api/v1/tests/:testId',
    {
      schema: {
        tags,
        summary: 'A scenario test',
        params: testParams,
        response: { 200: scenarioTestSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const row = await owned(request);
      return testView(row, (await tests.runsOf(row.id, 1))[0]);
    },
  );

  app.put(
    '/api/v1/tests/:testId',
    {
      schema: {
        tags,
        summary: "Replace a test's text (checked like a new one); its runs stay",
        params: testParams,
        body: testInputSchema,
        response: { 200: scenarioTestSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request) => {
      const row = await owned(request);
      const meta = await checked(request.body.yaml);
      const fields = {
        name: meta.name,
        description: meta.description,
        pack: meta.pack,
        scenario: meta.scenario,
        yaml: request.body.yaml,
        updated_at: new Date().toISOString(),
      };
      await tests.updateTest(row.id, fields);
      return testView({ ...row, ...fields }, (await tests.runsOf(row.id, 1))[0]);
    },
  );

  app.delete(
    '/api/v1/tests/:testId',
    {
      schema: { tags, summary: 'Delete a test, its runs and results (a running run is stopped)', params: testParams },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const row = await owned(request);
      ctx.testRuns.cancelTest(row.id);
      await tests.deleteTest(row.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/testing/run/:testId',
    {
      schema: {
        tags,
        summary: 'Run a stored test as a background job',
        description:
          'Answers 202 with the run (queued); follow it at /api/v1/test-results/{id}. Each run has a worker thread of its own; an account runs a few at once, the rest wait in order.',
        params: testParams,
        response: { 202: testRunSummarySchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const row = await ctx.testRuns.start(principalOf(request).account, await owned(request));
      return reply.code(202).send(runSummaryView(row));
    },
  );

  app.get(
    '/api/v1/tests/:testId/results',
    {
      schema: {
        tags,
        summary: 'Runs of a test, newest first (without their full results)',
        params: testParams,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.array(testRunSummarySchema), 404: problemSchema },
      },
    },
    async (request) => (await tests.runsOf((await owned(request)).id, request.query.limit)).map(runSummaryView),
  );

  app.get(
    '/api/v1/test-results/:resultId',
    {
      schema: {
        tags,
        summary:
          'A test run: status, progress and, once finished, every step and rule; or its JUnit XML or HTML report',
        description:
          'JSON by default. ?format=junit (or Accept: application/xml) answers the JUnit XML CI systems read; ?format=html (or Accept: text/html) the self-contained HTML report with the APPROVE / REJECT banner. Reports exist once the run passed or failed (409 before).',
        params: resultParams,
        querystring: z.strictObject({ format: z.enum(['json', 'junit', 'html']).optional() }),
        response: {
          200: testRunSchema.describe('application/json; application/xml (JUnit) or text/html with ?format'),
          404: problemSchema,
          409: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const row = await tests.ownedRun(principalOf(request).account.id, request.params.resultId);
      if (row === null) throw notFound(`Test result ${request.params.resultId}`);
      const format = formatOf(request, request.query.format);
      if (format === 'json') return runView(row);
      if (row.result_json === null) {
        throw new ServerError(
          ServerErrorCode.RunNotFinished,
          `Run ${row.id} is ${row.status}: its ${format === 'junit' ? 'JUnit XML' : 'HTML report'} exists once it passed or failed`,
        );
      }
      const result = JSON.parse(row.result_json) as TestResult;
      const report = buildReport([result], result.wallS);
      const file = `${row.test_name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80) || 'test'}-${row.id}`;
      if (format === 'junit')
        return sendText(
          reply,
          'application/xml',
          `attachment; filename="${file}.junit.xml"`,
          toJUnitXml(report, { timestamp: new Date(row.started_at ?? row.created_at), hostname: hostname() }),
        );
      return sendText(reply, 'text/html', `inline; filename="${file}.html"`, toHtmlReport(report));
    },
  );

  app.post(
    '/api/v1/test-results/:resultId/simulation',
    {
      schema: {
        tags,
        summary: "Open a finished run's replication as a simulation, paused at an instant",
        description:
          'Re-creates the replication the report shows (the first that failed, else the first) from its scenario, seed and intervention log: the same inputs, so the same ledger. It stands paused at t (default: its first failure), ready for the City or Line view and their time slider.',
        params: resultParams,
        body: openTestRunInputSchema.default({}),
        response: { 201: simulationSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const account = principalOf(request).account;
      const row = await tests.ownedRun(account.id, request.params.resultId);
      if (row === null) throw notFound(`Test result ${request.params.resultId}`);
      if (row.replay_json === null || row.result_json === null) {
        throw new ServerError(
          ServerErrorCode.RunNotFinished,
          `Run ${row.id} is ${row.status}: it can be opened once it passed or failed`,
        );
      }
      const replay = JSON.parse(row.replay_json) as TestReplay;
      const result = JSON.parse(row.result_json) as TestResult;
      const t = Math.min(request.body.t ?? firstFailureTime(result, replay) ?? 0, replay.endS);
      const created = await ctx.manager.recreate(account, {
        name: `${row.test_name}: replication ${replay.index + 1}${replay.variant === null ? '' : ` (${replay.variant})`}`,
        scenarioJson: replay.scenarioJson,
        seed: replay.seed,
        log: replay.log,
        t,
      });
      return reply.code(201).send(simulationView(created, ctx.manager.liveInfo(created.id)));
    },
  );
};

/** A report as text (the route's schema describes the JSON answer; reports are not JSON). */
function sendText(reply: FastifyReply, type: string, disposition: string, text: string): FastifyReply {
  return reply.type(`${type}; charset=utf-8`).header('content-disposition', disposition).send(text);
}

/** The instant of the shown replication's first failure: the earliest rule violation or the failed step's end. */
function firstFailureTime(result: TestResult, replay: TestReplay): number | undefined {
  const shown = result.replications.find((r) => r.index === replay.index && r.variant === replay.variant);
  if (shown === undefined) return undefined;
  const times = [
    ...shown.rules.flatMap((rule) => (rule.first === null ? [] : [rule.first.simTime])),
    ...shown.steps.filter((step) => step.status === 'failed').map((step) => step.endS),
  ];
  return times.length === 0 ? undefined : Math.min(...times);
}
