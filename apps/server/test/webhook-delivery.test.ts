import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, verifyWebhook, type DoppelApp, type ServerConfigInput } from '../src/index.js';
import { ManualClock } from './fixtures/manual-clock.js';
import { startWebhookReceiver, type ReceivedAttempt } from './fixtures/webhook-receiver.js';

const START = Date.UTC(2026, 0, 5, 8, 0, 0);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

interface Delivery {
  readonly id: string;
  readonly status: string;
  readonly attempts: number;
  readonly eventCount: number;
  readonly nextAttemptAt: string | null;
}
interface Body {
  readonly id: string;
  readonly stream: 'ledger' | 'notice';
  readonly from: number;
  readonly to: number;
  readonly events: { type: string; data: { seq?: number; status?: string; previous?: string; simTime?: number } }[];
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-webhooks-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real app on a data directory, with webhook deliveries on the given clock. */
async function open(dataDir: string, clock: ManualClock, input: ServerConfigInput = {}) {
  const built: DoppelApp = await buildApp(
    {
      dataDir,
      logLevel: false,
      webDir: null,
      ...input,
      webhooks: { allowHosts: ['127.0.0.1'], batchWindowMs: 20, ...input.webhooks },
    },
    { webhookClock: clock },
  );
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await built.app.close();
  };
  cleanups.push(close);
  const api = async <T>(key: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object): Promise<T> => {
    const response = await built.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, payload });
    if (response.statusCode >= 400) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json() as T;
  };
  return { built, api, close };
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 60_000) {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Ledger seqs of accepted ledger deliveries, in the order received, with the ids they came under. */
function acceptedSeqs(accepted: readonly ReceivedAttempt[]): number[] {
  return accepted.flatMap((attempt) => {
    const body = JSON.parse(attempt.body) as Body;
    return body.stream === 'ledger' ? body.events.map((event) => event.data.seq as number) : [];
  });
}

/** Every seq of [from, to] (of the ledger ranges received) arrived once: the ranges tile the ledger without gaps. */
function expectTiled(accepted: readonly ReceivedAttempt[], head: number): void {
  const ranges = accepted
    .map((attempt) => JSON.parse(attempt.body) as Body)
    .filter((body) => body.stream === 'ledger')
    .map((body) => [body.from, body.to] as const)
    .sort((a, b) => a[0] - b[0]);
  expect(ranges.length).toBeGreaterThan(0);
  for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1] + 1);
  expect(ranges[ranges.length - 1][1]).toBe(head);
  const seqs = acceptedSeqs(accepted);
  expect(new Set(seqs).size).toBe(seqs.length);
}

describe('webhook delivery (durable outbox, derived ids, retries on a clock)', { timeout: 180_000 }, () => {
  it('loses nothing through a one-hour receiver outage, retrying under the same ids', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const clock = new ManualClock(START);
    const { built, api } = await open(tempDir(), clock);
    const { key } = await built.context.catalog.createAccount('ops');
    const sim = await api<{ id: string }>(key, 'POST', '/api/v1/simulations', { example: 'evening-peak' });
    const hook = await api<{ id: string; secret: string }>(key, 'POST', '/api/v1/webhooks', {
      url: receiver.url,
      eventTypes: ['*'],
      simulationId: sim.id,
    });
    receiver.setUp(false);
    const run = await api<{ headSeq: number }>(key, 'POST', `/api/v1/simulations/${sim.id}/run-until`, { t: 900 });
    const deliveries = (status?: string) =>
      api<Delivery[]>(
        key,
        'GET',
        `/api/v1/webhooks/${hook.id}/deliveries?limit=1000${status ? `&status=${status}` : ''}`,
      );
    const attemptsReach = (n: number) =>
      waitFor(`attempt ${n} of every delivery`, async () => {
        const list = await deliveries();
        const ledgerDone = list.some((d) => d.id.endsWith(`-${run.headSeq}`));
        return ledgerDone && list.every((d) => d.attempts >= n) && list;
      });

    // Everything the run produced is queued within the batch window (20 ms).
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The outage: immediately, 5 s, 5 min and 30 min later all fail; the receiver is back after an hour.
    const first = await attemptsReach(1);
    expect(first.every((d) => d.status === 'retrying')).toBe(true);
    clock.advance(5 * SECOND);
    await attemptsReach(2);
    clock.advance(5 * MINUTE);
    await attemptsReach(3);
    clock.advance(30 * MINUTE);
    await attemptsReach(4);
    clock.advance(HOUR - 35 * MINUTE - 5 * SECOND);
    receiver.setUp(true);
    expect(receiver.accepted()).toEqual([]);
    clock.advance(2 * HOUR);
    const done = await waitFor('every delivery delivered', async () => {
      const list = await deliveries();
      return list.every((d) => d.status === 'delivered') && list;
    });
    expect(done.every((d) => d.attempts === 5 && d.nextAttemptAt === null)).toBe(true);

    const accepted = receiver.accepted();
    expectTiled(accepted, run.headSeq);
    // Every accepted id is one that failed four times before: retries carry the id of the delivery.
    const failedIds = receiver.attempts.filter((a) => a.status === 503).map((a) => a.id);
    for (const attempt of accepted) expect(failedIds.filter((id) => id === attempt.id)).toHaveLength(4);
    expect(new Set(accepted.map((a) => a.id)).size).toBe(accepted.length);
    for (const attempt of accepted) {
      const body = JSON.parse(attempt.body) as Body;
      expect(attempt.id).toBe(body.id);
      if (body.stream === 'ledger') expect(attempt.id).toBe(`msg_${sim.id}_${hook.id}_${body.from}-${body.to}`);
      // Signed at the time of this attempt: the fifth, 5 s + 5 min + 30 min + 2 h after the first.
      const fifth = (START + 5 * SECOND + 5 * MINUTE + 30 * MINUTE + 2 * HOUR) / 1000;
      expect(Number(attempt.timestamp)).toBe(fifth);
      const headers = { id: attempt.id, timestamp: attempt.timestamp, signature: attempt.signature };
      expect(verifyWebhook(hook.secret, headers, attempt.body, 300, fifth)).toBe(true);
    }
    const view = await api<{ deliveries: Record<string, number> }>(key, 'GET', `/api/v1/webhooks/${hook.id}`);
    expect(view.deliveries).toEqual({ pending: 0, retrying: 0, delivered: done.length, failed: 0 });
  });

  it('keeps retrying across a restart, then a reload re-sends nothing: no id twice', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const dataDir = tempDir();
    const clock = new ManualClock(START);
    const first = await open(dataDir, clock);
    const { key } = await first.built.context.catalog.createAccount('ops');
    const sim = await first.api<{ id: string }>(key, 'POST', '/api/v1/simulations', { example: 'evening-peak' });
    const hook = await first.api<{ id: string }>(key, 'POST', '/api/v1/webhooks', {
      url: receiver.url,
      eventTypes: ['*'],
      simulationId: sim.id,
    });
    receiver.setUp(false);
    const run = await first.api<{ headSeq: number }>(key, 'POST', `/api/v1/simulations/${sim.id}/run-until`, {
      t: 600,
    });
    const deliveriesOf = (app: typeof first) =>
      app.api<Delivery[]>(key, 'GET', `/api/v1/webhooks/${hook.id}/deliveries?limit=1000`);
    await waitFor('two failed attempts', async () => {
      const list = await deliveriesOf(first);
      if (!list.some((d) => d.id.endsWith(`-${run.headSeq}`))) return false;
      if (list.every((d) => d.attempts >= 1) && list.some((d) => d.attempts === 1)) clock.advance(5 * SECOND);
      return list.every((d) => d.attempts === 2);
    });
    const before = new Set(receiver.attempts.map((a) => a.id));
    await first.close();

    // The same data directory, a new process's worth of state; the receiver is back.
    receiver.setUp(true);
    const second = await open(dataDir, clock);
    clock.advance(5 * MINUTE);
    await waitFor('delivered after the restart', async () => {
      const list = await deliveriesOf(second);
      return list.every((d) => d.status === 'delivered' && d.attempts === 3);
    });
    expect(new Set(receiver.accepted().map((a) => a.id))).toEqual(before);

    // Running on reloads the simulation: its first 600 s are re-executed and must not go out again.
    const more = await second.api<{ headSeq: number }>(key, 'POST', `/api/v1/simulations/${sim.id}/run-until`, {
      t: 1200,
    });
    await waitFor('the new events delivered', async () => {
      const list = await deliveriesOf(second);
      return list.some((d) => d.id.endsWith(`-${more.headSeq}`)) && list.every((d) => d.status === 'delivered');
    });
    const accepted = receiver.accepted();
    expectTiled(accepted, more.headSeq);
    expect(new Set(accepted.map((a) => a.id)).size).toBe(accepted.length);
    expect(Math.min(...acceptedSeqs(accepted))).toBeLessThan(run.headSeq);
  });

  it('sends nothing again when an idle simulation is evicted and reloaded', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const clock = new ManualClock(START);
    const { built, api } = await open(tempDir(), clock, { limits: { maxLiveSimulationsPerAccount: 1 } });
    const { key } = await built.context.catalog.createAccount('ops');
    const sim = await api<{ id: string }>(key, 'POST', '/api/v1/simulations', { example: 'evening-peak' });
    const hook = await api<{ id: string }>(key, 'POST', '/api/v1/webhooks', {
      url: receiver.url,
      eventTypes: ['*'],
      simulationId: sim.id,
    });
    const delivered = (head: number) =>
      waitFor(`delivered up to ${head}`, async () => {
        const list = await api<Delivery[]>(key, 'GET', `/api/v1/webhooks/${hook.id}/deliveries?limit=1000`);
        return list.some((d) => d.id.endsWith(`-${head}`)) && list.every((d) => d.status === 'delivered');
      });
    const one = await api<{ headSeq: number }>(key, 'POST', `/api/v1/simulations/${sim.id}/run-until`, { t: 600 });
    await delivered(one.headSeq);
    const notices = () =>
      receiver
        .accepted()
        .map((a) => JSON.parse(a.body) as Body)
        .filter((body) => body.stream === 'notice')
        .flatMap((body) => body.events.map((event) => JSON.stringify(event.data)));
    const noticesBefore = notices();
    expect(noticesBefore.length).toBeGreaterThan(0);

    // A second simulation takes the only live slot; the first is unloaded, then reloaded by the next run.
    await api(key, 'POST', '/api/v1/simulations', { example: 'evening-peak' });
    expect(built.context.manager.isLoaded(sim.id)).toBe(false);
    const two = await api<{ headSeq: number }>(key, 'POST', `/api/v1/simulations/${sim.id}/run-until`, { t: 1200 });
    await delivered(two.headSeq);

    const accepted = receiver.accepted();
    expectTiled(accepted, two.headSeq);
    // The status changes of the re-execution are not news: no notice repeats one sent before.
    const after = notices();
    expect(new Set(after).size).toBe(after.length);
    expect(after.slice(0, noticesBefore.length)).toEqual(noticesBefore);
  });

  it('delivers the events after a rewind as new ones, under ids of the new timeline', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const clock = new ManualClock(START);
    const { built, api } = await open(tempDir(), clock);
    const { key } = await built.context.catalog.createAccount('ops');
    const sim = await api<{ id: string }>(key, 'POST', '/api/v1/simulations', { example: 'evening-peak' });
    const hook = await api<{ id: string }>(key, 'POST', '/api/v1/webhooks', {
      url: receiver.url,
      eventTypes: ['*'],
      simulationId: sim.id,
    });
    const delivered = (suffix: string) =>
      waitFor(`delivered up to ${suffix}`, async () => {
        const list = await api<Delivery[]>(key, 'GET', `/api/v1/webhooks/${hook.id}/deliveries?limit=1000`);
        return list.some((d) => d.id.endsWith(suffix)) && list.every((d) => d.status === 'delivered');
      });
    const one = await api<{ headSeq: number }>(key, 'POST', `/api/v1/simulations/${sim.id}/run-until`, { t: 1200 });
    await delivered(`-${one.headSeq}`);
    const rewound = await api<{ headSeq: number }>(key, 'POST', `/api/v1/simulations/${sim.id}/rewind`, { t: 600 });
    expect(rewound.headSeq).toBeLessThan(one.headSeq);
    await api(key, 'PATCH', `/api/v1/simulations/${sim.id}/assets/station/station_01`, {
      action: 'trigger_outage',
      duration_seconds: 300,
    });
    const two = await api<{ headSeq: number }>(key, 'POST', `/api/v1/simulations/${sim.id}/run-until`, { t: 1200 });
    await delivered(`-${two.headSeq}`);
    await waitFor('the new timeline delivered', async () =>
      receiver
        .accepted()
        .some((a) => a.id.startsWith(`msg_${sim.id}_${hook.id}_r1_`) && a.id.endsWith(`-${two.headSeq}`)),
    );

    const bodies = receiver.accepted().map((a) => JSON.parse(a.body) as Body & { id: string });
    const oldTimeline = receiver.accepted().filter((a) => !a.id.includes('_r1_'));
    const newTimeline = receiver.accepted().filter((a) => a.id.includes('_r1_'));
    expectTiled(oldTimeline, one.headSeq);
    const ranges = newTimeline
      .map((a) => JSON.parse(a.body) as Body)
      .filter((body) => body.stream === 'ledger')
      .sort((a, b) => a.from - b.from);
    expect(ranges[0].from).toBe(rewound.headSeq + 1);
    expect(ranges[ranges.length - 1].to).toBe(two.headSeq);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i].from).toBe(ranges[i - 1].to + 1);
    expect(bodies.every((body) => body.id.startsWith(`msg_${sim.id}_${hook.id}_`))).toBe(true);
  });

  it('shows failed deliveries after the last retry and sends them again, same ids, on redeliver', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const clock = new ManualClock(START);
    const { built, api } = await open(tempDir(), clock, { webhooks: { retryScheduleMs: [0, 10 * SECOND] } });
    const { key } = await built.context.catalog.createAccount('ops');
    const sim = await api<{ id: string }>(key, 'POST', '/api/v1/simulations', { example: 'evening-peak' });
    const hook = await api<{ id: string }>(key, 'POST', '/api/v1/webhooks', {
      url: receiver.url,
      eventTypes: ['FAULT_INJECTED', 'SWAP_COMPLETED'],
      simulationId: sim.id,
    });
    receiver.setUp(false);
    await api(key, 'POST', `/api/v1/simulations/${sim.id}/run-until`, { t: 600 });
    const list = () => api<Delivery[]>(key, 'GET', `/api/v1/webhooks/${hook.id}/deliveries?limit=1000`);
    await waitFor('first attempts', async () => (await list()).some((d) => d.attempts === 1));
    clock.advance(10 * SECOND);
    const failed = await waitFor('failed', async () => {
      const rows = await list();
      return rows.length > 0 && rows.every((d) => d.status === 'failed') && rows;
    });
    expect(failed.every((d) => d.attempts === 2 && d.nextAttemptAt === null)).toBe(true);
    const view = await api<{ deliveries: Record<string, number> }>(key, 'GET', `/api/v1/webhooks/${hook.id}`);
    expect(view.deliveries.failed).toBe(failed.length);
    // Nothing more happens on its own, however long one waits.
    clock.advance(24 * HOUR);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.accepted()).toEqual([]);

    receiver.setUp(true);
    const queued = await api<{ redelivered: Delivery[] }>(key, 'POST', `/api/v1/webhooks/${hook.id}/redeliver`, {});
    expect(queued.redelivered.map((d) => d.id).sort()).toEqual(failed.map((d) => d.id).sort());
    expect(queued.redelivered.every((d) => d.status === 'pending' && d.attempts === 0)).toBe(true);
    await waitFor('redelivered', async () => (await list()).every((d) => d.status === 'delivered'));
    expect(
      receiver
        .accepted()
        .map((a) => a.id)
        .sort(),
    ).toEqual(failed.map((d) => d.id).sort());

    // A delivered one may be asked for again by id; an unknown id is refused with the field named.
    const again = failed[0].id;
    await api(key, 'POST', `/api/v1/webhooks/${hook.id}/redeliver`, { deliveryIds: [again] });
    await waitFor('sent again', async () => receiver.accepted().filter((a) => a.id === again).length === 2);
    const unknown = await built.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${hook.id}/redeliver`,
      headers: { authorization: `Bearer ${key}` },
      payload: { deliveryIds: [again, 'msg_nope'] },
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({
      code: 'DOPPEL_ERR_VALIDATION',
      issues: [{ path: 'body.deliveryIds[1]', found: 'msg_nope' }],
    });
    const spec = (await built.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(spec.paths['/api/v1/webhooks/{webhookId}/redeliver'].post.requestBody).toBeDefined();
  });
});
