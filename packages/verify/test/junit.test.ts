/**
 * The JUnit XML report against the two public schemas CI systems are built on: the Jenkins xUnit plugin's
 * junit-10.xsd and the strict Ant schema (Windy Road's JUnit.xsd), validated by libxml2 (xmllint-wasm).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import type { TestFailure, TestResult } from '@doppel/twin';
import { buildReport, toJUnitXml } from '@doppel/verify';

const SCHEMAS = {
  jenkins: readFileSync(new URL('./fixtures/junit/jenkins-junit-10.xsd', import.meta.url), 'utf8'),
  windyroad: readFileSync(new URL('./fixtures/junit/windyroad-junit.xsd', import.meta.url), 'utf8'),
};

/** The problems libxml2 finds in `xml` against each schema (empty lists: valid against both). */
async function problems(xml: string): Promise<Record<keyof typeof SCHEMAS, string[]>> {
  const check = async (schema: string): Promise<string[]> => {
    const result = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [schema] });
    return result.valid ? [] : result.errors.map((error) => error.rawMessage);
  };
  return { jenkins: await check(SCHEMAS.jenkins), windyroad: await check(SCHEMAS.windyroad) };
}

function result(name: string, failures: TestFailure[], wallS = 1.5): TestResult {
  return {
    name,
    file: `${name}.yaml`,
    pack: 'swap',
    scenario: 'city-10',
    start: '2026-03-02T05:00:00Z',
    timezone: 'Europe/Berlin',
    status: failures.length === 0 ? 'passed' : 'failed',
    wallS,
    replications: [],
    statistics: [],
    baseline: [],
    failures,
    series: [],
  };
}

const when = { timestamp: new Date('2026-12-03T10:15:30.250Z'), hostname: 'ci-runner-7' };

describe('JUnit XML', () => {
  it('is valid against both schemas: passed, failed and errored tests, with their counts', async () => {
    const report = buildReport(
      [
        result('evening-peak', []),
        result('line <oee> & "conservation"', [
          { kind: 'step', ref: 'steps[1] assert', message: 'the wait p95 stays under 2 min (kpi.wait_p95_s: 131.2)' },
          { kind: 'rule', ref: 'queue-below-balking', message: 'safety rule violated at 17:58 on station_08' },
        ]),
        result('stuck-enactor', [{ kind: 'error', ref: 'DOPPEL_ERR_TEST_TIMEOUT', message: 'stopped after 600 s' }]),
      ],
      12.25,
    );
    const xml = toJUnitXml(report, when);
    expect(await problems(xml)).toEqual({ jenkins: [], windyroad: [] });
    expect(xml).toContain(
      '<testsuite name="doppel" package="doppel" id="0" timestamp="2026-12-03T10:15:30" hostname="ci-runner-7" tests="3" failures="1" errors="1" skipped="0" time="12.250">',
    );
    expect(xml).toContain('<testcase name="evening-peak" classname="doppel.swap" time="1.500"/>');
    expect(xml).toContain(
      '<failure message="step steps[1] assert: the wait p95 stays under 2 min (kpi.wait_p95_s: 131.2)" type="step">',
    );
    expect(xml).toContain('[rule] queue-below-balking: safety rule violated at 17:58 on station_08</failure>');
    expect(xml).toContain('<error message="error DOPPEL_ERR_TEST_TIMEOUT: stopped after 600 s" type="error">');
  });

  it('is valid with no tests at all', async () => {
    expect(await problems(toJUnitXml(buildReport([], 0), when))).toEqual({ jenkins: [], windyroad: [] });
  });

  it('stays valid whatever the names and messages hold (markup, quotes, control characters, any Unicode)', async () => {
    // libxml2 starts afresh on each call (~0.4 s), so the generated cases go into one report.
    const cases = fc.sample(
      fc.record({
        name: fc.string({ unit: 'binary', maxLength: 40 }),
        message: fc.string({ unit: 'binary', maxLength: 80 }),
        wallS: fc.double(),
        failed: fc.boolean(),
      }),
      { numRuns: 300, seed: 14 },
    );
    const tests = cases.map(({ name, message, wallS, failed }) =>
      result(name, failed ? [{ kind: 'rule', ref: name, message }] : [], wallS),
    );
    const xml = toJUnitXml(buildReport(tests, Number.NaN), when);
    expect(await problems(xml)).toEqual({ jenkins: [], windyroad: [] });
    expect(xml.match(/<testcase /g)?.length).toBe(300);
  });

  it('fails validation when the report breaks the schema', async () => {
    const xml = toJUnitXml(buildReport([result('evening-peak', [])], 1), when);
    // A suite without its test count: both schemas require it.
    const noCount = await problems(xml.replace(/ tests="\d+"/, ''));
    expect(noCount.jenkins.join('\n')).toMatch(/tests.*required/);
    expect(noCount.windyroad.join('\n')).toMatch(/tests.*required/);
    // A timestamp with a zone, which the Ant schema forbids.
    const zoned = await problems(xml.replace('timestamp="2026-12-03T10:15:30"', 'timestamp="2026-12-03T10:15:30Z"'));
    expect(zoned.windyroad.join('\n')).toMatch(/timestamp/);
    // An element neither schema knows.
    const unknown = await problems(xml.replace('<system-out/>', '<stdout/><system-out/>'));
    expect(unknown.jenkins.length).toBeGreaterThan(0);
    expect(unknown.windyroad.length).toBeGreaterThan(0);
  });
});
