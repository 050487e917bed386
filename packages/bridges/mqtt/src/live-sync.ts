import mqtt, { type MqttClient } from 'mqtt';
import { type Measurement, type RefusalReason, decodeTelemetry } from './telemetry.js';

export interface LiveSyncOptions {
  /** `mqtt://host:port`. */
  readonly url: string;
  /** Topic prefix: telemetry arrives on `<prefix>/telemetry/<assetId>`, predictions go to `<prefix>/predicted/<assetId>`. */
  readonly prefix: string;
  /** Applies a measurement to the twin (asset state with origin `live`); its completion ends the sync latency. */
  readonly apply: (measurement: Measurement) => void | Promise<void>;
  /** Wall clock in ms since the epoch; injectable so latency can be tested. */
  readonly now?: () => number;
  /** Told when the link to the broker is up again after a loss, lost, or being re-established. */
  readonly onLink?: (state: LiveLinkState) => void;
}

/** The link to the broker after the first connection: up, lost, or being re-established (the client retries). */
export type LiveLinkState = 'connected' | 'offline' | 'reconnecting';

export interface LiveSyncStats {
  readonly received: number;
  readonly accepted: number;
  readonly refused: Readonly<Record<RefusalReason, number>>;
  /** Sender's timestamp → measurement applied, in ms. */
  readonly latency_p50_ms: number;
  readonly latency_p99_ms: number;
}

const LATENCY_WINDOW = 100_000;

/**
 * Live sync over MQTT: telemetry messages become measurements applied to the twin (malformed ones are refused and
 * counted, and never reach it), the twin's predicted state is published back, and per asset the drift between the
 * last prediction and the last measurement is kept.
 */
export class LiveSync {
  private received = 0;
  private accepted = 0;
  private readonly refused: Record<RefusalReason, number> = {
    too_large: 0,
    not_json: 0,
    not_object: 0,
    bad_timestamp: 0,
    bad_field: 0,
    bad_topic: 0,
    refused_by_twin: 0,
  };
  private readonly latencies = new Float64Array(LATENCY_WINDOW);
  private readonly predictions = new Map<string, Readonly<Record<string, number | boolean | string>>>();
  private readonly drifts = new Map<string, Record<string, number>>();
  private readonly now: () => number;

  private constructor(
    private readonly client: MqttClient,
    private readonly options: LiveSyncOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  static async connect(options: LiveSyncOptions): Promise<LiveSync> {
    const client = await mqtt.connectAsync(options.url, { reconnectPeriod: 1_000, connectTimeout: 5_000 });
    const sync = new LiveSync(client, options);
    client.on('message', (topic, payload) => void sync.receive(topic, payload));
    const onLink = options.onLink;
    if (onLink !== undefined) {
      client.on('connect', () => onLink('connected'));
      client.on('offline', () => onLink('offline'));
      client.on('reconnect', () => onLink('reconnecting'));
    }
    await client.subscribeAsync(`${options.prefix}/telemetry/+`, { qos: 0 });
    return sync;
  }

  stats(): LiveSyncStats {
    const n = Math.min(this.accepted, LATENCY_WINDOW);
    const sorted = this.latencies.slice(0, n).sort();
    const at = (p: number): number => (n === 0 ? 0 : (sorted[Math.min(n - 1, Math.ceil(p * n) - 1)] ?? 0));
    return {
      received: this.received,
      accepted: this.accepted,
      refused: { ...this.refused },
      latency_p50_ms: at(0.5),
      latency_p99_ms: at(0.99),
    };
  }

  /** Measured minus predicted, per numeric field, as of the last measurement after a prediction. */
  driftOf(assetId: string): Readonly<Record<string, number>> | undefined {
    return this.drifts.get(assetId);
  }

  /** Publishes the twin's predicted state of an asset and remembers it for the drift. */
  publishPrediction(
    assetId: string,
    state: Readonly<Record<string, number | boolean | string>>,
    ts = this.now(),
  ): Promise<void> {
    this.predictions.set(assetId, state);
    // QoS 0 without a promise: publishAsync adds and removes listeners per message, which cost more CPU than the
    // whole mirror update under a 1,000-vehicle fleet's 10,000 messages a second (measured with --cpu-prof).
    this.client.publish(`${this.options.prefix}/predicted/${assetId}`, JSON.stringify({ ts, state }));
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }

  private async receive(topic: string, payload: Uint8Array): Promise<void> {
    this.received += 1;
    const decoded = decodeTelemetry(this.options.prefix, topic, payload);
    if (!decoded.ok) {
      this.refused[decoded.reason] += 1;
      return;
    }
    const { measurement } = decoded;
    try {
      await this.options.apply(measurement);
    } catch {
      this.refused.refused_by_twin += 1;
      return;
    }
    this.latencies[this.accepted % LATENCY_WINDOW] = Math.max(0, this.now() - measurement.ts);
    this.accepted += 1;
    const predicted = this.predictions.get(measurement.assetId);
    if (predicted) {
      const drift: Record<string, number> = {};
      for (const [field, value] of Object.entries(measurement.state)) {
        const expected = predicted[field];
        if (typeof value === 'number' && typeof expected === 'number') drift[field] = value - expected;
      }
      this.drifts.set(measurement.assetId, drift);
    }
  }
}
