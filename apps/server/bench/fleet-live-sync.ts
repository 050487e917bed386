// The live mirror of a physical fleet under load: `doppel serve --mqtt-url` in its own process, `vehicles` Twin API
// vehicles, each publishing its telemetry at `hz` on <root>/fleet/telemetry/<id> through the machine's broker (spread
// over ten slices of the period, as unsynchronised vehicles are). Prints one JSON line: messages sent and mirrored,
// the server's state sync latency p50/p99 from /metrics (a sample's ts to mirrored) against the 20 ms target, and the
// machine's load.
//   node --import tsx --conditions=@doppel/source apps/server/bench/fleet-live-sync.ts [--vehicles 1000] [--hz 10] [--seconds 10]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { Catalog } from '../src/index.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
    vehicles: { type: 'string', default: '1000' },
    hz: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '10' },
  },
});
const vehicles = Number(values.vehicles);
const hz = Number(values.hz);
const seconds = Number(values.seconds);
const TARGET_P99_MS = 20;

const dataDir = mkdtempSync(join(tmpdir(), 'doppel-fleet-live-'));
const catalog = Catalog.open(dataDir);
const key = (await catalog.createAccount('bench', ['read', 'write'])).key;
catalog.close();
const bin = fileURLToPath(new URL('../../cli/bin/doppel.js', import.meta.url));
const server = spawn(
  process.execPath,
  [bin, 'serve', '--no-demo', '--port', '0', '--data', dataDir, '--mqtt-url', values.url],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, DOPPEL_LOG_LEVEL: 'warn' } },
);
const base = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const match = /Doppel is running at (http:\/\/\S+)/.exec(out);
    if (match !== null) resolve(match[1]);
  });
  server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
});
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const ids: string[] = [];
for (let i = 0; i < vehicles; i++) {
  const response = await fetch(`${base}/api/v1/twin/vehicles`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ physical_vehicle_id: `AV-${i}`, model_type: 'sedan' }),
  });
  ids.push(((await response.json()) as { id: string }).id);
}
// The server subscribes once its broker connection is up: a moment before the fleet starts driving.
await new Promise((resolve) => setTimeout(resolve, 1_000));

const client = await mqtt.connectAsync(values.url);
const slices = 10;
const perSlice = Math.ceil(vehicles / slices);
const start = Date.now();
let sent = 0;
for (let tick = 0; tick < seconds * hz * slices; tick++) {
  const due = start + (tick * 1000) / (hz * slices);
  if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
  const first = (tick % slices) * perSlice;
  const t = tick / (hz * slices);
  for (let v = first; v < Math.min(first + perSlice, vehicles); v++) {
    const state = { x_m: 10 * t + v, y_m: v, heading_deg: 0, speed_mps: 10, accel_mps2: 0 };
    client.publish(`doppel/fleet/telemetry/${ids[v]}`, JSON.stringify({ ts: Date.now(), state }));
    sent += 1;
  }
}
const publishSeconds = (Date.now() - start) / 1000;
await client.endAsync();
await new Promise((resolve) => setTimeout(resolve, 1_000));

const text = await (await fetch(`${base}/metrics`)).text();
const metric = (pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? NaN);
const p50 = metric(/doppel_fleet_sync_latency_seconds\{quantile="0\.5",transport="mqtt"\} ([\d.e+-]+)/) * 1000;
const p99 = metric(/doppel_fleet_sync_latency_seconds\{quantile="0\.99",transport="mqtt"\} ([\d.e+-]+)/) * 1000;
const accepted = metric(/doppel_fleet_telemetry_total\{transport="mqtt",result="accepted"\} (\d+)/);
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
rmSync(dataDir, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify({
    bench: 'fleet-live-sync',
    vehicles,
    hz,
    seconds,
    sent,
    publish_rate_per_s: Math.round(sent / publishSeconds),
    mirrored: accepted,
    sync_latency_ms: { p50: Math.round(p50 * 10) / 10, p99: Math.round(p99 * 10) / 10 },
    target_p99_ms: TARGET_P99_MS,
    met: p99 < TARGET_P99_MS && accepted === sent,
    load_1m: Math.round(loadavg()[0] * 100) / 100,
  })}\n`,
);
