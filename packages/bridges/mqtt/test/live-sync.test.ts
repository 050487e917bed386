import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSync, type Measurement, decodeTelemetry } from '@doppel/bridge-mqtt';
import { startPeer, serviceAvailable } from '@doppel/test-support';

const BROKER = 'mqtt://127.0.0.1:1883';
const publisher = fileURLToPath(new URL('./publisher-peer.ts', import.meta.url));

const available = await serviceAvailable('Mosquitto', 1883, 'MQTT live sync tests');

const until = async (check: () => boolean, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe.skipIf(!available)('MQTT live sync against the machine broker', () => {
  const prefix = `doppel-test/${process.pid}-${Date.now()}`;
  const twin = new Map<string, Measurement['state']>();
  let sync: LiveSync;

  beforeAll(async () => {
    sync = await LiveSync.connect({
      url: BROKER,
      prefix,
      apply: (measurement) => {
        if (measurement.assetId === 'unknown') throw new Error('no such asset');
        twin.set(measurement.assetId, { ...twin.get(measurement.assetId), ...measurement.state });
      },
    });
  });
  afterAll(async () => {
    await sync?.close();
  });

  it('applies telemetry from another process, refuses and counts malformed payloads', async () => {
    const peer = await startPeer(publisher, [BROKER, prefix, '3', '5']);
    expect(peer.ready).toEqual({ published: 15, malformed: 7 });
    await until(() => sync.stats().received >= 22);
    const stats = sync.stats();
    expect(stats.accepted).toBe(15);
    expect(stats.refused).toMatchObject({ not_json: 2, not_object: 1, bad_timestamp: 1, bad_field: 1, too_large: 1 });
    expect(stats.refused.bad_topic).toBe(1);
    expect(twin.get('v2')).toEqual({ speed_kmh: 44, soc: 0.86, moving: true, mode: 'drive' });
    expect(stats.latency_p99_ms).toBeGreaterThanOrEqual(0);
    expect(stats.latency_p99_ms).toBeLessThan(10_000);
    await peer.stop();
  });

  it('publishes predictions and records the drift per asset', async () => {
    const watcher = await mqtt.connectAsync(BROKER);
    const seen: string[] = [];
    watcher.on('message', (_topic, payload) => seen.push(payload.toString()));
    await watcher.subscribeAsync(`${prefix}/predicted/+`);
    await sync.publishPrediction('v1', { speed_kmh: 50, soc: 0.8 }, 1);
    await until(() => seen.length === 1);
    expect(JSON.parse(seen[0]!)).toEqual({ ts: 1, state: { speed_kmh: 50, soc: 0.8 } });
    await watcher.publishAsync(`${prefix}/telemetry/v1`, JSON.stringify({ ts: Date.now(), state: { speed_kmh: 47 } }));
    await until(() => sync.driftOf('v1') !== undefined);
    expect(sync.driftOf('v1')).toEqual({ speed_kmh: -3 });
    const before = sync.stats().refused.refused_by_twin;
    await watcher.publishAsync(`${prefix}/telemetry/unknown`, JSON.stringify({ ts: Date.now(), state: { a: 1 } }));
    await until(() => sync.stats().refused.refused_by_twin === before + 1);
    expect(twin.has('unknown')).toBe(false);
    await watcher.endAsync();
  });
});

describe('telemetry decoding', () => {
  it('refuses hostile payloads without throwing', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(decodeTelemetry('p', 'p/telemetry/a', bytes('{"ts":1,"state":{"x":1}}')).ok).toBe(true);
    expect(decodeTelemetry('p', 'p/telemetry/a', bytes('['.repeat(100_000)))).toMatchObject({ reason: 'too_large' });
    expect(decodeTelemetry('p', 'p/telemetry/a', bytes('{"ts":1,"state":{"x":1e999}}'))).toMatchObject({
      reason: 'bad_field',
    });
    expect(decodeTelemetry('p', 'other/a', bytes('{}'))).toMatchObject({ reason: 'bad_topic' });
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`f${i}`, i]));
    expect(decodeTelemetry('p', 'p/telemetry/a', bytes(JSON.stringify({ ts: 1, state: many })))).toMatchObject({
      reason: 'bad_field',
    });
  });
});
