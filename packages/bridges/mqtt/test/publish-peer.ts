// Publishes the given messages in its own process: `publish-peer.ts URL TOPIC PAYLOAD [TOPIC PAYLOAD ...]`, where a
// payload `{now}` inside is replaced by the current time in ms. Prints {"published": N} when everything is sent.
import mqtt from 'mqtt';

const [url = 'mqtt://127.0.0.1:1883', ...pairs] = process.argv.slice(2);
const client = await mqtt.connectAsync(url);
let published = 0;
for (let i = 0; i + 1 < pairs.length; i += 2) {
  const payload = (pairs[i + 1] as string).replaceAll('{now}', String(Date.now()));
  await client.publishAsync(pairs[i] as string, payload);
  published += 1;
}
await client.endAsync();
process.stdout.write(`${JSON.stringify({ published })}\n`);
