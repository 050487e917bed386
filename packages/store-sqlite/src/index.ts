export { SqliteLedgerStore, type SqliteLedgerStoreOptions } from './sqlite-ledger-store.js';
export { SCHEMA_VERSION } from './schema.js';
