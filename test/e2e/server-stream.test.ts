import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerEvent, StreamMessage } from '@doppel/client';
import { SqliteLedgerStore } from '@doppel/store-sqlite';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, waitFor } from './server-helpers.js';

function expectComplete(events: readonly LedgerEvent[], head: number): void {
  const seqs = events.map((event) => event.seq);
  expect(seqs.length).toBe(head);
  expect(seqs).toEqual(Array.from({ length: head }, (_, i) => i + 1));
}

describe('WebSocket stream', () => {
  it('a client that keeps reconnecting misses nothing and sees nothing twice', { timeout: 120_000 }, async () => {
    const server = await startTestServer();
    try {
      const { client } = await server.account('watcher');
      const sim = await client.createSimulation({ example: 'evening-peak' });
      const received: LedgerEvent[] = [];
      let opens = 0;
      const stream = client.stream(sim.id, {
        afterSeq: 0,
        reconnectDelayMs: 10,
        onOpen: () => opens++,
        onEvents: (events) => received.push(...events),
      });
      await waitFor(() => opens === 1);
      await client.run(sim.id, { speed: 20_000 });
      const dropper = setInterval(() => stream.drop(), 150);
      let finished = await client.getSimulation(sim.id);
      while (finished.status !== 'finished') {
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished = await client.getSimulation(sim.id);
      }
      clearInterval(dropper);
      await waitFor(() => stream.lastSeq === finished.headSeq, 30_000);
      stream.close();
      expect(opens).toBeGreaterThan(3);
      expectComplete(received, finished.headSeq);
      const stored = await client.ledger(sim.id, { afterSeq: finished.headSeq - 5, limit: 10 });
      // The stream names its simulation once, in its hello; the REST ledger names it on every record.
      expect(stored.every((record) => record.simId === sim.id)).toBe(true);
      expect(received.slice(-5)).toEqual(stored.map(({ simId: _simId, ...record }) => record));
    } finally {
      await server.close();
    }
  });

  it(
    'a slow client gets a gap notice and catches up from the store without stalling the run',
    { timeout: 120_000 },
    async () => {
      const server = await startTestServer({ limits: { wsMaxBufferedBytes: 16 * 1024 } });
      try {
        const { client, key } = await server.account('slow');
        const sim = await client.createSimulation({ example: 'city-100' });
        const socket = new WebSocket(client.streamUrl(sim.id, 0), ['doppel', `doppel-key.${key}`]);
        const messages: StreamMessage[] = [];
        socket.on('message', (data) => messages.push(JSON.parse(String(data)) as StreamMessage));
        await new Promise((resolve) => socket.once('open', resolve));
        const events = () => messages.flatMap((message) => (message.type === 'events' ? message.events : []));
        // Level with the head first (the city's creation records): from here on the client is served live.
        await waitFor(() => events().at(-1)?.seq === sim.headSeq);
        // Stop reading: the kernel buffers fill up (a city-100 day is megabytes more than they hold), then the
        // server's send buffer for this client grows past the threshold.
        const raw = (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
        raw.pause();
        const finished = await client.runUntil(sim.id, 86_400);
        expect(finished.status).toBe('finished');
        raw.resume();
        await waitFor(() => events().at(-1)?.seq === finished.headSeq, 60_000);
        socket.close();
        expect(messages.some((message) => message.type === 'gap')).toBe(true);
        expectComplete(events(), finished.headSeq);
      } finally {
        await server.close();
      }
    },
  );

  it('a graceful shutdown keeps every acknowledged ledger record', { timeout: 120_000 }, async () => {
    const server = await startTestServer();
    const { client } = await server.account('durable');
    const sim = await client.createSimulation({ example: 'evening-peak' });
    const received: LedgerEvent[] = [];
    const stream = client.stream(sim.id, { afterSeq: 0, onEvents: (events) => received.push(...events) });
    await client.run(sim.id, { speed: 5_000 });
    await waitFor(() => received.length > 2_000, 60_000);
    const ledgerPath = join(server.config.dataDir, 'sims', `${sim.id}.sqlite`);
    stream.close();
    const seen = received[received.length - 1].seq;
    await server.app.close();
    expect(existsSync(ledgerPath)).toBe(true);
    const store = SqliteLedgerStore.open(ledgerPath);
    try {
      const verification = await store.verify(sim.id);
      expect(verification.ok).toBe(true);
      const head = await store.head(sim.id);
      expect(head.seq).toBeGreaterThanOrEqual(seen);
    } finally {
      await store.close();
      rmSync(server.config.dataDir, { recursive: true, force: true });
    }
  });
});

describe('restart', () => {
  it(
    'brings a simulation back after a restart: same time, same ledger hash, same interventions',
    { timeout: 120_000 },
    async () => {
      const first = await startTestServer();
      const { key, client } = await first.account('returning');
      const sim = await client.createSimulation({ example: 'evening-peak' });
      await client.runUntil(sim.id, 3600);
      await client.patchAsset(sim.id, 'station', 'station_03', { action: 'trigger_outage', duration_seconds: 600 });
      await client.runUntil(sim.id, 5400);
      const before = await client.getSimulation(sim.id);
      await first.app.close();

      const second = await startTestServer({ dataDir: first.config.dataDir });
      try {
        const again = second.client(key);
        const listed = await again.listSimulations();
        expect(listed.map((item) => item.id)).toEqual([sim.id]);
        const after = await again.getSimulation(sim.id);
        expect(after).toMatchObject({ simTime: 5400, headSeq: before.headSeq, headHash: before.headHash });
        const interventions = await again.interventions(sim.id);
        expect(interventions.map((item) => [item.action, item.effectiveAt])).toEqual([['trigger_outage', 3600]]);
        expect((await again.runUntil(sim.id, 7200)).simTime).toBe(7200);
      } finally {
        await second.close();
      }
    },
  );
});

describe('crash', () => {
  it(
    'keeps every acknowledged intervention: a copy of the live data directory restores them',
    { timeout: 120_000 },
    async () => {
      const first = await startTestServer();
      const { key, client } = await first.account('crashing');
      const copyDir = mkdtempSync(join(tmpdir(), 'doppel-crash-copy-'));
      try {
        const sim = await client.createSimulation({ example: 'evening-peak' });
        await client.runUntil(sim.id, 3600);
        await client.patchAsset(sim.id, 'station', 'station_03', { action: 'trigger_outage', duration_seconds: 600 });
        // No graceful shutdown: the files are taken as a crash would leave them.
        cpSync(first.config.dataDir, copyDir, { recursive: true });
        const second = await startTestServer({ dataDir: copyDir });
        try {
          const again = second.client(key);
          await again.runUntil(sim.id, 7200);
          const interventions = await again.interventions(sim.id);
          expect(interventions.map((item) => [item.action, item.effectiveAt])).toEqual([['trigger_outage', 3600]]);
        } finally {
          await second.app.close();
        }
      } finally {
        await first.close();
        rmSync(copyDir, { recursive: true, force: true });
      }
    },
  );
});

describe('idle streams', () => {
  it('stay open longer than the request timeout', { timeout: 60_000 }, async () => {
    const server = await startTestServer({ limits: { requestTimeoutMs: 1_000 } });
    try {
      const { client } = await server.account('patient');
      const sim = await client.createSimulation({ example: 'city-10' });
      let opens = 0;
      const received: LedgerEvent[] = [];
      const stream = client.stream(sim.id, { onOpen: () => opens++, onEvents: (events) => received.push(...events) });
      await waitFor(() => opens === 1);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      // Riders arrive from the early morning on: a few hours of city time record plenty of events.
      const after = await client.runUntil(sim.id, 4 * 3600);
      expect(after.headSeq).toBeGreaterThan(sim.headSeq);
      await waitFor(() => received.at(-1)?.seq === after.headSeq);
      stream.close();
      expect(opens).toBe(1);
    } finally {
      await server.close();
    }
  });
});
