import type { Command } from 'commander';
import type { IoEndpoint, IoReading } from '../io/endpoint.js';
import { UserError } from '../user-error.js';

interface IoOptions {
  json?: boolean;
  data?: string;
  timeout?: string;
  depth?: string;
  interval?: string;
  count?: string;
}

/**
 * `doppel io`: commissioning from a terminal. Exit codes: 0 done, 1 the device refused (a bad OPC UA status, a Modbus
 * exception), 2 no connection or bad arguments.
 */
export function register(program: Command): void {
  // The protocol stacks load only when an io command runs: every other command starts without them.
  const withEndpoint = async (url: string, options: IoOptions, run: (endpoint: IoEndpoint) => Promise<void>) => {
    const timeoutMs = positive(options.timeout, '--timeout', 600_000);
    const { withEndpoint: open } = await import('../io/open-endpoint.js');
    await open(url, { dataDir: options.data ?? '.doppel', timeoutMs }, run);
  };

  const io = program
    .command('io')
    .description(
      'Talk to a device: URL is opc.tcp://host:port or modbus://host:port[?unit=N]; ADDRESS an OPC UA NodeId ' +
        '(ns=1;s=Tank.Level, ns=2;i=42) or a Modbus address (hr:N, ir:N, coil:N, di:N, typed as hr:12:f32[:le])',
    );
  const common = (command: Command): Command =>
    command
      .option('--json', 'print JSON: {"value": …, "status": …, "dataType": …}')
      .option('--timeout <ms>', 'how long to wait for the device', '3000')
      .option('--data <dir>', 'data directory (the OPC UA client certificate lives under pki/)', '.doppel');

  common(io.command('browse <url>').description('List what the device offers: OPC UA nodes, or Modbus registers'))
    .option('--depth <n>', 'how deep to browse (OPC UA levels; Modbus: 8 registers per level)', '3')
    .action(async (url: string, options: IoOptions) => {
      await withEndpoint(url, options, async (endpoint) => {
        const lines = await endpoint.browse(positive(options.depth, '--depth', 10));
        if (options.json) return print(JSON.stringify(lines));
        for (const line of lines) {
          const value = line.value === undefined ? '' : ` = ${JSON.stringify(line.value)}`;
          const note = line.note === undefined ? '' : ` (${line.note})`;
          print(`${'  '.repeat(line.depth)}${line.address}  ${line.name}  [${line.kind}]${value}${note}`);
        }
      });
    });

  common(io.command('read <url> <address>').description('Read one value')).action(
    async (url: string, address: string, options: IoOptions) => {
      await withEndpoint(url, options, async (endpoint) => printReading(await endpoint.read(address), options));
    },
  );

  common(
    io.command('write <url> <address> <value>').description("Write one value, converted to the target's type"),
  ).action(async (url: string, address: string, value: string, options: IoOptions) => {
    await withEndpoint(url, options, async (endpoint) => {
      await endpoint.write(address, value);
      const reading = await endpoint.read(address).catch(() => undefined);
      if (options.json) return print(JSON.stringify({ written: true, ...(reading ?? {}) }));
      print(`wrote ${address}${reading ? ` = ${JSON.stringify(reading.value)}` : ''}`);
    });
  });

  common(io.command('watch <url> <address>').description('Print the value at every change until interrupted'))
    .option('--interval <ms>', 'sampling interval', '250')
    .option('--count <n>', 'stop after this many values')
    .action(async (url: string, address: string, options: IoOptions) => {
      const intervalMs = positive(options.interval, '--interval', 3_600_000);
      const count = options.count === undefined ? Infinity : positive(options.count, '--count', 1_000_000_000);
      await withEndpoint(url, options, async (endpoint) => {
        let seen = 0;
        await new Promise<void>((resolve, reject) => {
          let stop: (() => Promise<void>) | undefined;
          const finish = (error?: unknown): void => {
            process.off('SIGINT', onSignal);
            void (stop?.() ?? Promise.resolve()).finally(() => (error === undefined ? resolve() : reject(error)));
          };
          const onSignal = (): void => finish();
          process.once('SIGINT', onSignal);
          endpoint
            .watch(
              address,
              intervalMs,
              (reading) => {
                if (seen >= count) return;
                seen += 1;
                printReading(reading, options, true);
                if (seen >= count) finish();
              },
              (error) => finish(error),
            )
            .then((stopWatching) => {
              stop = stopWatching;
              if (seen >= count) finish();
            }, reject);
        });
      });
    });
}

function printReading(reading: IoReading, options: IoOptions, withTime = false): void {
  if (options.json) {
    const time = withTime ? { time: new Date().toISOString() } : {};
    return print(JSON.stringify({ value: reading.value, status: reading.status, dataType: reading.dataType, ...time }));
  }
  const value = typeof reading.value === 'string' ? reading.value : JSON.stringify(reading.value);
  print(withTime ? `${new Date().toISOString()}  ${value}` : value);
}

function positive(text: string | undefined, flag: string, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || value < 1 || value > max) {
    throw new UserError(`${flag} must be an integer 1..${max}, got "${text}"`);
  }
  return value;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
