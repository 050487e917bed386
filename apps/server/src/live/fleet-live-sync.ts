import { LiveSync, type LiveSyncStats, type Measurement } from '@doppel/bridge-mqtt';
import { twinTelemetrySchema } from '@doppel/twin/contracts';
import type { ServerContext } from '../context.js';

/** How often the bridge's own refusal counts (malformed payloads) are exported to /metrics. */
const EXPORT_MS = 500;

/** A message the mirror refuses: counted under its reason, never applied. */
class Refused extends Error {
  constructor(readonly reason: 'unknown_vehicle' | 'bad_field' | 'out_of_order') {
    super(reason);
  }
}

/**
 * MQTT live sync of the physical fleet (`doppel serve --mqtt-url`): each vehicle publishes
 * `<root>/fleet/telemetry/<vehicle id>` every 100 ms (`{"ts": ms, "state": {"x_m", "y_m", "heading_deg",
 * "speed_mps", "accel_mps2"}}`); a sample of a Twin API vehicle is mirrored (origin `live`) and the twin's
 * prediction a few seconds ahead is published on `<root>/fleet/predicted/<vehicle id>`. Malformed, unknown and
 * out-of-order messages are refused and counted by reason; none changes the mirror.
 */
export class FleetLiveSync {
  private readonly known = new Set<string>();
  private exported: LiveSyncStats['refused'] | null = null;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly ctx: ServerContext,
    private readonly sync: Promise<LiveSync>,
  ) {
    this.timer = setInterval(() => void this.exportRefusals(), EXPORT_MS);
    this.timer.unref();
  }

  static start(ctx: ServerContext, url: string, root: string, warn: (line: string) => void): FleetLiveSync {
    let service: FleetLiveSync | null = null;
    ctx.mirror.setLink('connecting', url);
    const sync = LiveSync.connect({
      url,
      prefix: `${root}/fleet`,
      apply: (measurement) => (service as FleetLiveSync).apply(measurement),
      // The client retries a lost link by itself: offline and reconnecting are one state to a reader.
      onLink: (state) => ctx.mirror.setLink(state === 'connected' ? 'connected' : 'reconnecting', url),
    });
    sync.then(
      () => ctx.mirror.setLink('connected', url),
      (error: unknown) => {
        ctx.mirror.setLink('unreachable', url);
        warn(`fleet live sync: no broker at ${url}: ${String(error)}`);
      },
    );
    service = new FleetLiveSync(ctx, sync);
    return service;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const sync = await this.sync.catch(() => null);
    await sync?.close().catch(() => undefined);
  }

  private async apply(measurement: Measurement): Promise<void> {
    const metrics = this.ctx.metrics;
    try {
      const id = measurement.assetId;
      if (!this.known.has(id)) {
        if ((await this.ctx.catalog.vehicle(id)) === null) throw new Refused('unknown_vehicle');
        this.known.add(id);
      }
      const parsed = twinTelemetrySchema.safeParse({ ...measurement.state, ts: measurement.ts });
      if (!parsed.success) {
        this.ctx.mirror.refuse(id);
        throw new Refused('bad_field');
      }
      const outcome = this.ctx.mirror.accept(id, parsed.data);
      if (!outcome.ok) throw new Refused(outcome.reason);
      metrics.fleetTelemetry.inc({ transport: 'mqtt', result: 'accepted' });
      metrics.fleetSyncLatency.observe({ transport: 'mqtt' }, outcome.latencyMs / 1000);
      const { predicted, drift_m } = outcome.view;
      const sync = await this.sync;
      // Not awaited: the prediction leaves while the next sample is taken in.
      void sync.publishPrediction(id, { ...predicted, drift_m: drift_m ?? 0 }, measurement.ts).catch(() => undefined);
    } catch (error) {
      if (error instanceof Refused) metrics.fleetTelemetry.inc({ transport: 'mqtt', result: error.reason });
      // The bridge counts it as refused by the twin and does not count it as accepted.
      throw error;
    }
  }

  /** The bridge's refusals of malformed payloads (not JSON, no timestamp...), new since the last look. */
  private async exportRefusals(): Promise<void> {
    const sync = await this.sync.catch(() => null);
    if (sync === null) return;
    const refused = sync.stats().refused;
    for (const [reason, count] of Object.entries(refused)) {
      if (reason === 'refused_by_twin') continue;
      const delta = count - (this.exported?.[reason as keyof typeof refused] ?? 0);
      if (delta > 0) this.ctx.metrics.fleetTelemetry.inc({ transport: 'mqtt', result: reason }, delta);
    }
    this.exported = { ...refused };
  }
}
