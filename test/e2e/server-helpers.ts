import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DoppelApiError, DoppelClient, type ProcessModelConnection, type WebSocketFactory } from '@doppel/client';
import { buildApp, type DoppelApp, type ServerConfigInput } from '@doppel/server';
import { expect } from 'vitest';
import WebSocket from 'ws';

export interface TestServer extends DoppelApp {
  readonly url: string;
  client(key: string): DoppelClient;
  account(name: string, scopes?: ('read' | 'write' | 'admin')[]): Promise<{ key: string; client: DoppelClient }>;
  close(): Promise<void>;
}

/** A real server on 127.0.0.1:<random port> with its own data directory. */
export async function startTestServer(input: ServerConfigInput = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'doppel-server-'));
  const built = await buildApp({
    dataDir,
    logLevel: false,
    webDir: null,
    ...input,
    webhooks: {
      allowHosts: ['127.0.0.1'],
      retryScheduleMs: [0, 50, 100, 200, 400, 800],
      batchWindowMs: 30,
      ...input.webhooks,
    },
  });
  await built.app.listen({ host: '127.0.0.1', port: 0 });
  const address = built.app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  const client = (key: string) =>
    new DoppelClient({ baseUrl: url, apiKey: key, WebSocket: WebSocket as unknown as WebSocketFactory });
  return {
    ...built,
    url,
    client,
    async account(name, scopes = ['read', 'write']) {
      const created = await built.context.catalog.createAccount(name, scopes);
      return { key: created.key, client: client(created.key) };
    },
    async close() {
      await built.app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ReceivedDelivery {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A local webhook receiver; `failFirst` answers 500 that many times before accepting. */
export async function startReceiver(failFirst = 0): Promise<{
  url: string;
  deliveries: ReceivedDelivery[];
  close(): Promise<void>;
}> {
  const deliveries: ReceivedDelivery[] = [];
  let failures = failFirst;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      if (failures > 0) {
        failures--;
        response.statusCode = 500;
        response.end();
        return;
      }
      deliveries.push({ headers: request.headers as Record<string, string>, body });
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The API problem a call fails with (the test fails if it succeeds or fails otherwise). */
export async function problemOf(call: Promise<unknown>): Promise<DoppelApiError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DoppelApiError);
  return error as DoppelApiError;
}

/** A connection of a process model, from an output port to an input port. */
export const wire = (from: string, out: string, to: string, into: string): ProcessModelConnection => ({
  source_component_id: from,
  source_port: out,
  target_component_id: to,
  target_port: into,
});
