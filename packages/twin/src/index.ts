export * from './contracts/index.js';
export * from './errors.js';
export * from './assets/index.js';
export * from './ledger/index.js';
export * from './scenario/index.js';
export * from './session/index.js';
export * from './expressions/index.js';
export * from './ports/index.js';
