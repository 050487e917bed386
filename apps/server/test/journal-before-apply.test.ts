import * as nodeFs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InterventionRecord } from '@doppel/twin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusOfCode, type ErrorPayload } from '../src/errors.js';
import { buildApp } from '../src/index.js';
import type { JournalFs } from '../src/sim/journal.js';
import { interventionJournalPath, type SimInfo, type WorkerInit, type WorkerPost } from '../src/sim/protocol.js';
import { SimulationService } from '../src/sim/simulation-service.js';
import { workerInitOf } from '../src/sim/worker-init.js';

type Reply = { ok: true; value: unknown } | { ok: false; error: ErrorPayload };

/** node:fs whose fdatasync fails (EIO) or whose writes tear and fail (ENOSPC) while `fault` says so. */
function faultyFs(): { fs: JournalFs; fault: { now: 'sync' | 'write' | null } } {
  const fault: { now: 'sync' | 'write' | null } = { now: null };
  const fail = (code: string, call: string): never => {
    throw Object.assign(new Error(`${code}: injected failure, ${call}`), { code, syscall: call });
  };
  const fs: JournalFs = {
    ...nodeFs,
    writeSync: ((fd: number, buffer: Buffer, offset: number, length: number) => {
      if (fault.now !== 'write') return nodeFs.writeSync(fd, buffer, offset, length);
      nodeFs.writeSync(fd, buffer, offset, Math.floor(length / 2));
      return fail('ENOSPC', 'write');
    }) as JournalFs['writeSync'],
    fdatasyncSync: ((fd: number) => {
      if (fault.now === 'sync') fail('EIO', 'fdatasync');
      nodeFs.fdatasyncSync(fd);
    }) as JournalFs['fdatasyncSync'],
  };
  return { fs, fault };
}

/**
 * A simulation's worker-side service in this thread, called exactly as its host calls it: the calls of one turn of
 * the host's loop arrive together (one message), each answered by a reply.
 */
class InThread {
  readonly service: SimulationService;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private nextId = 1;

  constructor(init: WorkerInit, fs?: JournalFs) {
    this.service = new SimulationService(init, (post) => this.receive(post), fs);
  }

  async open(): Promise<void> {
    expect(await SimulationService.open(this.service)).toBe(true);
  }

  /** One message of calls; their replies in order. */
  turn(calls: readonly (readonly [string, readonly unknown[]])[]): Promise<Reply[]> {
    const replies = calls.map(([method, args]) => {
      const id = this.nextId++;
      const reply = new Promise<Reply>((resolve) => this.waiting.set(id, resolve));
      void SimulationService.answer(this.service, { id, method, args });
      return reply;
    });
    return Promise.all(replies);
  }

  async call<T>(method: string, ...args: unknown[]): Promise<T> {
    const [reply] = await this.turn([[method, args]]);
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    return reply.value as T;
  }

  private receive(post: WorkerPost): void {
    for (const message of Array.isArray(post) ? post : [post]) {
      if (message.type !== 'reply') continue;
      this.waiting.get(message.id)?.(message.ok ? { ok: true, value: message.value } : message);
      this.waiting.delete(message.id);
    }
  }
}

const outage = (station: string) =>
  [
    'intervene',
    [{ assetId: station, action: 'trigger_outage', args: { duration_seconds: 600 }, origin: 'api' }, 'station'],
  ] as const;

/** What a client can see of the simulation: interventions, the live state, the ledger head, the journal's bytes. */
async function visible(sim: InThread, journalPath: string) {
  const info = await sim.call<SimInfo>('flush');
  const live = await sim.call<{ json: string }>('liveState', 'station');
  return {
    interventions: await sim.call<InterventionRecord[]>('interventions'),
    state: live.json,
    head: [info.headSeq, info.headHash, info.now, info.eventsProcessed],
    journal: readFileSync(journalPath, 'utf8'),
  };
}

describe('an intervention is applied only once its journal entry is durable', () => {
  let dir: string;
  let init: WorkerInit;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doppel-journal-first-'));
    const built = await buildApp({ dataDir: dir, logLevel: false, webDir: null, demo: false });
    try {
      const key = (await built.context.catalog.createAccount('caller')).key;
      const created = await built.app.inject({
        method: 'POST',
        url: '/api/v1/simulations',
        headers: { authorization: `Bearer ${key}` },
        payload: { example: 'city-10' },
      });
      const id = (created.json() as { id: string }).id;
      const row = await built.context.catalog.simulation(id);
      init = workerInitOf(row!, built.context.manager.ledgerPath(id), built.config);
    } finally {
      await built.app.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a burst whose journal sync or write fails, leaving no trace; a restart shows exactly the acknowledged', async () => {
    const { fs, fault } = faultyFs();
    const journalPath = interventionJournalPath(init.ledgerPath);
    const sim = new InThread(init, fs);
    await sim.open();
    await sim.call('runUntil', 3_600);
    const [first] = await sim.turn([outage('station_01')]);
    expect(first.ok, JSON.stringify(first)).toBe(true);
    const acknowledged = [(first as { value: InterventionRecord }).value];

    for (const [kind, code] of [
      ['sync', 'DOPPEL_ERR_STORAGE_FAILED'],
      ['write', 'DOPPEL_ERR_STORAGE_FULL'],
    ] as const) {
      const before = await visible(sim, journalPath);
      fault.now = kind;
      // A burst, as the host sends concurrent requests: every one refused, none applied.
      const replies = await sim.turn([outage('station_02'), outage('station_03'), ['interventions', []]]);
      fault.now = null;
      for (const reply of replies.slice(0, 2)) {
        expect(reply.ok).toBe(false);
        const { error } = reply as { error: ErrorPayload };
        expect(error.code).toBe(code);
        expect(error.message).toContain(journalPath);
        expect([503, 507]).toContain(statusOfCode(error.code));
      }
      expect((replies[2] as { value: unknown }).value).toEqual(before.interventions);
      expect(await visible(sim, journalPath)).toEqual(before);
      expect((await sim.call<SimInfo>('info')).error).toMatch(/intervention journal/);
    }

    // The fault cleared: the next burst is made, journaled once and applied in order.
    const replies = await sim.turn([outage('station_02'), outage('station_03')]);
    for (const reply of replies) {
      expect(reply.ok, JSON.stringify(reply)).toBe(true);
      acknowledged.push((reply as { value: InterventionRecord }).value);
    }
    expect(acknowledged.map((record) => record.id)).toEqual(['iv-1', 'iv-2', 'iv-3']);
    expect((await sim.call<SimInfo>('info')).error).toBeNull();
    const statuses = (await sim.call<InterventionRecord[]>('interventions')).map(({ id, status }) => [id, status]);
    const head = await sim.call<SimInfo>('shutdown');

    // A restart re-executes from the journal: exactly the acknowledged interventions, the same head.
    const again = new InThread({ ...init, runTo: head.now });
    await again.open();
    const restored = await again.call<InterventionRecord[]>('interventions');
    expect(restored.map(({ id, status }) => [id, status])).toEqual(statuses);
    const info = await again.call<SimInfo>('info');
    expect([info.headSeq, info.headHash]).toEqual([head.headSeq, head.headHash]);
    await again.call('shutdown');
  }, 120_000);
});
