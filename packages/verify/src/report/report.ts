import type { TestReport, TestResult } from '@doppel/twin';

/** The gate: APPROVE when every test passed, REJECT otherwise (an empty run approves nothing). */
export function buildReport(tests: readonly TestResult[], wallS: number): TestReport {
  const passed = tests.filter((test) => test.status === 'passed').length;
  const failed = tests.length - passed;
  return {
    verdict: failed === 0 && tests.length > 0 ? 'APPROVE' : 'REJECT',
    tests: [...tests],
    passed,
    failed,
    wallS,
  };
}

/** A sim time as the scenario's local time of day (`17:55:00`; `day 2 01:00:00` past the first day). */
export function clockTime(simTime: number, result: Pick<TestResult, 'start' | 'timezone'>): string {
  const ms = Date.parse(result.start) + simTime * 1000;
  if (!Number.isFinite(ms)) return `${simTime} s`;
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone: result.timezone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(ms);
  return simTime >= 86_400 ? `day ${Math.floor(simTime / 86_400) + 1} ${text}` : text;
}
