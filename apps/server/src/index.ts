export { buildApp, type AppDeps, type DoppelApp } from './app.js';
export { startServer, type StartOptions, type RunningServer } from './server.js';
export {
  resolveConfig,
  defaultLimits,
  defaultWebhookOptions,
  type ServerConfig,
  type ServerConfigInput,
  type ServerLimits,
  type WebhookOptions,
} from './config.js';
export { Catalog, type Account, type Principal, type CreatedKey } from '@doppel/catalog';
export { SCOPES, type Scope } from '@doppel/catalog';
export { ServerError, ServerErrorCode, type Problem, type ProblemIssue } from './errors.js';
export { signWebhook, verifyWebhook } from './webhooks/signing.js';
export { systemClock, type Clock } from './webhooks/clock.js';
export { isPrivateAddress } from './webhooks/ssrf.js';
export { builtinPacks, loadPacks } from './packs.js';
export { ensureDemo, DEMO_ACCOUNT } from './demo.js';
export type { StreamMessage } from '@doppel/twin/contracts';
