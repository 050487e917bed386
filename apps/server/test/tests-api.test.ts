import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { scenarioTestSchema, testRunSchema, testValidationSchema, type TestRun } from '@doppel/twin/contracts';
import { appPerFile } from './test-app.js';
import { repoRoot } from '../src/config.js';

const passing = `# Ten stations for six hours: nobody is ever negative.
doppel: 1
name: quick-pass
description: ten stations, six hours
scenario: { file: ../swap/city-10.yaml, seed: 3, duration: 6h }
steps:
  - advance: 2h
  - assert: { condition: 'kpi.swaps >= 0.0', message: swaps are counted }
  - expect_no_event: { type: OUTAGE_STARTED, within: 30m }
rules:
  - { id: queue-non-negative, category: consistency, kind: station, condition: self.queue_length >= 0 }
`;

const failing = `doppel: 1
name: quick-fail
scenario: { file: ../swap/city-10.yaml, seed: 3, duration: 12h }
steps:
  - advance: 10h
  - assert: { condition: 'kpi.swaps < 0.0', message: this cannot hold }
rules:
  - { id: nobody-queues, category: performance, kind: station, condition: self.queue_length < 1 }
`;

describe('scenario tests API: stored tests, background runs, reports', () => {
  const server = appPerFile('tests-api');
  let alice: string;
  let mallory: string;

  const call = async (
    key: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) =>
    server.built.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}`, ...headers },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  const waitForRun = async (id: string): Promise<TestRun> => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const run = testRunSchema.parse((await call(alice, 'GET', `/api/v1/test-results/${id}`)).json());
      if (!['queued', 'running'].includes(run.status) || Date.now() > deadline) return run;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    alice = await server.keyFor('alice');
    mallory = await server.keyFor('mallory', ['read', 'write', 'admin']);
  });

  it('stores, lists, reads, replaces and deletes a test', { timeout: 60_000 }, async () => {
    const created = await call(alice, 'POST', '/api/v1/tests', { yaml: passing });
    expect(created.statusCode).toBe(201);
    const test = scenarioTestSchema.parse(created.json());
    expect(test).toMatchObject({
      name: 'quick-pass',
      description: 'ten stations, six hours',
      pack: 'swap',
      yaml: passing,
      lastRun: null,
    });
    const list = (await call(alice, 'GET', '/api/v1/tests')).json() as { id: string }[];
    expect(list.map((item) => item.id)).toEqual([test.id]);
    expect((await call(alice, 'GET', `/api/v1/tests/${test.id}`)).json()).toMatchObject({ id: test.id });

    const renamed = passing.replace('name: quick-pass', 'name: quick-pass-renamed');
    const replaced = await call(alice, 'PUT', `/api/v1/tests/${test.id}`, { yaml: renamed });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ id: test.id, name: 'quick-pass-renamed', yaml: renamed });

    expect((await call(alice, 'DELETE', `/api/v1/tests/${test.id}`)).statusCode).toBe(204);
    expect((await call(alice, 'GET', `/api/v1/tests/${test.id}`)).statusCode).toBe(404);
  });

  it('refuses invalid text with every problem located in the YAML', { timeout: 60_000 }, async () => {
    const broken = passing
      .replace("'kpi.swaps >= 0.0'", "'kpi.swapz >= 0.0'")
      .replace('type: OUTAGE_STARTED', 'type: OUTAGE_STARTED, asset: station_99');
    const refused = await call(alice, 'POST', '/api/v1/tests', { yaml: broken });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const problem = refused.json() as { code: string; issues: { path: string; line: number; column: number }[] };
    expect(problem.code).toBe('DOPPEL_ERR_TEST_INVALID');
    expect(problem.issues).toEqual([
      expect.objectContaining({ path: 'steps[1].assert.condition', line: 8, suggestion: 'swaps' }),
      expect.objectContaining({ path: 'steps[2].expect_no_event.asset', line: 9 }),
    ]);

    const created = scenarioTestSchema.parse((await call(alice, 'POST', '/api/v1/tests', { yaml: passing })).json());
    const badUpdate = await call(alice, 'PUT', `/api/v1/tests/${created.id}`, { yaml: 'doppel: 1\nsteps: 3\n' });
    expect(badUpdate.statusCode).toBe(422);
    expect((badUpdate.json() as { issues: { line: number }[] }).issues[0].line).toBeGreaterThan(0);
    // The stored text is unchanged.
    expect((await call(alice, 'GET', `/api/v1/tests/${created.id}`)).json()).toMatchObject({ yaml: passing });

    const dry = testValidationSchema.parse(
      (
        await call(alice, 'POST', '/api/v1/tests/validate', { yaml: broken.replace('name: quick-pass', 'name: x') })
      ).json(),
    );
    expect(dry.valid).toBe(false);
    expect(dry.issues.map((issue) => issue.path)).toEqual([
      'steps[1].assert.condition',
      'steps[2].expect_no_event.asset',
    ]);
    const ok = testValidationSchema.parse(
      (await call(alice, 'POST', '/api/v1/tests/validate', { yaml: passing })).json(),
    );
    expect(ok).toMatchObject({ valid: true, test: { name: 'quick-pass', pack: 'swap', steps: 3 } });
  });

  it('stores the shipped example tests as they are written', { timeout: 120_000 }, async () => {
    const dir = join(repoRoot, 'examples/tests');
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml'))) {
      const stored = await call(alice, 'POST', '/api/v1/tests', { yaml: readFileSync(join(dir, file), 'utf8') });
      expect(stored.statusCode, `${file}: ${stored.body.slice(0, 300)}`).toBe(201);
      expect((stored.json() as { id: string }).id).toMatch(/^test_/);
    }
  });

  it('never reads a file outside the examples', { timeout: 60_000 }, async () => {
    for (const file of ['/etc/passwd', '../../package.json', '../../../../../../etc/hostname']) {
      const yaml = passing.replace('../swap/city-10.yaml', file);
      const refused = await call(alice, 'POST', '/api/v1/tests', { yaml });
      expect(refused.statusCode, file).toBe(422);
      const issue = (refused.json() as { issues: { path: string; message: string }[] }).issues[0];
      expect(issue).toMatchObject({ path: 'scenario.file', message: expect.stringContaining('outside the examples') });
      expect(refused.body).not.toContain('root:');
    }
  });

  it('runs a test in the background: progress, steps and rules, JUnit and HTML', { timeout: 180_000 }, async () => {
    const test = scenarioTestSchema.parse((await call(alice, 'POST', '/api/v1/tests', { yaml: passing })).json());
    const started = await call(alice, 'POST', `/api/v1/testing/run/${test.id}`);
    expect(started.statusCode).toBe(202);
    const queued = started.json() as { id: string; status: string };
    expect(['queued', 'running']).toContain(queued.status);
    // The server answers while the run works in its own thread.
    expect((await call(alice, 'GET', '/health')).statusCode).toBe(200);

    const run = await waitForRun(queued.id);
    expect(run).toMatchObject({ status: 'passed', verdict: 'APPROVE', progress: { done: 1, total: 1 }, error: null });
    const result = run.result!;
    expect(result.replications[0].steps.map((step) => [step.kind, step.status])).toEqual([
      ['advance', 'passed'],
      ['assert', 'passed'],
      ['expect_no_event', 'passed'],
    ]);
    expect(result.replications[0].rules[0]).toMatchObject({ id: 'queue-non-negative', status: 'passed' });
    expect(result.replications[0].rules[0].checks).toBeGreaterThan(10);

    const junit = await call(alice, 'GET', `/api/v1/test-results/${run.id}?format=junit`);
    expect(junit.headers['content-type']).toContain('application/xml');
    expect(junit.headers['content-disposition']).toContain('.junit.xml');
    // The public JUnit schemas (Jenkins' junit-10.xsd, the Ant schema), checked by libxml2.
    for (const xsd of ['jenkins-junit-10.xsd', 'windyroad-junit.xsd']) {
      const validation = await validateXML({
        xml: [{ fileName: 'junit.xml', contents: junit.body }],
        schema: [readFileSync(join(repoRoot, 'packages/verify/test/fixtures/junit', xsd), 'utf8')],
      });
      expect(validation.errors, xsd).toEqual([]);
      expect(validation.valid, xsd).toBe(true);
    }
    expect(junit.body).toContain('<testcase name="quick-pass"');
    const byAccept = await call(alice, 'GET', `/api/v1/test-results/${run.id}`, undefined, {
      accept: 'application/xml',
    });
    expect(byAccept.body).toBe(junit.body);

    const html = await call(alice, 'GET', `/api/v1/test-results/${run.id}?format=html`);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('APPROVE');

    const results = (await call(alice, 'GET', `/api/v1/tests/${test.id}/results`)).json() as { id: string }[];
    expect(results.map((item) => item.id)).toEqual([run.id]);
    expect((await call(alice, 'GET', `/api/v1/tests/${test.id}`)).json()).toMatchObject({
      lastRun: { id: run.id, status: 'passed', verdict: 'APPROVE' },
    });
  });

  it('reports a failing test as REJECT with its first failure', { timeout: 180_000 }, async () => {
    const test = scenarioTestSchema.parse((await call(alice, 'POST', '/api/v1/tests', { yaml: failing })).json());
    const started = (await call(alice, 'POST', `/api/v1/testing/run/${test.id}`)).json() as { id: string };
    const early = await call(alice, 'GET', `/api/v1/test-results/${started.id}?format=junit`);
    if (early.statusCode !== 200) expect(early.json()).toMatchObject({ code: 'DOPPEL_ERR_RUN_NOT_FINISHED' });
    const run = await waitForRun(started.id);
    expect(run).toMatchObject({ status: 'failed', verdict: 'REJECT' });
    expect(run.firstFailure).toContain('this cannot hold');
    const rule = run.result!.replications[0].rules[0];
    expect(rule.first).toMatchObject({ ruleId: 'nobody-queues', eventType: expect.any(String) });
    const junit = await call(alice, 'GET', `/api/v1/test-results/${run.id}`, undefined, { accept: 'text/xml' });
    expect(junit.body).toContain('<failure message="step steps[1] assert');
    const html = await call(alice, 'GET', `/api/v1/test-results/${run.id}`, undefined, { accept: 'text/html' });
    expect(html.body).toContain('REJECT');

    // The failing replication opens as a simulation standing at the violation, in the state the rule saw.
    const violation = rule.first!;
    const opened = await call(alice, 'POST', `/api/v1/test-results/${run.id}/simulation`, {});
    expect(opened.statusCode).toBe(201);
    const sim = opened.json() as { id: string; simTime: number; status: string; pack: string };
    expect(sim).toMatchObject({ simTime: violation.simTime, status: 'paused', pack: 'swap' });
    const station = await call(alice, 'GET', `/api/v1/simulations/${sim.id}/assets/station/${violation.assetId}`);
    expect((station.json() as { state: { queue_length: number } }).state.queue_length).toBe(
      violation.inputs['self.queue_length'],
    );
    const later = (await call(alice, 'POST', `/api/v1/test-results/${run.id}/simulation`, { t: 7200 })).json();
    expect(later).toMatchObject({ simTime: 7200 });
  });

  it("answers 404 for another account's tests and results", { timeout: 180_000 }, async () => {
    const test = scenarioTestSchema.parse((await call(alice, 'POST', '/api/v1/tests', { yaml: passing })).json());
    const run = (await call(alice, 'POST', `/api/v1/testing/run/${test.id}`)).json() as { id: string };
    const attempts: ['GET' | 'POST' | 'PUT' | 'DELETE', string, unknown][] = [
      ['GET', `/api/v1/tests/${test.id}`, undefined],
      ['PUT', `/api/v1/tests/${test.id}`, { yaml: passing }],
      ['DELETE', `/api/v1/tests/${test.id}`, undefined],
      ['POST', `/api/v1/testing/run/${test.id}`, undefined],
      ['GET', `/api/v1/tests/${test.id}/results`, undefined],
      ['GET', `/api/v1/test-results/${run.id}`, undefined],
      ['GET', `/api/v1/test-results/${run.id}?format=junit`, undefined],
      ['POST', `/api/v1/test-results/${run.id}/simulation`, {}],
    ];
    for (const [method, url, body] of attempts) {
      const response = await call(mallory, method, url, body);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json()).toMatchObject({ code: 'DOPPEL_ERR_NOT_FOUND' });
    }
    expect((await call(mallory, 'GET', '/api/v1/tests')).json()).toEqual([]);
    expect((await waitForRun(run.id)).status).toBe('passed');
  });
});
