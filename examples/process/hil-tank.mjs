#!/usr/bin/env node
// Puts a machine model file with devices and bindings (examples/process/hil-tank.yaml) in the loop on a Doppel server:
// creates a project with the model and its bindings, starts the hardware-in-the-loop run, prints its status every
// second, and stops it (each output gets its safe value) on Ctrl-C, SIGTERM or after --seconds.
//
//   node examples/process/hil-tank.mjs [--file examples/process/hil-tank.yaml] [--server http://127.0.0.1:8080]
//        [--key KEY] [--device plc=opc.tcp://127.0.0.1:4840] [--seconds 0] [--quiet] [--exit-with-stdin]
//
// --key defaults to $DOPPEL_API_KEY, --server to $DOPPEL_SERVER. Prints one JSON line {"simId", "modelId",
// "projectId", "status"} once the loop runs, then a status line per second (not with --quiet). Exit 2 on a bad file
// or a refused request (the place is named: file field, or binding and field), 1 when the server cannot be reached.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DoppelApiError, DoppelClient } from '@doppel/client';
import { parseDocument } from 'yaml';

const fail = (message, code = 2) => {
  process.stderr.write(`hil-tank: ${message}\n`);
  process.exit(code);
};

let values;
try {
  ({ values } = parseArgs({
    options: {
      file: { type: 'string', default: fileURLToPath(new URL('hil-tank.yaml', import.meta.url)) },
      server: { type: 'string', default: process.env.DOPPEL_SERVER ?? 'http://127.0.0.1:8080' },
      key: { type: 'string', default: process.env.DOPPEL_API_KEY },
      device: { type: 'string', multiple: true, default: [] },
      seconds: { type: 'string', default: '0' },
      quiet: { type: 'boolean', default: false },
      'exit-with-stdin': { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  fail(error.message);
}
const seconds = Number(values.seconds);
if (!(seconds >= 0)) fail(`--seconds: expected a number of seconds >= 0, got ${values.seconds}`);
if (!values.key) fail('no API key: pass --key KEY or set DOPPEL_API_KEY (doppel accounts create prints one)');

/** The model file, each problem named at its field. */
function readModelFile(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`${file}: cannot read (${error.code ?? error.message})`);
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) fail(`${file}: ${document.errors[0].message}`);
  const model = document.toJS();
  const at = (path, message) => fail(`${file}: ${path}: ${message}`);
  if (typeof model !== 'object' || model === null || Array.isArray(model)) at('(top)', 'expected a mapping');
  if (typeof model.name !== 'string') at('name', 'expected the model name');
  if (!Array.isArray(model.components)) at('components', 'expected a list of components');
  if (!Array.isArray(model.bindings) || model.bindings.length === 0) at('bindings', 'expected a list of bindings');
  const devices = { ...(model.devices ?? {}) };
  for (const option of values.device) {
    const [name, ...url] = option.split('=');
    if (!name || url.length === 0) fail(`--device: expected NAME=URL, got ${option}`);
    if (!(name in devices))
      fail(`--device ${name}: ${file} has no device "${name}" (${Object.keys(devices).join(', ')})`);
    devices[name] = url.join('=');
  }
  const connections = (model.connections ?? []).map((connection, i) => {
    if (typeof connection !== 'string') return connection;
    const match = /^\s*([\w-]+)\.([\w-]+)\s*->\s*([\w-]+)\.([\w-]+)\s*$/.exec(connection);
    if (!match) at(`connections[${i}]`, `expected "component.port -> component.port", got "${connection}"`);
    const [, sourceId, sourcePort, targetId, targetPort] = match;
    return {
      source_component_id: sourceId,
      source_port: sourcePort,
      target_component_id: targetId,
      target_port: targetPort,
    };
  });
  const bindings = model.bindings.map((binding, i) => {
    const { device, ...rest } = binding ?? {};
    if (device === undefined) return rest;
    if (!(device in devices)) at(`bindings[${i}].device`, `no device "${device}" under devices`);
    return { ...rest, endpoint: devices[device] };
  });
  return { model, connections, bindings };
}

/** A refused request, named at the file's field when the server located it in a binding's body. */
function refused(error, where) {
  if (!(error instanceof DoppelApiError)) throw error;
  if (error.status === 0) fail(`cannot reach ${values.server}: ${error.message}`, 1);
  const issues = error.issues.map((issue) => `\n  ${where}${issue.path.replace(/^body\.?/, '.')}: ${issue.message}`);
  fail(`${where}: ${error.message} [${error.code}]${issues.join('')}`);
}

const { model, connections, bindings } = readModelFile(values.file);
const client = new DoppelClient({ baseUrl: values.server, apiKey: values.key });
const project = await client.projects
  .create({ name: model.name, description: 'hardware in the loop' })
  .catch((e) => refused(e, values.server));
const created = await client.projects
  .createModel(project.id, {
    name: model.name,
    description: model.description ?? null,
    components: model.components,
    connections,
  })
  .catch((e) => refused(e, `${values.file}: model`));
for (const [i, binding] of bindings.entries()) {
  await client.bindings.create(created.id, binding).catch((e) => refused(e, `${values.file}: bindings[${i}]`));
}
const sim = await client.simulation
  .startHil(created.id, { ...(model.hil ?? {}), name: model.name })
  .catch((e) => refused(e, `${values.file}: hil`));
process.stdout.write(
  `${JSON.stringify({
    simId: sim.id,
    modelId: created.id,
    projectId: project.id,
    status: `${values.server}/api/v1/simulation/hil/${sim.id}`,
  })}\n`,
);

const format = (value) => (typeof value === 'number' ? Number(value.toFixed(3)) : value);
const report = setInterval(() => {
  if (values.quiet) return;
  client.simulation.hil(sim.id).then(
    (status) => {
      const points = status.bindings
        .map((b) => `${b.signal}${b.direction === 'input' ? '<-' : '->'}${format(b.lastValue)} (${b.connection})`)
        .join('  ');
      process.stdout.write(`${status.state} cycle ${status.cycles} overruns ${status.overruns}  ${points}\n`);
    },
    (error) => process.stderr.write(`hil-tank: status: ${error.message}\n`),
  );
}, 1000);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  clearInterval(report);
  try {
    await client.simulation.stop(sim.id);
    process.stderr.write(`hil-tank: stopped ${sim.id}; outputs hold their safe values\n`);
    process.exit(0);
  } catch (error) {
    process.stderr.write(`hil-tank: stop: ${error.message}\n`);
    process.exit(1);
  }
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
if (seconds > 0) setTimeout(() => void stop(), seconds * 1000);
if (values['exit-with-stdin']) {
  // Tests start the loader with a pipe on stdin: when the test process goes away, the loop is stopped too.
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
}
