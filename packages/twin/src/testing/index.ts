export { describeLedgerStoreConformance, type LedgerStoreFactory, type LedgerStoreUnderTest } from './conformance.js';
export {
  TEST_EVENT_TYPES,
  appendInBatches,
  expectedHeadHash,
  hasherAfter,
  syntheticLedger,
  syntheticRecord,
  testSimulationRecord,
} from './ledger-fixtures.js';
export { appendBenchSize, runAppendBenchmark, type AppendBenchResult, type AppendBenchSize } from './append-bench.js';
