import mqtt from 'mqtt';
import { serviceAvailable } from '@doppel/test-support';
import { describe, expect, it } from 'vitest';
import { MqttPointError, MqttPoints } from '../src/index.js';

const available = await serviceAvailable('Mosquitto', 1883, 'MQTT points tests');

describe.runIf(available)('MQTT points against the machine Mosquitto', () => {
  it('keeps the last good value at a JSON path, ignores malformed payloads, and publishes outputs as JSON', async () => {
    const topic = `doppel-test/points/${process.pid}-${Date.now()}`;
    const points = await MqttPoints.connect('mqtt://127.0.0.1:1883');
    const peer = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
    try {
      await points.watch(`${topic}/in`, 'state.level');
      expect(() => points.read(`${topic}/in`, 'state.level')).toThrow(MqttPointError);
      await peer.publishAsync(`${topic}/in`, JSON.stringify({ state: { level: 1.25 } }));
      await expect.poll(() => points.read(`${topic}/in`, 'state.level')).toBe(1.25);
      await peer.publishAsync(`${topic}/in`, 'not json');
      await peer.publishAsync(`${topic}/in`, JSON.stringify({ state: { level: 'high' } }));
      await expect.poll(() => points.ignored).toBe(2);
      expect(points.read(`${topic}/in`, 'state.level')).toBe(1.25);

      const received: string[] = [];
      await peer.subscribeAsync(`${topic}/out`);
      peer.on('message', (_, payload) => received.push(payload.toString()));
      await points.write(`${topic}/out`, 'state.temperature', 42.5);
      await points.write(`${topic}/out`, undefined, true);
      await expect.poll(() => received).toEqual(['{"state":{"temperature":42.5}}', 'true']);
    } finally {
      await points.close();
      await peer.endAsync();
    }
  });

  it('fails to connect to a broker that is not there with a typed error', async () => {
    await expect(MqttPoints.connect('mqtt://127.0.0.1:1', { timeoutMs: 500 })).rejects.toMatchObject({
      code: 'DOPPEL_ERR_MQTT_CONNECTION',
    });
  });
});
