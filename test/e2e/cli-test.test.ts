import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { testReportSchema } from '@doppel/twin';
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from './browser-helpers.js';
import { doppel, repoRoot, tempDir } from './cli-helpers.js';

const fixtures = join(repoRoot, 'test/e2e/fixtures');
const SHOTS = join(repoRoot, 'test-output/screenshots');

describe('doppel test: the CI gate', () => {
  it('exits 0 when every test passes, with a summary table and APPROVE', () => {
    const result = doppel(['test', join(fixtures, 'tests/quick-pass.yaml'), '--jobs', '1']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^TEST +RESULT +STEPS +RULES +STATISTICS +RUNS +TIME +FIRST FAILURE$/m);
    expect(result.stdout).toMatch(/^quick-pass +passed +2\/2 +1\/1/m);
    expect(result.stdout).toContain('APPROVE: 1 of 1 tests passed');
    expect(result.stderr).toContain('[1/1] PASS quick-pass');
  });

  it('exits 1 when any test fails, and writes JUnit XML valid against the JUnit schema, JSON and HTML', async () => {
    const out = tempDir('test-reports');
    const junit = join(out, 'junit.xml');
    const json = join(out, 'report.json');
    const html = join(out, 'report.html');
    const result = doppel([
      'test',
      join(fixtures, 'tests'),
      '--jobs',
      '2',
      '--junit',
      junit,
      '--json',
      json,
      '--html',
      html,
    ]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('REJECT: 1 of 2 tests failed');

    const xml = readFileSync(junit, 'utf8');
    // The public JUnit schemas (Jenkins' junit-10.xsd, the Ant schema), checked by libxml2.
    for (const xsd of ['jenkins-junit-10.xsd', 'windyroad-junit.xsd']) {
      const validation = await validateXML({
        xml: [{ fileName: 'junit.xml', contents: xml }],
        schema: [readFileSync(join(repoRoot, 'packages/verify/test/fixtures/junit', xsd), 'utf8')],
      });
      expect(validation.errors, xsd).toEqual([]);
      expect(validation.valid, xsd).toBe(true);
    }
    expect(xml).toMatch(
      /<testsuite name="doppel" package="doppel" id="0" timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d" hostname="[^"]+" tests="2" failures="1" errors="0"/,
    );
    expect(xml).toContain('<testcase name="quick-fail &lt;&amp;&gt; &quot;quoted&quot;" classname="doppel.swap"');
    expect(xml).toMatch(/<failure message="step steps\[1\] assert: [^"]*" type="step">/);
    expect(xml).toContain('[rule] nobody-queues: performance rule nobody-queues violated at');

    const report = testReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(report.verdict).toBe('REJECT');
    const failed = report.tests.find((test) => test.status === 'failed')!;
    expect(failed.replications[0].rules[0].first?.ledger.at(-1)?.eventType).toBe('QUEUE_INCREMENT');

    const page = readFileSync(html, 'utf8');
    expect(page).toContain('REJECT');
    expect(page).not.toMatch(/<(script|link)\b|src="http|href="http/);
  });

  it('exits 2 for bad input: a missing path, an invalid test (located), a bad --jobs', () => {
    const missing = doppel(['test', 'no/such/tests']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('test file or folder not found: no/such/tests');

    const dir = tempDir('test-invalid');
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      `scenario: { file: ${join(repoRoot, 'examples/swap/city-10.yaml')}, seed: 1 }\nsteps:\n  - asert: { condition: 'true' }\n`,
    );
    const invalid = doppel(['test', file, join(fixtures, 'tests/quick-pass.yaml')]);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('[DOPPEL_ERR_TEST_INVALID]');
    expect(invalid.stderr).toMatch(/broken\.yaml:3:5 steps\[0\]/);
    expect(invalid.stdout).toBe('');

    expect(doppel(['test', fixtures, '--jobs', '0']).status).toBe(2);
  });

  it('runs the shipped examples: examples/tests pass, examples/tests-failing closes the gate', () => {
    const shipped = readdirSync(join(repoRoot, 'examples/tests'), { recursive: true, encoding: 'utf8' }).filter(
      (name) => name.endsWith('.yaml'),
    ).length;
    expect(shipped).toBeGreaterThanOrEqual(6);
    const passing = doppel(['test', 'examples/tests', '--jobs', '2']);
    expect(passing.stdout).toContain(`APPROVE: ${shipped} of ${shipped} tests passed`);
    expect(passing.status).toBe(0);
    const failing = doppel(['test', 'examples/tests-failing']);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('REJECT');
  }, 240_000);

  it.runIf(haveChromium || process.env.CI)(
    'renders the HTML report offline in Chromium',
    async () => {
      const out = tempDir('test-html');
      const html = join(out, 'report.html');
      doppel(['test', join(fixtures, 'tests'), 'examples/tests-failing', '--jobs', '2', '--html', html]);
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const requests: string[] = [];
        page.on('request', (request) => {
          if (!request.url().startsWith('file:')) requests.push(request.url());
        });
        await page.goto(`file://${html}`);
        expect(await page.getByRole('banner').textContent()).toContain('REJECT');
        expect(await page.locator('section.test').count()).toBe(3);
        expect(await page.locator('figure.chart svg polyline').count()).toBeGreaterThan(0);
        expect(await page.locator('details').first().textContent()).toContain('Ledger before the violation');
        expect(requests).toEqual([]);
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: join(SHOTS, 'test-report.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
