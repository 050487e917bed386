export { PostgresLedgerStore, type PostgresLedgerStoreOptions } from './postgres-ledger-store.js';
