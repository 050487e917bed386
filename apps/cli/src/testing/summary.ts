import type { TestReport, TestResult } from '@doppel/twin';

/** One progress line per finished test (stderr). */
export function progressLine(done: number, total: number, result: TestResult): string {
  const mark = result.status === 'passed' ? 'PASS' : 'FAIL';
  const cause = result.failures[0] !== undefined ? `  ${result.failures[0].kind} ${result.failures[0].ref}` : '';
  return `[${done}/${total}] ${mark} ${result.name} (${result.wallS.toFixed(1)} s)${cause}\n`;
}

/** The summary table (stdout): one row per test, then the verdict. */
export function summaryTable(report: TestReport): string {
  const rows = report.tests.map((test) => {
    const replication = test.replications.find((r) => r.status === 'failed') ?? test.replications[0];
    const steps = replication?.steps ?? [];
    const rules = replication?.rules ?? [];
    return [
      test.name,
      test.status === 'passed' ? 'passed' : 'FAILED',
      `${steps.filter((s) => s.status === 'passed').length}/${steps.length}`,
      `${rules.filter((r) => r.status === 'passed').length}/${rules.length}`,
      `${test.statistics.filter((s) => s.status === 'passed').length}/${test.statistics.length}`,
      String(test.replications.length),
      `${test.wallS.toFixed(1)} s`,
      truncate(test.failures[0]?.message ?? '', 90),
    ];
  });
  const header = ['TEST', 'RESULT', 'STEPS', 'RULES', 'STATISTICS', 'RUNS', 'TIME', 'FIRST FAILURE'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  const verdict =
    report.verdict === 'APPROVE'
      ? `APPROVE: ${report.passed} of ${report.tests.length} tests passed`
      : `REJECT: ${report.failed} of ${report.tests.length} tests failed`;
  return [line(header), ...rows.map(line), '', `${verdict} (${report.wallS.toFixed(1)} s)`, ''].join('\n');
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
