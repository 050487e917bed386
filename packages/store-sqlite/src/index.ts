export { SqliteLedgerStore, type SqliteLedgerStoreOptions } from './sqlite-ledger-store.js';
export { SCHEMA_VERSION } from './schema.js';
export { ThreadedSqliteLedgerStore, type ThreadedSqliteLedgerStoreOptions } from './threaded/threaded-store.js';
export { startModuleWorker, siblingModule } from './threaded/start-worker.js';
