#!/usr/bin/env node
// A small physical fleet for the live mirror demo: each vehicle drives a loop and publishes its telemetry every
// 100 ms on <root>/fleet/telemetry/<vehicle id>, as a real vehicle's gateway would.
//
//   npx doppel serve --mqtt-url mqtt://127.0.0.1:1883        # the twin, with live sync
//   curl -X POST localhost:8080/api/v1/twin/vehicles -H 'authorization: Bearer KEY' \
//        -H 'content-type: application/json' -d '{"physical_vehicle_id":"AV-001","model_type":"sedan"}'
//   node examples/fleet/physical-vehicles.mjs --vehicles twin-001 --seconds 60
//   curl localhost:8080/api/v1/twin/live -H 'authorization: Bearer KEY'  # mirrored state, age, latency, drift
//
// Options: --url (mqtt://127.0.0.1:1883), --root (doppel), --vehicles (comma-separated ids, twin-001),
// --seconds (10; 0 runs until stopped), --hz (10). Prints {"publishing": [ids]} once connected.
import mqtt from 'mqtt';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const url = option('url', 'mqtt://127.0.0.1:1883');
const root = option('root', 'doppel');
const ids = option('vehicles', 'twin-001').split(',').filter(Boolean);
const seconds = Number(option('seconds', '10'));
const hz = Number(option('hz', '10'));
if (!(hz > 0 && hz <= 100) || !(seconds >= 0) || ids.length === 0) {
  process.stderr.write('physical-vehicles: --hz from 0 to 100, --seconds >= 0, at least one vehicle\n');
  process.exit(2);
}

const client = await mqtt.connectAsync(url);
// Each vehicle on a circle of its own (radius 50 m + 10 m per vehicle) at 8 to 14 m/s.
const fleet = ids.map((id, i) => ({ id, radius: 50 + 10 * i, speed: 8 + (i % 4) * 2, angle: 0 }));
const period = 1000 / hz;
let sent = 0;
const started = Date.now();
process.stdout.write(`${JSON.stringify({ publishing: ids })}\n`);

const tick = () => {
  for (const v of fleet) {
    v.angle += (v.speed * (period / 1000)) / v.radius;
    const state = {
      x_m: Math.round(v.radius * Math.cos(v.angle) * 100) / 100,
      y_m: Math.round(v.radius * Math.sin(v.angle) * 100) / 100,
      heading_deg: Math.round((((v.angle * 180) / Math.PI + 90) % 360) * 10) / 10,
      speed_mps: v.speed,
      accel_mps2: 0,
    };
    client.publish(`${root}/fleet/telemetry/${v.id}`, JSON.stringify({ ts: Date.now(), state }));
    sent += 1;
  }
};
const timer = setInterval(tick, period);
const stop = async () => {
  clearInterval(timer);
  await client.endAsync();
  process.stderr.write(`physical-vehicles: ${sent} messages in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.exit(0);
};
if (seconds > 0) setTimeout(() => void stop(), seconds * 1000);
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
