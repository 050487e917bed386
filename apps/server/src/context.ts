import type { VehicleMirror } from './live/vehicle-mirror.js';
import type { Catalog } from '@doppel/catalog';
import type { ServerConfig } from './config.js';
import type { ExperimentRuns } from './lab/experiment-runs.js';
import type { ServerMetrics } from './metrics.js';
import type { ExampleCatalog } from './sim/examples.js';
import type { SimulationManager } from './sim/manager.js';
import type { StreamHub } from './stream/hub.js';
import type { TestRuns } from './testing/test-runs.js';
import type { WebhookDispatcher } from './webhooks/dispatcher.js';

/** What routes share: the catalog, the simulations, fan-out and configuration. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly catalog: Catalog;
  readonly manager: SimulationManager;
  readonly examples: ExampleCatalog;
  readonly metrics: ServerMetrics;
  readonly hub: StreamHub;
  readonly webhooks: WebhookDispatcher;
  /** Checks and background runs of scenario tests. */
  readonly testRuns: TestRuns;
  /** Experiments per account, run one at a time in worker threads. */
  readonly experiments: ExperimentRuns;
  /** The live mirror of physical vehicles (Twin API telemetry over HTTP and MQTT). */
  readonly mirror: VehicleMirror;
  /** Every registered route (method and URL pattern), for tooling and the tenancy test. */
  readonly routes: readonly { readonly method: string; readonly url: string }[];
}
