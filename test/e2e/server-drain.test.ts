import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import { Catalog } from '@doppel/server';
import { describe, expect, it } from 'vitest';
import { tempDir } from './cli-helpers.js';
import { startServerProcess } from './server-process.js';

interface RawResponse {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** Splits what a connection received into its HTTP responses (each with a Content-Length). */
function responses(text: string): RawResponse[] {
  const found: RawResponse[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const headers = rest.slice(0, end);
    const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
    const body = Buffer.from(rest.slice(end + 4))
      .subarray(0, length)
      .toString();
    found.push({ status: Number(headers.slice(9, 12)), headers, body });
    rest = rest.slice(end + 4 + body.length);
  }
  return found;
}

describe('SIGTERM', () => {
  it('drains: running requests finish, new ones get 503 DOPPEL_ERR_SHUTTING_DOWN, simulations are flushed, exit 0', async () => {
    const dataDir = tempDir('drain');
    const catalog = Catalog.open(dataDir);
    const key = (await catalog.createAccount('operator')).key;
    catalog.close();
    const server = await startServerProcess(dataDir);
    try {
      const client = server.client(key);
      const paced = await client.createSimulation({ example: 'city-10' });
      await client.run(paced.id, { speed: 120 });
      const long = await client.createSimulation({ example: 'city-1000' });
      const { port, hostname } = new URL(server.url);
      // One connection: a long request, then (after SIGTERM) another one behind it on the same connection.
      const socket = connect(Number(port), hostname);
      let received = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      // Twelve simulated hours of city-1000: long enough to be still running at SIGTERM on a fast machine, short enough
      // for the drain window on a loaded one.
      const body = JSON.stringify({ t: 43_200 });
      socket.write(
        `POST /api/v1/simulations/${long.id}/run-until HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${key}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const exited = server.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      socket.write(
        `GET /api/v1/simulations/${paced.id} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${key}\r\n\r\n`,
      );
      // No new connection is accepted meanwhile.
      await expect(fetch(`${server.url}/health`)).rejects.toThrow();
      expect(await exited).toBe(0);
      await closed;
      const [finished, refused, ...more] = responses(received);
      expect(more).toEqual([]);
      expect(finished.status, finished.body).toBe(200);
      expect(JSON.parse(finished.body)).toMatchObject({ simTime: 43_200, status: 'paused' });
      expect(refused.status).toBe(503);
      expect(refused.headers).toMatch(/content-type: application\/problem\+json/i);
      expect(refused.headers).toMatch(/retry-after: \d+/i);
      expect(JSON.parse(refused.body)).toMatchObject({ code: 'DOPPEL_ERR_SHUTTING_DOWN', status: 503 });
      expect(server.stderr()).not.toMatch(/\n\s+at /);

      // The simulations were flushed: a restarted server shows where they stood, the paced one paused at its speed.
      const again = await startServerProcess(dataDir);
      try {
        const restarted = again.client(key);
        expect(await restarted.getSimulation(long.id)).toMatchObject({ simTime: 43_200, status: 'paused' });
        const view = await restarted.getSimulation(paced.id);
        expect(view).toMatchObject({ status: 'paused', playing: false, speed: 120, error: null });
        expect(view.simTime).toBeGreaterThan(0);
      } finally {
        await again.stop();
      }
    } finally {
      if (server.child.exitCode === null) await server.crash();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
