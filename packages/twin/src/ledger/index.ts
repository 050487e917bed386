export {
  encodeLedgerEvent,
  decodeLedgerEvent,
  fastCanonicalJson,
  ledgerEventJson,
  ledgerTextEventType,
  ledgerTextFields,
} from './encoding.js';
export { LedgerHasher, hashBlock, type LedgerHashHead } from './hasher.js';
export { LedgerVerifier, verifyLedger } from './verify.js';
export {
  LedgerWriter,
  type LedgerWriterOptions,
  type LedgerListener,
  type LedgerResume,
  type SealedBlockMark,
} from './writer.js';
export { MemoryLedgerStore } from './memory-store.js';
export { foldStates, applyLedgerEvents } from './fold.js';
export {
  checkAppend,
  checkQueryLimit,
  matchesLedgerQuery,
  unknownSimulation,
  type LedgerTip,
} from './store-support.js';
export { LEDGER_CSV_COLUMNS, ledgerCsvHeader, ledgerEventToCsvRow, ledgerToCsv, csvCell } from './csv.js';
export { parseIsoToEpochMs, formatEpochMsIso } from './iso-time.js';
