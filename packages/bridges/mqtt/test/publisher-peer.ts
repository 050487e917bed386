// A telemetry publisher in its own process: `count` messages per asset for `assets` assets, then one of each kind of
// malformed message. Prints {"published": N, "malformed": M} when everything is sent.
import mqtt from 'mqtt';

const [url = 'mqtt://127.0.0.1:1883', prefix = 'doppel', assetsText = '3', countText = '5'] = process.argv.slice(2);
const client = await mqtt.connectAsync(url);
let published = 0;
for (let i = 0; i < Number(countText); i++) {
  for (let a = 0; a < Number(assetsText); a++) {
    const state = { speed_kmh: 40 + i, soc: 0.9 - i / 100, moving: true, mode: 'drive' };
    await client.publishAsync(`${prefix}/telemetry/v${a}`, JSON.stringify({ ts: Date.now(), state }));
    published += 1;
  }
}
const malformed: [string, string | Buffer][] = [
  [`${prefix}/telemetry/v0`, 'not json at all'],
  [`${prefix}/telemetry/v0`, Buffer.from([0xff, 0xfe, 0x00])],
  [`${prefix}/telemetry/v0`, '[1,2,3]'],
  [`${prefix}/telemetry/v0`, JSON.stringify({ ts: 'yesterday', state: {} })],
  [`${prefix}/telemetry/v0`, JSON.stringify({ ts: Date.now(), state: { nested: { deep: 1 } } })],
  [`${prefix}/telemetry/v0`, JSON.stringify({ ts: Date.now(), state: { big: 'x'.repeat(20_000) } })],
  [`${prefix}/telemetry/bad id!`, JSON.stringify({ ts: Date.now(), state: {} })],
];
for (const [topic, payload] of malformed) await client.publishAsync(topic, payload);
await client.endAsync();
process.stdout.write(`${JSON.stringify({ published, malformed: malformed.length })}\n`);
