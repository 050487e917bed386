import { LiveSync, type LiveSyncStats, type Measurement } from '@doppel/bridge-mqtt';
import type { ServerContext } from '../context.js';

export interface LiveSyncServiceOptions {
  /** The broker, `mqtt://host:port`. */
  readonly url: string;
  /** Topics of simulation S live under `<root>/<S>/`; `doppel` by default. */
  readonly topicRoot?: string;
  /** Predicted state is published this often (ms); 1,000 by default. */
  readonly predictEveryMs?: number;
  readonly warn: (line: string) => void;
}

/** How often live simulations are matched with broker connections and refusal counts exported. */
const SYNC_MS = 500;

type Scalar = number | boolean | string;

/**
 * MQTT live sync for every live simulation (`doppel serve --mqtt-url`): telemetry on
 * `<root>/<simId>/telemetry/<assetId>` (`{"ts": ms, "state": {...}}`) becomes a `live_measurement` of the asset
 * (ledger origin `live`, the drift from the twin in the record's meta), through the same worker call as any
 * intervention; malformed messages are refused and counted and never reach the twin. The twin's state is published on
 * `<root>/<simId>/predicted/<assetId>`. State sync latency — the message's timestamp to the measurement being visible
 * through the API — is a histogram on /metrics.
 */
export class LiveSyncService {
  private readonly syncs = new Map<string, LiveSync>();
  private readonly connecting = new Set<string>();
  private readonly counted = new Map<string, LiveSyncStats['refused']>();
  private readonly timer: NodeJS.Timeout;
  private readonly predictTimer: NodeJS.Timeout;
  private readonly root: string;
  private stopped = false;

  constructor(
    private readonly ctx: ServerContext,
    private readonly options: LiveSyncServiceOptions,
  ) {
    this.root = options.topicRoot ?? 'doppel';
    this.timer = setInterval(() => this.sync(), SYNC_MS);
    this.timer.unref();
    this.predictTimer = setInterval(() => void this.predict(), options.predictEveryMs ?? 1_000);
    this.predictTimer.unref();
    ctx.manager.onDelete((simId) => void this.drop(simId));
    this.sync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.predictTimer);
    await Promise.all([...this.syncs.keys()].map((simId) => this.drop(simId)));
  }

  private sync(): void {
    const live = new Set(this.ctx.manager.liveIds());
    for (const simId of this.syncs.keys()) if (!live.has(simId)) void this.drop(simId);
    for (const simId of live) if (!this.syncs.has(simId)) this.connect(simId);
    for (const [simId, sync] of this.syncs) this.countRefusals(simId, sync.stats().refused);
  }

  private connect(simId: string): void {
    if (this.connecting.has(simId) || this.stopped) return;
    this.connecting.add(simId);
    LiveSync.connect({
      url: this.options.url,
      prefix: `${this.root}/${simId}`,
      apply: (measurement) => this.apply(simId, measurement),
    })
      .then(
        async (sync) => {
          if (this.stopped || !this.ctx.manager.isLoaded(simId)) return sync.close();
          this.syncs.set(simId, sync);
        },
        (error: unknown) =>
          this.options.warn(`live sync of ${simId}: no broker at ${this.options.url}: ${String(error)}`),
      )
      .finally(() => this.connecting.delete(simId));
  }

  private async drop(simId: string): Promise<void> {
    const sync = this.syncs.get(simId);
    if (sync === undefined) return;
    this.syncs.delete(simId);
    this.countRefusals(simId, sync.stats().refused);
    this.counted.delete(simId);
    await sync.close().catch(() => undefined);
  }

  private async apply(simId: string, measurement: Measurement): Promise<void> {
    const state: Record<string, Scalar> = { ...measurement.state };
    await this.ctx.manager
      .simulation(simId)
      .intervene({ assetId: measurement.assetId, action: 'live_measurement', args: { state }, origin: 'live' });
    // The worker answered: the measurement is in the state the API serves.
    this.ctx.metrics.liveSyncLatency.observe(Math.max(0, Date.now() - measurement.ts) / 1000);
    this.ctx.metrics.liveMessages.inc({ result: 'accepted' });
  }

  /** Refusals are counted inside each sync; the counter on /metrics gets what is new since the last look. */
  private countRefusals(simId: string, refused: LiveSyncStats['refused']): void {
    const before = this.counted.get(simId);
    for (const [reason, count] of Object.entries(refused)) {
      const delta = count - (before?.[reason as keyof typeof refused] ?? 0);
      if (delta > 0) this.ctx.metrics.liveMessages.inc({ result: reason }, delta);
    }
    this.counted.set(simId, { ...refused });
  }

  private async predict(): Promise<void> {
    for (const [simId, sync] of this.syncs) {
      try {
        const assets = await this.ctx.manager.simulation(simId).assets(undefined, true);
        for (const asset of assets) {
          const state: Record<string, Scalar> = {};
          for (const [field, value] of Object.entries(asset.state)) {
            if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string')
              state[field] = value;
          }
          await sync.publishPrediction(asset.id, state);
        }
      } catch {
        // Unloaded meanwhile, or the broker is away (mqtt.js reconnects): the next tick tries again.
      }
    }
  }
}
