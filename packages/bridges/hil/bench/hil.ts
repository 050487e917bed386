// HIL loop timing against the demo PLC in its own process: 100 Hz, one digital input (the PLC's heater) and one
// analog output (the simulated temperature) over OPC UA. Prints one JSON line with cycle jitter and read→write
// latency percentiles against their targets (p99 < 5 ms and < 10 ms).
//   node --import tsx --conditions=@doppel/source packages/bridges/hil/bench/hil.ts [--seconds 10] [--period-ms 10]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OpcuaClient, routeOpcuaLogs } from '@doppel/bridge-opcua';
import { HilLoop, opcuaPort, opcuaSubscribedPort } from '@doppel/bridge-hil';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    'period-ms': { type: 'string', default: '10' },
    // `subscribed`: inputs come from monitored items (no round trip per cycle); `polled`: one read per cycle.
    inputs: { type: 'string', default: 'subscribed' },
  },
});
const seconds = Number(values.seconds);
const periodMs = Number(values['period-ms']);
routeOpcuaLogs(() => undefined);

const pki = mkdtempSync(join(tmpdir(), 'doppel-hil-bench-'));
const plcScript = fileURLToPath(new URL('../../../../examples/process/demo-plc.mjs', import.meta.url));
const plc = spawn(
  process.execPath,
  [
    '--conditions=@doppel/source',
    '--import',
    'tsx',
    plcScript,
    '--port',
    '0',
    '--pki',
    join(pki, 'plc'),
    '--exit-with-stdin',
  ],
  { stdio: ['pipe', 'pipe', 'ignore'] },
);
try {
  const ready = await new Promise<{ endpointUrl: string }>((resolve, reject) => {
    createInterface({ input: plc.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line) as { endpointUrl: string });
    });
    plc.once('exit', (code) => reject(new Error(`the demo PLC exited with ${code}`)));
  });
  const client = await OpcuaClient.connect(ready.endpointUrl, { pkiFolder: join(pki, 'client') });
  await client.write('ns=1;s=Tank.LocalPlant', false);
  const port = opcuaPort(client);
  const inputPort = values.inputs === 'polled' ? port : opcuaSubscribedPort(client, periodMs);
  let temperature = 20;
  const loop = new HilLoop({
    periodMs,
    bindings: [
      { signal: 'heater', direction: 'input', port: inputPort, address: 'ns=1;s=Tank.HeaterOn' },
      { signal: 'temperature', direction: 'output', port, address: 'ns=1;s=Tank.Temperature', safeValue: 20 },
    ],
    model: {
      step: (inputs, dt_s) => {
        temperature += ((inputs.get('heater') === true ? 20 : 0) - 0.5 * (temperature - 20)) * dt_s;
        return { temperature };
      },
    },
  });
  loop.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await loop.stop();
  await client.close();
  const stats = loop.stats();
  const round = (value: number): number => Math.round(value * 1000) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'hil-loop',
      period_ms: periodMs,
      inputs: values.inputs,
      seconds,
      ...Object.fromEntries(Object.entries(stats).map(([key, value]) => [key, round(value)])),
      jitter_p99_target_ms: 5,
      jitter_p99_ratio: round(stats.jitter_p99_ms / 5),
      read_to_write_p99_target_ms: 10,
      read_to_write_p99_ratio: round(stats.read_to_write_p99_ms / 10),
    })}\n`,
  );
} finally {
  plc.kill('SIGTERM');
  rmSync(pki, { recursive: true, force: true });
}
