import { buildApp, type DoppelApp } from './app.js';
import type { ServerConfigInput } from './config.js';
import { ensureDemo } from './demo.js';
import { FleetLiveSync } from './live/fleet-live-sync.js';
import { LiveSyncService } from './live/live-sync-service.js';
import type { OpcuaService } from './opcua/opcua-service.js';
import { isStorageFailure, storageError } from './storage-errors.js';

/** How long requests that are running when a shutdown begins may take to finish. */
const DRAIN_MS = 15_000;
/** The whole shutdown (drain, then every simulation paused and flushed) ends within this. */
const SHUTDOWN_BOUND_MS = 40_000;

export interface StartOptions extends ServerConfigInput {
  readonly host?: string;
  readonly port?: number;
  /** Install SIGTERM/SIGINT handlers that close the server gracefully (default true). */
  readonly handleSignals?: boolean;
  /** Serve the live simulations over OPC UA on this port (0: a free one); off when absent. */
  readonly opcuaPort?: number;
  /** MQTT live sync of the live simulations with this broker (`mqtt://host:port`); off when absent. */
  readonly mqttUrl?: string;
}

export interface RunningServer extends DoppelApp {
  readonly url: string;
  /** The local demo user's key and sign-in link (when demo is on). */
  readonly demo: { readonly key: string; readonly signInUrl: string; readonly simulationId: string | null } | null;
  /** The OPC UA endpoint (`opc.tcp://host:port`) when the server serves one. */
  readonly opcuaUrl: string | null;
  close(): Promise<void>;
}

/** Builds the app, listens (127.0.0.1 unless told otherwise), ensures the demo, and closes gracefully on signals. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const built = await buildApp(options);
  const { app } = built;
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 8080);
  const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  const url = options.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let demo: RunningServer['demo'] = null;
  let opcua: OpcuaService | null = null;
  const live =
    options.mqttUrl === undefined
      ? null
      : new LiveSyncService(built.context, { url: options.mqttUrl, warn: (line) => app.log.warn(line) });
  const fleetLive =
    options.mqttUrl === undefined
      ? null
      : FleetLiveSync.start(built.context, options.mqttUrl, 'doppel', (line) => app.log.warn(line));
  try {
    if (options.opcuaPort !== undefined) {
      // Loaded only when asked for: node-opcua prints warnings on stdout as it loads, which every other command
      // (doppel test's summary, --json outputs) would carry.
      const { OpcuaService } = await import('./opcua/opcua-service.js');
      opcua = await OpcuaService.start(built.context, {
        port: options.opcuaPort,
        host: options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host,
        log: (line) => app.log.debug({ opcua: line }, 'node-opcua'),
        warn: (line) => app.log.warn(line),
      });
    }
    if (built.config.demo) {
      const ensured = await ensureDemo(built.context, built.config.demoKey);
      demo = {
        key: ensured.key,
        signInUrl: `${url}/#key=${encodeURIComponent(ensured.key)}`,
        simulationId: ensured.simulationId,
      };
    }
  } catch (error) {
    // Start-up completes or fails as a whole: a server that could not start never keeps listening.
    await opcua?.stop().catch(() => undefined);
    await live?.stop().catch(() => undefined);
    await fleetLive?.stop().catch(() => undefined);
    await app.close().catch(() => undefined);
    throw isStorageFailure(error) ? storageError(error, built.config.dataDir, 'write to the data directory') : error;
  }
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= Promise.all([
      opcua?.stop().catch(() => undefined),
      live?.stop().catch(() => undefined),
      fleetLive?.stop().catch(() => undefined),
    ]).then(() => app.close()));
  if (options.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals): void => {
      app.log.info({ signal }, 'shutting down: flushing every simulation ledger');
      // Running requests get DRAIN_MS to finish; then their connections are cut, so the simulations are still
      // flushed in time. A shutdown that does not end within the bound exits non-zero rather than hang.
      setTimeout(() => app.server.closeAllConnections(), DRAIN_MS).unref();
      setTimeout(() => {
        process.stderr.write(`doppel: the server did not shut down within ${SHUTDOWN_BOUND_MS / 1000} s\n`);
        process.exit(1);
      }, SHUTDOWN_BOUND_MS).unref();
      void close().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(
            `doppel: shutting down failed: ${error instanceof Error ? error.message : String(error)}\n`,
          );
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return { ...built, url, demo, opcuaUrl: opcua?.endpointUrl ?? null, close };
}
