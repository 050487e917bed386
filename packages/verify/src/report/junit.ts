import type { TestReport, TestResult } from '@doppel/twin';

/**
 * JUnit XML as common CI systems read it (GitHub, GitLab, Jenkins): one `testsuite`, one `testcase` per test, a
 * `failure` per failing test whose message is the first cause and whose text lists every failed step, rule,
 * statistic and baseline comparison.
 */
export function toJUnitXml(report: TestReport): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="doppel test" tests="${report.tests.length}" failures="${report.failed}" errors="0" time="${seconds(report.wallS)}">`,
    `  <testsuite name="doppel" tests="${report.tests.length}" failures="${report.failed}" errors="0" skipped="0" time="${seconds(report.wallS)}">`,
    `    <properties><property name="verdict" value="${report.verdict}"/></properties>`,
  ];
  for (const test of report.tests) lines.push(...testcase(test));
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

function testcase(test: TestResult): string[] {
  const open = `    <testcase name="${attr(test.name)}" classname="doppel.${attr(test.pack)}" time="${seconds(test.wallS)}"`;
  if (test.status === 'passed') return [`${open}/>`];
  const first = test.failures[0];
  const message = first === undefined ? 'failed' : `${first.kind} ${first.ref}: ${first.message}`;
  const body = test.failures.map((failure) => `[${failure.kind}] ${failure.ref}: ${failure.message}`).join('\n');
  return [
    `${open}>`,
    `      <failure message="${attr(message)}" type="${attr(first?.kind ?? 'failure')}">${text(body)}</failure>`,
    '    </testcase>',
  ];
}

function seconds(value: number): string {
  return (Number.isFinite(value) ? value : 0).toFixed(3);
}

// XML 1.0 forbids most control characters even escaped: they are dropped.
// eslint-disable-next-line no-control-regex
const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function text(value: string): string {
  return value.replace(forbidden, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
