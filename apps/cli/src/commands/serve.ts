import { existsSync, statSync } from 'node:fs';
import { startServer } from '@doppel/server';
import { USER_MODULE_KINDS, type UserModuleKindName } from '@doppel/server/user-modules';
import type { Command } from 'commander';
import { UserError } from '../user-error.js';

interface ServeFlags {
  host?: string;
  port?: string;
  data?: string;
  catalog?: string;
  store?: string;
  demo?: boolean;
  allowWebhookHost?: string[];
  opcuaPort?: string;
  mqttUrl?: string;
  modules?: string;
}

/** `--enactor-modules`, `--policy-modules`: one option per kind of user-supplied module. */
export type ServeOptions = ServeFlags & { [K in `${UserModuleKindName}Modules`]?: string };

function modulesDir(option: string, what: string, dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError(`${option}: expected a directory of ${what}, found no directory at ${dir}`);
  }
  return dir;
}

/** The user-supplied module directories the options name: one for every kind, and one per kind over it. */
function moduleDirsOf(options: ServeOptions): {
  modulesDir?: string;
  moduleDirs: Partial<Record<UserModuleKindName, string>>;
} {
  const all = modulesDir('--modules', 'user-supplied modules', options.modules);
  const moduleDirs: Partial<Record<UserModuleKindName, string>> = {};
  for (const kind of USER_MODULE_KINDS) {
    const dir = modulesDir(`--${kind.name}-modules`, `${kind.noun}s`, options[`${kind.name}Modules`]);
    if (dir !== undefined) moduleDirs[kind.name] = dir;
  }
  return { ...(all === undefined ? {} : { modulesDir: all }), moduleDirs };
}

function parsePort(value: string | undefined, option = '--port'): number {
  if (value === undefined) return 8080;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new UserError(`${option} must be an integer 0..65535, got "${value}"`);
  return port;
}

/** Registers `doppel serve`: the sandbox server on embedded defaults (SQLite files in the data directory). */
export function register(program: Command): void {
  const command = program
    .command('serve')
    .description(
      'Start the Doppel server (REST API, WebSocket stream, webhooks, web UI) with a local demo account and city',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--data <dir>', 'data directory (catalog and ledgers)', '.doppel')
    .option('--catalog <url>', 'keep the catalog in PostgreSQL (postgres://user@host/db[?schema=name])')
    .option(
      '--store <url>',
      'keep every simulation ledger in PostgreSQL (postgres://user@host/db[?schema=name], default schema doppel)',
    )
    .option('--no-demo', 'do not create the local demo account and simulation')
    .option(
      '--allow-webhook-host <host...>',
      'hosts or IPs webhooks may reach even though they are private or loopback',
    )
    .option('--opcua-port <port>', 'also serve the live simulations over OPC UA on this port (4840 is the standard)')
    .option('--mqtt-url <url>', 'live sync of the live simulations with this MQTT broker (mqtt://127.0.0.1:1883)')
    .option(
      '--modules <dir>',
      `directory of user-supplied modules that scenarios may name (${USER_MODULE_KINDS.map((kind) => kind.field).join(', ')})`,
    );
  for (const kind of USER_MODULE_KINDS) {
    command.option(
      `--${kind.name}-modules <dir>`,
      `directory of ${kind.noun}s that ${kind.pack} scenarios may name (${kind.field}), over --modules`,
    );
  }
  command.action(async (options: ServeOptions) => {
    const server = await startServer({
      ...moduleDirsOf(options),
      host: options.host,
      port: parsePort(options.port),
      dataDir: options.data,
      catalogUrl: options.catalog,
      storeUrl: options.store,
      demo: options.demo !== false,
      webhooks: options.allowWebhookHost !== undefined ? { allowHosts: options.allowWebhookHost } : undefined,
      logLevel: process.env.DOPPEL_LOG_LEVEL ?? 'warn',
      ...(options.mqttUrl !== undefined ? { mqttUrl: options.mqttUrl } : {}),
      ...(options.opcuaPort !== undefined ? { opcuaPort: parsePort(options.opcuaPort, '--opcua-port') } : {}),
    });
    const lines = [`Doppel is running at ${server.url}`, `  API docs:  ${server.url}/docs`];
    if (options.store !== undefined) lines.push(`  Ledgers:   ${server.context.manager.ledgers.location}`);
    if (server.demo !== null) {
      lines.push(`  Sign in:   ${server.demo.signInUrl}`, `  API key:   ${server.demo.key}`);
      if (server.demo.simulationId !== null) lines.push(`  Demo city: ${server.demo.simulationId}`);
    }
    if (options.mqttUrl !== undefined) lines.push(`  MQTT sync: ${options.mqttUrl} (topics doppel/<simulation>/…)`);
    if (server.opcuaUrl !== null) lines.push(`  OPC UA:    ${server.opcuaUrl}`);
    lines.push('Press Ctrl+C to stop (every simulation ledger is flushed first).');
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
