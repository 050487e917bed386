// MQTT ingest through the machine's broker: a publisher process sends telemetry for `assets` assets at `hz` each
// (1,000 × 10 Hz = 10,000 messages/s by default) for `seconds`; live sync applies every message to an in-memory twin.
// Prints one JSON line: achieved rate and sync latency percentiles (sender timestamp → applied) against the targets.
//   node --import tsx --conditions=@doppel/source packages/bridges/mqtt/bench/ingest.ts [--assets 1000] [--hz 10] [--seconds 10]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { LiveSync, type Measurement } from '@doppel/bridge-mqtt';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
    assets: { type: 'string', default: '1000' },
    hz: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '10' },
    prefix: { type: 'string', default: `doppel-bench/${process.pid}` },
    role: { type: 'string', default: 'ingest' },
  },
});
const assets = Number(values.assets);
const hz = Number(values.hz);
const seconds = Number(values.seconds);

if (values.role === 'publisher') {
  // Every asset once per 1/hz second, spread over 10 slices of that period (real vehicles are not synchronised),
  // paced on a fixed grid.
  const client = await mqtt.connectAsync(values.url);
  const start = Date.now();
  const slices = 10;
  const perSlice = Math.ceil(assets / slices);
  for (let tick = 0; tick < seconds * hz * slices; tick++) {
    const due = start + (tick * 1000) / (hz * slices);
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const first = (tick % slices) * perSlice;
    for (let a = first; a < Math.min(first + perSlice, assets); a++) {
      const state = { speed_kmh: 30 + (tick % 50), soc: 0.5 };
      client.publish(`${values.prefix}/telemetry/v${a}`, JSON.stringify({ ts: Date.now(), state }));
    }
  }
  await client.endAsync();
  process.exit(0);
}

const twin = new Map<string, Measurement['state']>();
const sync = await LiveSync.connect({
  url: values.url,
  prefix: values.prefix,
  apply: (m) => void twin.set(m.assetId, m.state),
});
const expected = assets * hz * seconds;
const started = Date.now();
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--conditions=@doppel/source',
    fileURLToPath(import.meta.url),
    '--role',
    'publisher',
    ...['--url', values.url, '--assets', String(assets), '--hz', String(hz), '--seconds', String(seconds)],
    ...['--prefix', values.prefix],
  ],
  { stdio: 'inherit' },
);
await new Promise((resolve) => child.once('exit', resolve));
const deadline = Date.now() + 10_000;
while (sync.stats().received < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
const elapsed_s = (Date.now() - started) / 1000;
const stats = sync.stats();
await sync.close();
const rate = stats.accepted / seconds;
const round = (value: number): number => Math.round(value * 1000) / 1000;
process.stdout.write(
  `${JSON.stringify({
    bench: 'mqtt-ingest',
    assets,
    hz,
    seconds,
    published: expected,
    accepted: stats.accepted,
    lost: expected - stats.received,
    elapsed_s: round(elapsed_s),
    rate_msg_s: round(rate),
    rate_target_msg_s: assets * hz,
    rate_ratio: round(rate / (assets * hz)),
    latency_p50_ms: round(stats.latency_p50_ms),
    latency_p99_ms: round(stats.latency_p99_ms),
    latency_p99_target_ms: 20,
    latency_p99_ratio: round(stats.latency_p99_ms / 20),
  })}\n`,
);
