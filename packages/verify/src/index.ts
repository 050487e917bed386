export { VerifyError, VerifyErrorCode, formatIssues } from './errors.js';
export { testFileSchema, testFileJsonSchema, type TestFileInput } from './schema.js';
export { loadTestFile, loadTestText, type TestLoadOptions } from './load.js';
export type { TestDefinition, Step, Instant } from './definition.js';
export { runTest, type RunTestOptions } from './run-test.js';
export { RuleMonitor, type CompiledRule, type RuleMonitorOptions } from './rules.js';
export { TestExpressions, type CompiledExpression, type ExpressionReads } from './expressions.js';
export {
  binomialCdf,
  meanInterval,
  normalQuantile,
  quantileInterval,
  sampleQuantile,
  studentTCdf,
  studentTQuantile,
  wilsonInterval,
  type Interval,
} from './stats.js';
export { replicationSeed } from './time.js';
export { buildReport } from './report/report.js';
export { toJUnitXml, type JUnitOptions } from './report/junit.js';
export { toHtmlReport } from './report/html.js';
