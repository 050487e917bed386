import mqtt, { type MqttClient } from 'mqtt';

/** A value at an MQTT point: analog numbers, digital booleans. */
export type PointValue = number | boolean;

/** What went wrong at a point: the broker is away, or nothing usable has arrived on the topic yet. */
export class MqttPointError extends Error {
  constructor(
    readonly code: 'DOPPEL_ERR_MQTT_CONNECTION' | 'DOPPEL_ERR_MQTT_NO_VALUE',
    message: string,
  ) {
    super(message);
    this.name = 'MqttPointError';
  }
}

const MAX_PAYLOAD = 64 * 1024;

function valueAt(payload: Buffer, jsonPath: string | undefined): PointValue | undefined {
  if (payload.length > MAX_PAYLOAD) return undefined;
  let node: unknown;
  try {
    node = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  for (const key of jsonPath === undefined ? [] : jsonPath.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return (typeof node === 'number' && Number.isFinite(node)) || typeof node === 'boolean' ? node : undefined;
}

/** `value` nested at `jsonPath` (`state.level` → `{"state":{"level":v}}`), or the bare value without a path. */
function payloadOf(value: PointValue, jsonPath: string | undefined): string {
  let node: unknown = value;
  for (const key of (jsonPath ?? '')
    .split('.')
    .filter((k) => k !== '')
    .reverse())
    node = { [key]: node };
  return JSON.stringify(node);
}

/**
 * Points of an MQTT broker for bindings: an input point is a topic (with an optional JSON path into its payload)
 * whose last good value is kept as messages arrive, so a read costs no round trip; an output point publishes its value
 * as JSON. Payloads that are not JSON, or have no number or boolean at the path, are counted and ignored: the last good
 * value stays. mqtt.js reconnects by itself; while it is away, reads and writes fail with a typed error.
 */
export class MqttPoints {
  private readonly latest = new Map<string, PointValue>();
  private readonly watched = new Map<string, Set<string | undefined>>();
  private ignoredCount = 0;

  private constructor(
    private readonly client: MqttClient,
    readonly url: string,
  ) {
    client.on('message', (topic, payload) => {
      for (const path of this.watched.get(topic) ?? []) {
        const value = valueAt(payload, path);
        if (value === undefined) this.ignoredCount += 1;
        else this.latest.set(key(topic, path), value);
      }
    });
  }

  static async connect(url: string, options: { readonly timeoutMs?: number } = {}): Promise<MqttPoints> {
    try {
      const client = await mqtt.connectAsync(url, {
        connectTimeout: options.timeoutMs ?? 2_000,
        reconnectPeriod: 500,
        clientId: `doppel-points-${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
      });
      return new MqttPoints(client, url);
    } catch (error) {
      throw new MqttPointError('DOPPEL_ERR_MQTT_CONNECTION', `cannot connect to ${url}: ${String(error)}`);
    }
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Payloads that carried no number or boolean at their point's path. */
  get ignored(): number {
    return this.ignoredCount;
  }

  /** Starts keeping the last value of a topic (at a JSON path). */
  async watch(topic: string, jsonPath?: string): Promise<void> {
    const paths = this.watched.get(topic) ?? new Set();
    const first = paths.size === 0;
    paths.add(jsonPath);
    this.watched.set(topic, paths);
    if (first) await this.client.subscribeAsync(topic, { qos: 0 });
  }

  /** The last good value of a watched point. */
  read(topic: string, jsonPath?: string): PointValue {
    if (!this.client.connected) {
      throw new MqttPointError('DOPPEL_ERR_MQTT_CONNECTION', `${this.url}: ${topic}: the broker connection is down`);
    }
    const value = this.latest.get(key(topic, jsonPath));
    if (value === undefined) {
      throw new MqttPointError(
        'DOPPEL_ERR_MQTT_NO_VALUE',
        `${topic}${jsonPath === undefined ? '' : ` at ${jsonPath}`}: no number or boolean has arrived yet`,
      );
    }
    return value;
  }

  async write(topic: string, jsonPath: string | undefined, value: PointValue): Promise<void> {
    if (!this.client.connected) {
      throw new MqttPointError('DOPPEL_ERR_MQTT_CONNECTION', `${this.url}: ${topic}: the broker connection is down`);
    }
    await this.client.publishAsync(topic, payloadOf(value, jsonPath), { qos: 0 });
  }

  /**
   * Closes the connection after the messages already published have gone out (a loop's safe values are its last
   * words); a broker that does not take them within `graceMs` is left.
   */
  async close(graceMs = 1_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    const ended = await Promise.race([this.client.endAsync(false).then(() => 'ended' as const), late]);
    clearTimeout(timer);
    if (ended === 'late') await this.client.endAsync(true);
  }
}

function key(topic: string, jsonPath: string | undefined): string {
  return `${topic}\u0000${jsonPath ?? ''}`;
}
