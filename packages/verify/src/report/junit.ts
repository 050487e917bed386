import type { TestReport, TestResult } from '@doppel/twin';

export interface JUnitOptions {
  /** When the tests ran (the suite's `timestamp`, written in UTC without a zone, as the Ant format wants). */
  readonly timestamp?: Date;
  /** The machine that ran them (the suite's `hostname`); `localhost` when unknown. */
  readonly hostname?: string;
}

/**
 * JUnit XML as common CI systems read it (GitHub, GitLab, Jenkins): one `testsuite`, one `testcase` per test, a
 * `failure` per failing test whose message is the first cause and whose text lists every failed step, rule,
 * statistic and baseline comparison; an `error` for a test that could not run to a result. It is valid against
 * both the Jenkins xUnit plugin's junit-10.xsd and the strict Ant schema (Windy Road's JUnit.xsd), which is why the
 * root carries no attributes and the suite its package, id, timestamp, hostname and (empty) system-out and
 * system-err.
 */
export function toJUnitXml(report: TestReport, options: JUnitOptions = {}): string {
  const errors = report.tests.filter(isError).length;
  const failures = report.failed - errors;
  const when =
    options.timestamp !== undefined && Number.isFinite(options.timestamp.getTime()) ? options.timestamp : new Date();
  const timestamp = when.toISOString().slice(0, 19);
  const hostname = options.hostname?.trim() || 'localhost';
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites>',
    `  <testsuite name="doppel" package="doppel" id="0" timestamp="${timestamp}" hostname="${attr(hostname)}" tests="${report.tests.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(report.wallS)}">`,
    `    <properties><property name="verdict" value="${report.verdict}"/></properties>`,
  ];
  for (const test of report.tests) lines.push(...testcase(test));
  lines.push('    <system-out/>', '    <system-err/>', '  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

/** A test that never reached a result (stopped at its deadline, an internal error): a JUnit error, not a failure. */
function isError(test: TestResult): boolean {
  return test.status === 'failed' && test.failures.length > 0 && test.failures.every((f) => f.kind === 'error');
}

function testcase(test: TestResult): string[] {
  const open = `    <testcase name="${attr(test.name)}" classname="doppel.${attr(test.pack)}" time="${seconds(test.wallS)}"`;
  if (test.status === 'passed') return [`${open}/>`];
  const first = test.failures[0];
  const message = first === undefined ? 'failed' : `${first.kind} ${first.ref}: ${first.message}`;
  const body = test.failures.map((failure) => `[${failure.kind}] ${failure.ref}: ${failure.message}`).join('\n');
  const element = isError(test) ? 'error' : 'failure';
  return [
    `${open}>`,
    `      <${element} message="${attr(message)}" type="${attr(first?.kind ?? 'failure')}">${text(body)}</${element}>`,
    '    </testcase>',
  ];
}

/** Seconds as a plain decimal (both schemas refuse exponents, which toFixed writes from 1e21 on). */
function seconds(value: number): string {
  if (!Number.isFinite(value) || value < 0) return '0.000';
  return value < 1e21 ? value.toFixed(3) : `${BigInt(Math.round(value))}.000`;
}

// XML 1.0 forbids most control characters even escaped: they are dropped.
// eslint-disable-next-line no-control-regex
const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function text(value: string): string {
  return value.replace(forbidden, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
