import { resolve } from 'node:path';
import type { UserModuleDirs, UserModuleKindName } from './user-modules.js';

/** Limits that protect the server and every account from each other. All explicit, all configurable. */
export interface ServerLimits {
  /** Largest request body accepted (scenario YAML included), bytes. */
  readonly bodyLimitBytes: number;
  /** Time a request may take before the server answers 503 (a worker that does not answer counts). */
  readonly requestTimeoutMs: number;
  /** Time a client has to send its whole request, headers and body, before it is answered 408 and closed. */
  readonly receiveTimeoutMs: number;
  /** Simulations an account may keep (stored). */
  readonly maxSimulationsPerAccount: number;
  /** Simulations of one account that may hold a live worker at once. */
  readonly maxLiveSimulationsPerAccount: number;
  /** Engine events one run command (run, step, run-until) may process before the simulation is stopped and failed. */
  readonly maxEventsPerRun: number;
  /** Old-generation heap of each simulation worker, MB. */
  readonly workerMemoryMb: number;
  /**
   * A worker that sends no heartbeat for this long (while the server's own thread keeps up) is considered hung and
   * is terminated. Generous: a busy machine slows workers down, and a slow worker is not a dead one.
   */
  readonly workerHeartbeatTimeoutMs: number;
  /** Engine events per slice of a paced run: the worker answers requests between slices. */
  readonly sliceEvents: number;
  /** WebSocket: a client whose unsent buffer exceeds this many bytes gets a gap notice and resumes from the store. */
  readonly wsMaxBufferedBytes: number;
  /** Rate limit per API key (or IP when anonymous): requests per window. */
  readonly rateLimitMax: number;
  readonly rateLimitWindowMs: number;
  /**
   * Failed authentications (a refused or missing key on a route that needs one) per client address and window:
   * beyond them the address is answered 429 whatever key it sends (brute force of keys).
   */
  readonly authFailuresMax: number;
  /** Scenario tests an account may store. */
  readonly maxTestsPerAccount: number;
  /** Test runs of one account that run at once (each in a worker); more wait in a queue. */
  readonly maxTestRunsPerAccount: number;
  /** Test runs of one account queued or running at once; beyond, a run is refused. */
  readonly maxQueuedTestRunsPerAccount: number;
  /** Wall-clock time a test run may take before it is stopped (an error). */
  readonly testRunTimeoutMs: number;
  /** Experiments an account may keep (finished ones count until deleted). */
  readonly maxExperimentsPerAccount: number;
  /** Experiments of one account queued or running at once; beyond, a new one is refused. */
  readonly maxQueuedExperimentsPerAccount: number;
  /** Worker threads of the experiment that runs (one at a time over the server; the others wait in order). */
  readonly experimentWorkers: number;
  /** Largest FMU archive accepted by an upload, bytes (the body of an upload is bounded by this, not bodyLimitBytes). */
  readonly fmuUploadLimitBytes: number;
  /** Largest size an uploaded FMU may unpack to, bytes (a zip that inflates beyond it is refused). */
  readonly fmuUnpackedLimitBytes: number;
  /** FMUs an account may keep. */
  readonly maxFmusPerAccount: number;
}

export interface WebhookOptions {
  /**
   * Hosts or IP addresses allowed even though they resolve to private or loopback addresses (SSRF guard). Empty
   * by default: only public addresses receive webhooks.
   */
  readonly allowHosts: readonly string[];
  /**
   * Delay before each attempt of a delivery, from the previous one (the first from when it was queued); after the
   * last, the delivery is failed until redelivered. Standard Webhooks' schedule by default: spread over a day.
   */
  readonly retryScheduleMs: readonly number[];
  /** Deliveries on the wire at once, over every webhook. */
  readonly maxInFlight: number;
  /** Events are gathered for this long (or up to maxBatch) before a delivery. */
  readonly batchWindowMs: number;
  readonly maxBatch: number;
  readonly timeoutMs: number;
}

export interface ServerConfig {
  /** Directory of the catalog and of every simulation's ledger file. */
  readonly dataDir: string;
  /** A `postgres://` URL to keep the catalog in PostgreSQL instead of `catalog.sqlite` in the data directory. */
  readonly catalogUrl: string | null;
  /**
   * A `postgres://` URL to keep every simulation's ledger in PostgreSQL (one schema, `?schema=name`, default
   * `doppel`) instead of a SQLite file per simulation in the data directory.
   */
  readonly storeUrl: string | null;
  /** Where example scenarios are read from (stored example names resolve here). */
  readonly examplesDir: string;
  /** Built web UI served on the same origin when present. */
  readonly webDir: string | null;
  readonly limits: ServerLimits;
  readonly webhooks: WebhookOptions;
  /** Extra modules whose exported packs (`packs` array or `default`) are registered, in the server and every worker. */
  readonly packModules: readonly string[];
  /**
   * The directory of each kind of user-supplied module (a control-plane scenario's `enactor.module`, a fleet
   * scenario's `entities.ego.policy.module`: a file of that directory); null: scenarios naming one are refused.
   * Only code the operator put there ever runs.
   */
  readonly moduleDirs: UserModuleDirs;
  /** pino log level, or false for no logs (tests). */
  readonly logLevel: string | false;
  /** Create the local demo account and demo simulation on start. */
  readonly demo: boolean;
  /** Fixed demo key (tests); random by default, stored hashed like any other key. */
  readonly demoKey?: string;
  /** Public base URL for printed links (default from the listen address). */
  readonly publicUrl?: string;
}

export const defaultLimits: ServerLimits = {
  bodyLimitBytes: 2 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  receiveTimeoutMs: 10_000,
  maxSimulationsPerAccount: 50,
  maxLiveSimulationsPerAccount: 8,
  maxEventsPerRun: 50_000_000,
  workerMemoryMb: 512,
  workerHeartbeatTimeoutMs: 30_000,
  sliceEvents: 2_000,
  wsMaxBufferedBytes: 4 * 1024 * 1024,
  rateLimitMax: 6_000,
  rateLimitWindowMs: 60_000,
  authFailuresMax: 60,
  maxTestsPerAccount: 200,
  maxTestRunsPerAccount: 2,
  maxQueuedTestRunsPerAccount: 20,
  testRunTimeoutMs: 15 * 60_000,
  maxExperimentsPerAccount: 100,
  maxQueuedExperimentsPerAccount: 5,
  experimentWorkers: 1,
  fmuUploadLimitBytes: 64 * 1024 * 1024,
  fmuUnpackedLimitBytes: 256 * 1024 * 1024,
  maxFmusPerAccount: 50,
};

export const defaultWebhookOptions: WebhookOptions = {
  allowHosts: [],
  retryScheduleMs: [0, 5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000],
  maxInFlight: 16,
  batchWindowMs: 250,
  maxBatch: 500,
  timeoutMs: 10_000,
};

export interface ServerConfigInput {
  readonly dataDir?: string;
  readonly catalogUrl?: string | null;
  readonly storeUrl?: string | null;
  readonly examplesDir?: string;
  readonly webDir?: string | null;
  readonly limits?: Partial<ServerLimits>;
  readonly webhooks?: Partial<WebhookOptions>;
  readonly packModules?: readonly string[];
  /** One directory for every kind of user-supplied module (`doppel serve --modules DIR`). */
  readonly modulesDir?: string | null;
  /** A directory for one kind, over `modulesDir` (`--enactor-modules DIR`, `--policy-modules DIR`). */
  readonly moduleDirs?: Partial<Record<UserModuleKindName, string | null>>;
  readonly logLevel?: string | false;
  readonly demo?: boolean;
  readonly demoKey?: string;
  readonly publicUrl?: string;
}

/** The repository root as seen from this file (src/ or dist/ of apps/server). */
export const repoRoot = resolve(new URL('.', import.meta.url).pathname, '../../..');

function resolveModuleDirs(input: ServerConfigInput): UserModuleDirs {
  const dirOf = (name: UserModuleKindName): string | null => {
    const dir = input.moduleDirs?.[name] ?? input.modulesDir;
    return dir == null ? null : resolve(dir);
  };
  return { enactor: dirOf('enactor'), policy: dirOf('policy') };
}

export function resolveConfig(input: ServerConfigInput = {}): ServerConfig {
  return {
    dataDir: resolve(input.dataDir ?? '.doppel'),
    catalogUrl: input.catalogUrl ?? null,
    storeUrl: input.storeUrl ?? null,
    examplesDir: resolve(input.examplesDir ?? resolve(repoRoot, 'examples')),
    webDir: input.webDir === undefined ? resolve(repoRoot, 'apps/web/dist') : input.webDir,
    limits: { ...defaultLimits, ...input.limits },
    webhooks: { ...defaultWebhookOptions, ...input.webhooks },
    packModules: input.packModules ?? [],
    moduleDirs: resolveModuleDirs(input),
    logLevel: input.logLevel ?? 'info',
    demo: input.demo ?? false,
    demoKey: input.demoKey,
    publicUrl: input.publicUrl,
  };
}
