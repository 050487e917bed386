import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DoppelClient } from '@doppel/client';
import { Catalog } from '@doppel/server';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from './cli-helpers.js';
import { waitFor } from './server-helpers.js';

const bin = join(repoRoot, 'apps/cli/bin/doppel.js');

interface Attempt {
  readonly id: string;
  readonly body: string;
  readonly ok: boolean;
}
interface Body {
  readonly stream: 'ledger' | 'notice';
  readonly from: number;
  readonly to: number;
  readonly events: { data: { seq?: number } }[];
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `doppel serve` in a process of its own; resolves with its URL once it listens. */
async function serve(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [bin, 'serve', '--port', '0', '--data', dataDir, '--no-demo', '--allow-webhook-host', '127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOPPEL_LOG_LEVEL: 'error' } },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const url = await waitFor(() => /running at (http:\/\/\S+)/.exec(out)?.[1], 60_000).catch(() => {
    throw new Error(`doppel serve did not start: ${out}`);
  });
  return { url, child };
}

async function receiver() {
  const attempts: Attempt[] = [];
  let up = false;
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      attempts.push({ id: String(request.headers['webhook-id']), body, ok: up });
      response.statusCode = up ? 200 : 503;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    attempts,
    setUp: (value: boolean) => (up = value),
  };
}

const ledgerBodies = (attempts: readonly Attempt[]): Body[] =>
  attempts
    .filter((attempt) => attempt.ok)
    .map((attempt) => JSON.parse(attempt.body) as Body)
    .filter((body) => body.stream === 'ledger');

describe('webhook deliveries across a crash of the server process', () => {
  it('retries what was pending when the server was killed (-9), under the same ids, and re-sends nothing', async () => {
    const dataDir = tempDir('webhook-crash');
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const catalog = Catalog.open(dataDir);
    const { key } = await catalog.createAccount('ops');
    await catalog.close();
    const hookReceiver = await receiver();

    const first = await serve(dataDir);
    const client = new DoppelClient({ baseUrl: first.url, apiKey: key });
    const sim = await client.createSimulation({ example: 'evening-peak' });
    const hook = await client.createWebhook({ url: hookReceiver.url, eventTypes: ['*'], simulationId: sim.id });
    const run = await client.runUntil(sim.id, 600);
    // The first attempt of the delivery ending at the head failed (receiver down): the rest waits 5 s for a retry.
    await waitFor(() => hookReceiver.attempts.some((attempt) => attempt.id.endsWith(`-${run.headSeq}`)), 60_000);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const failedBefore = new Set(hookReceiver.attempts.map((attempt) => attempt.id));
    expect(hookReceiver.attempts.every((attempt) => !attempt.ok)).toBe(true);

    hookReceiver.setUp(true);
    const second = await serve(dataDir);
    const again = new DoppelClient({ baseUrl: second.url, apiKey: key });
    await waitFor(() => ledgerBodies(hookReceiver.attempts).some((body) => body.to === run.headSeq), 60_000);
    const afterRestart = hookReceiver.attempts.filter((attempt) => attempt.ok).map((attempt) => attempt.id);
    for (const id of afterRestart) expect(failedBefore.has(id)).toBe(true);

    // Running on re-executes the first 600 s after the crash: none of it goes out again.
    const more = await again.runUntil(sim.id, 1200);
    await waitFor(() => ledgerBodies(hookReceiver.attempts).some((body) => body.to === more.headSeq), 60_000);
    const ranges = ledgerBodies(hookReceiver.attempts).sort((a, b) => a.from - b.from);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i].from).toBe(ranges[i - 1].to + 1);
    expect(ranges[ranges.length - 1].to).toBe(more.headSeq);
    const seqs = ranges.flatMap((body) => body.events.map((event) => event.data.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    const okIds = hookReceiver.attempts.filter((attempt) => attempt.ok).map((attempt) => attempt.id);
    expect(new Set(okIds).size).toBe(okIds.length);
    // Status notices of the second run may still be on the wire: every delivery settles as delivered.
    let deliveries = await again.webhookDeliveries(hook.id, 1000);
    for (let tries = 0; tries < 60 && !deliveries.every((delivery) => delivery.status === 'delivered'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      deliveries = await again.webhookDeliveries(hook.id, 1000);
    }
    expect(deliveries.map((delivery) => delivery.status).filter((status) => status !== 'delivered')).toEqual([]);

    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  }, 240_000);
});
