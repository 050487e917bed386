// The wire contract: every shape that crosses a boundary (HTTP, WebSocket, webhook, worker thread, browser), as a
// zod schema with its TypeScript type inferred from it. Server routes and the OpenAPI document, the client and the
// web UI use these and nothing else; schemas carry an OpenAPI component id (`.meta({ id })`).
export * from './json.js';
export * from './ledger.js';
export * from './interventions.js';
export * from './simulation.js';
export * from './packs.js';
export * from './accounts.js';
export * from './stream.js';
export * from './tests.js';
export * from './process.js';
export * from './twin-api.js';
export * from './projects.js';
export * from './bindings.js';
export * from './experiments.js';
export * from './fmus.js';
export * from './twin-step.js';
