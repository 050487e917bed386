import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Catalog } from '@doppel/server';
import { startPeer, serviceAvailable } from '@doppel/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './cli-helpers.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

const BROKER = 'mqtt://127.0.0.1:1883';
const publisher = fileURLToPath(new URL('../../packages/bridges/mqtt/test/publish-peer.ts', import.meta.url));

const available = await serviceAvailable('Mosquitto', 1883, 'the server live sync test');

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const dataDir = tempDir('live-sync');
let server: ServerProcess;
let key: string;

async function publish(...pairs: string[]): Promise<void> {
  const peer = await startPeer(publisher, [BROKER, ...pairs]);
  await peer.stop();
}

async function metrics(): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

const metric = (text: string, line: RegExp): number => Number(line.exec(text)?.[1] ?? 0);

describe.skipIf(!available)('doppel serve --mqtt-url: telemetry into a running simulation', () => {
  beforeAll(async () => {
    const catalog = Catalog.open(dataDir);
    key = (await catalog.createAccount('operator', ['read', 'write'])).key;
    catalog.close();
    server = await startServerProcess(dataDir, ['--mqtt-url', BROKER], 120_000);
  }, 150_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies measurements with origin live (drift recorded), refuses malformed ones, exports sync latency', async () => {
    const rest = server.client(key);
    const sim = await rest.createSimulation({ example: 'tank-heater' });
    await rest.run(sim.id, { speed: 5 });
    const topic = `doppel/${sim.id}/telemetry/tank`;
    // The server subscribes once it sees the simulation live: measurements until one lands.
    await until(async () => {
      await publish(topic, '{"ts": {now}, "state": {"temperature": 33.5}}');
      const live = await rest.ledger(sim.id, { assetId: 'tank', eventTypes: ['LIVE_MEASUREMENT'] });
      return live.length > 0;
    });
    const [measured] = await rest.ledger(sim.id, { assetId: 'tank', eventTypes: ['LIVE_MEASUREMENT'] });
    expect(measured).toMatchObject({ origin: 'live', newValue: { temperature: 33.5 } });
    expect(typeof (measured?.meta as { drift: { temperature: number } }).drift.temperature).toBe('number');
    const records = await rest.interventions(sim.id);
    expect(records.some((record) => record.origin === 'live' && record.action === 'live_measurement')).toBe(true);

    // Malformed messages and fields the tank does not have: refused, counted, nothing reaches the ledger.
    const count = async () => (await rest.ledger(sim.id, { eventTypes: ['LIVE_MEASUREMENT'], limit: 10_000 })).length;
    const before = await count();
    await publish(
      topic,
      'not json',
      topic,
      '{"ts": "yesterday", "state": {}}',
      topic,
      '{"ts": {now}, "state": {"colour": "red"}}',
      topic,
      '{"ts": {now}, "state": {"temperature": "hot"}}',
    );
    await until(async () => {
      const text = await metrics();
      return (
        metric(text, /doppel_live_messages_total\{result="not_json"\} (\d+)/) >= 1 &&
        metric(text, /doppel_live_messages_total\{result="bad_timestamp"\} (\d+)/) >= 1 &&
        metric(text, /doppel_live_messages_total\{result="refused_by_twin"\} (\d+)/) >= 2
      );
    });
    expect(await count()).toBe(before);
    const text = await metrics();
    expect(metric(text, /doppel_live_messages_total\{result="accepted"\} (\d+)/)).toBeGreaterThanOrEqual(1);
    expect(metric(text, /doppel_live_sync_latency_seconds_count (\d+)/)).toBeGreaterThanOrEqual(1);
    await rest.pause(sim.id);
  }, 120_000);
});
