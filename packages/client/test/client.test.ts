import { describe, expect, it } from 'vitest';
import {
  DoppelApiError,
  DoppelClient,
  type LedgerEvent,
  type WebSocketFactory,
  type WebSocketLike,
} from '../src/index.js';

/** A scripted stand-in for the browser WebSocket: the test plays the server side. */
class ScriptedSocket implements WebSocketLike {
  static opened: ScriptedSocket[] = [];
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    ScriptedSocket.opened.push(this);
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.({});
    });
  }
  serverSends(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  close(code = 1000, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const event = (seq: number): LedgerEvent => ({
  seq,
  simTime: seq,
  assetId: 'a',
  eventType: 'TICK',
  oldValue: null,
  newValue: null,
  meta: null,
  origin: 'sim',
});

describe('stream', () => {
  it('delivers each record once, in order, and resumes after the last seq', async () => {
    ScriptedSocket.opened = [];
    const client = new DoppelClient({
      baseUrl: 'http://host:1',
      apiKey: 'k',
      WebSocket: ScriptedSocket as unknown as WebSocketFactory,
    });
    const got: number[] = [];
    const stream = client.stream('s1', {
      afterSeq: 0,
      reconnectDelayMs: 1,
      onEvents: (events) => got.push(...events.map((e) => e.seq)),
    });
    const first = ScriptedSocket.opened[0];
    expect(first.url).toBe('ws://host:1/api/v1/simulations/s1/stream?afterSeq=0');
    expect(first.protocols).toEqual(['doppel', 'doppel-key.k']);
    first.serverSends({ type: 'events', events: [event(1), event(2), event(3)] });
    first.close(1006, 'gone');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = ScriptedSocket.opened[1];
    expect(second.url).toContain('afterSeq=3');
    // The server may repeat records the client already has: they are dropped.
    second.serverSends({ type: 'events', events: [event(2), event(3), event(4)] });
    second.serverSends({ type: 'rewind', t: 1, seq: 1 });
    second.serverSends({ type: 'events', events: [event(2)] });
    expect(got).toEqual([1, 2, 3, 4, 2]);
    expect(stream.lastSeq).toBe(2);
    stream.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ScriptedSocket.opened).toHaveLength(2);
  });
});

describe('http', () => {
  it('sends the key and turns problem+json into DoppelApiError with code, issues and Retry-After', async () => {
    const seen: { url: string; init?: RequestInit }[] = [];
    const client = new DoppelClient({
      baseUrl: 'http://host:1/',
      apiKey: 'secret',
      fetch: async (url, init) => {
        seen.push({ url, init });
        return new Response(
          JSON.stringify({
            type: 't',
            title: 'Too Many Requests',
            status: 429,
            detail: 'slow down',
            code: 'DOPPEL_ERR_RATE_LIMITED',
            issues: [{ path: 'body.t', message: 'x' }],
          }),
          { status: 429, headers: { 'content-type': 'application/problem+json', 'retry-after': '7' } },
        );
      },
    });
    const error = await client
      .ledger('s 1', { eventTypes: ['A', 'B'], afterSeq: 5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DoppelApiError);
    expect(error).toMatchObject({ status: 429, code: 'DOPPEL_ERR_RATE_LIMITED', retryAfterS: 7, message: 'slow down' });
    expect((error as DoppelApiError).issues[0].path).toBe('body.t');
    expect(seen[0].url).toBe('http://host:1/api/v1/simulations/s%201/ledger?afterSeq=5&eventType=A%2CB');
    expect((seen[0].init?.headers as Record<string, string>).authorization).toBe('Bearer secret');
  });

  it('pages through the ledger with afterSeq', async () => {
    const client = new DoppelClient({
      baseUrl: 'http://host:1',
      fetch: async (url) => {
        const after = Number(new URL(url).searchParams.get('afterSeq'));
        const page = after >= 5 ? [] : [event(after + 1), event(after + 2)].filter((e) => e.seq <= 5);
        return new Response(JSON.stringify(page), { headers: { 'content-type': 'application/json' } });
      },
    });
    const seqs: number[] = [];
    for await (const record of client.ledgerAll('s', { limit: 2 })) seqs.push(record.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });
});
