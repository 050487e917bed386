#!/usr/bin/env node
// A demo PLC over OPC UA: a heated tank with a thermostat control law (see startDemoPlc in @doppel/bridge-opcua).
//   node examples/process/demo-plc.mjs [--port 4840] [--pki DIR] [--scan-ms 10] [--external-plant] [--exit-with-stdin]
// --external-plant: the tank's sensors come from a client (a simulation in the loop) instead of the PLC's own plant.
// Prints one JSON line {"endpointUrl": …, "port": …} when it listens, then serves until interrupted.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { routeOpcuaLogs, startDemoPlc } from '@doppel/bridge-opcua';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4840' },
    pki: { type: 'string' },
    'scan-ms': { type: 'string', default: '10' },
    'external-plant': { type: 'boolean', default: false },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
const port = Number(values.port);
const scanMs = Number(values['scan-ms']);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isFinite(scanMs) || scanMs < 1) {
  process.stderr.write('demo-plc: --port must be 0..65535 and --scan-ms at least 1\n');
  process.exit(2);
}
// stdout carries the ready line only; the OPC UA stack's warnings go to stderr.
routeOpcuaLogs((line) => process.stderr.write(`${line}\n`));
const pkiFolder = values.pki ?? mkdtempSync(join(tmpdir(), 'doppel-demo-plc-'));
const plc = await startDemoPlc({ port, pkiFolder, scanMs, localPlant: !values['external-plant'] });
process.stdout.write(`${JSON.stringify({ endpointUrl: plc.endpointUrl, port: plc.port })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  plc.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (values['exit-with-stdin']) {
  // Tests start the PLC with a pipe on stdin: when the test process goes away, so does the PLC.
  process.stdin.on('end', stop);
  process.stdin.resume();
}
