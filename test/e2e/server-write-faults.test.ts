import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { InterventionRecord } from '@doppel/client';
import { Catalog } from '@doppel/server';
import { SqliteLedgerStore } from '@doppel/store-sqlite';
import { writeFaultCount, writeFaultEnv, type WriteFault } from '@doppel/test-support';
import { describe, expect, it } from 'vitest';
import { tempDir } from './cli-helpers.js';
import { ServerStartError, startServerProcess, type ServerProcess } from './server-process.js';

/**
 * `doppel serve` with the Nth write or sync on its data directory failing (a native library in front of libc's
 * write calls, loaded with LD_PRELOAD: the way SQLite's own harness fails the Nth I/O), for N spread over everything
 * a small workload writes: the catalog, ledgers, intervention journals, the webhook outbox. Whatever N, the server
 * never dies and never answers 500, and after a restart on a healthy disk every acknowledged fact is there.
 */

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: Record<string, unknown>;
}

/** What the client was told: the facts a restarted server must show. */
interface Acknowledged {
  /** Per acknowledged simulation, its acknowledged interventions by id. */
  readonly simulations: Map<string, Map<string, InterventionRecord>>;
}

const STATIONS = ['station_01', 'station_02', 'station_03', 'station_04'];

async function call(url: string, key: string, method: string, body?: unknown): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: JSON.parse(text) };
}

/** Every answer is a success or a typed refusal: never a 500, never a bare error. */
function expectTyped(answer: Answer, context: string): boolean {
  const detail = `${context}: ${answer.status} ${JSON.stringify(answer.body)}`;
  if (answer.status < 400) return true;
  expect([400, 404, 409, 422, 503, 507], detail).toContain(answer.status);
  expect(answer.type, detail).toMatch(/^application\/problem\+json/);
  expect(String(answer.body.code), detail).toMatch(/^DOPPEL_ERR_/);
  expect(JSON.stringify(answer.body), detail).not.toMatch(/\n\s+at /);
  return false;
}

/** A small day in the life of one tenant: two simulations, runs, God Mode and scheduled interventions. */
async function workload(server: ServerProcess, key: string, acked: Acknowledged, context: string): Promise<void> {
  const api = `${server.url}/api/v1/simulations`;
  for (let sim = 0; sim < 2; sim++) {
    const created = await call(api, key, 'POST', { example: 'city-10' });
    if (!expectTyped(created, `${context}: create`)) continue;
    const id = String(created.body.id);
    const interventions = new Map<string, InterventionRecord>();
    acked.simulations.set(id, interventions);
    for (let round = 0; round < STATIONS.length; round++) {
      expectTyped(await call(`${api}/${id}/run-until`, key, 'POST', { t: (round + 1) * 1_800 }), `${context}: run`);
      const patched = await call(`${api}/${id}/assets/station/${STATIONS[round]}`, key, 'PATCH', {
        action: 'set_maintenance_mode',
        enabled: true,
      });
      if (expectTyped(patched, `${context}: PATCH`)) {
        interventions.set(String(patched.body.id), patched.body as unknown as InterventionRecord);
      }
      const scheduled = await call(`${api}/${id}/interventions`, key, 'POST', {
        assetId: STATIONS[(round + 1) % STATIONS.length],
        action: 'trigger_outage',
        args: { duration_seconds: 300 },
        at: (round + 1) * 1_800 + 600,
      });
      if (expectTyped(scheduled, `${context}: schedule`)) {
        interventions.set(String(scheduled.body.id), scheduled.body as unknown as InterventionRecord);
      }
    }
  }
}

/** A data directory with one account, written before any fault. */
async function freshDataDir(): Promise<{ dataDir: string; key: string }> {
  const dataDir = tempDir('write-faults');
  const catalog = Catalog.open(dataDir);
  const key = (await catalog.createAccount('tenant')).key;
  await catalog.close();
  return { dataDir, key };
}

/** On a healthy disk again: every acknowledged simulation and intervention, with the same arguments. */
async function expectRestored(dataDir: string, key: string, acked: Acknowledged, context: string): Promise<void> {
  const server = await startServerProcess(dataDir);
  try {
    const client = server.client(key);
    const listed = (await client.listSimulations()).map((sim) => sim.id);
    // A refused creation left nothing behind.
    expect([...listed].sort(), context).toEqual([...acked.simulations.keys()].sort());
    for (const [id, acknowledged] of acked.simulations) {
      expect(listed, `${context}: simulation ${id} listed`).toContain(id);
      const view = await call(`${server.url}/api/v1/simulations/${id}`, key, 'GET');
      expect(view.status, `${context}: GET ${id} ${JSON.stringify(view.body)}`).toBe(200);
      const kept = await call(`${server.url}/api/v1/simulations/${id}/interventions`, key, 'GET');
      expect(kept.status, `${context}: interventions of ${id} ${JSON.stringify(kept.body)}`).toBe(200);
      const byId = new Map((kept.body as unknown as InterventionRecord[]).map((record) => [record.id, record]));
      for (const [interventionId, before] of acknowledged) {
        const after = byId.get(interventionId);
        expect(after, `${context}: intervention ${interventionId} kept`).toBeDefined();
        expect(after?.action, context).toBe(before.action);
        expect(after?.args, context).toEqual(before.args);
        expect(after?.effectiveAt, context).toBe(before.effectiveAt);
      }
    }
  } finally {
    expect(await server.stop(), `${context}: clean stop`).toBe(0);
    expect(server.stderr(), context).not.toMatch(/\n\s+at /);
  }
  // Every ledger on disk is whole: its hash chain verifies.
  const sims = join(dataDir, 'sims');
  for (const file of readdirSync(sims).filter((name) => name.endsWith('.sqlite'))) {
    const store = SqliteLedgerStore.open(join(sims, file));
    try {
      const simId = file.replace(/\.sqlite$/, '');
      const known = await store.listSimulations();
      expect(
        known.map((sim) => sim.simId),
        `${context}: ${file} holds its simulation (acked: ${[...acked.simulations.keys()].join(',')})`,
      ).toContain(simId);
      expect((await store.verify(simId)).ok, `${context}: ledger ${file} verifies`).toBe(true);
    } finally {
      await store.close();
    }
  }
}

/** Runs the workload with `fault` in effect; the acknowledged facts, or null when start-up was refused. */
async function underFault(
  dataDir: string,
  key: string,
  fault: WriteFault,
  context: string,
): Promise<Acknowledged | null> {
  let server: ServerProcess;
  try {
    server = await startServerProcess(dataDir, [], 60_000, writeFaultEnv(fault));
  } catch (error) {
    // A start-up the disk refuses exits non-zero with one line naming the cause, never half-listening.
    expect(error, context).toBeInstanceOf(ServerStartError);
    const refused = error as ServerStartError;
    expect(refused.exitCode, `${context}: ${refused.stderr}`).not.toBe(0);
    expect(refused.stderr.trim().split('\n'), `${context}: ${refused.stderr}`).toHaveLength(1);
    expect(refused.stderr, context).toMatch(/Cannot|storage|disk/i);
    return null;
  }
  const acked: Acknowledged = { simulations: new Map() };
  try {
    await workload(server, key, acked, context);
    // Alive and answering, whatever the disk did.
    expect((await fetch(`${server.url}/health`)).status, context).toBe(200);
    expect(server.child.exitCode, context).toBeNull();
    expect(server.stderr(), context).not.toMatch(/\n\s+at /);
  } finally {
    await server.crash();
  }
  return acked;
}

/**
 * Where to fail: geometrically spaced from the first call (start-up and creation, where most paths are short) to
 * the last, `count` points in all. DOPPEL_WRITE_FAULT_AT=N tries one point (a failure's context names it).
 */
function faultPoints(total: number, count: number): number[] {
  const only = process.env.DOPPEL_WRITE_FAULT_AT;
  if (only !== undefined) return [Number(only)];
  const ratio = Math.pow(total, 1 / Math.max(1, count - 1));
  const points = new Set<number>();
  for (let i = 0; i < count; i++) points.add(Math.min(total, Math.round(Math.pow(ratio, i))));
  return [...points].sort((a, b) => a - b);
}

const POINTS = Number(process.env.DOPPEL_WRITE_FAULT_POINTS ?? 5);

describe('the server with its Nth write failing', () => {
  let total = 0;

  it('counts the writes and syncs of the workload on a healthy disk', { timeout: 120_000 }, async () => {
    const { dataDir, key } = await freshDataDir();
    try {
      const countFile = join(dataDir, '..', `${dataDir.split('/').pop()}.count`);
      const acked = await underFault(
        dataDir,
        key,
        { dir: dataDir, at: 0, errno: 'ENOSPC', sticky: false, countFile },
        'no fault',
      );
      expect(acked?.simulations.size).toBe(2);
      for (const interventions of acked?.simulations.values() ?? [])
        expect(interventions.size).toBe(2 * STATIONS.length);
      total = writeFaultCount(countFile);
      // Every layer writes: the catalog, two ledgers and two journals at the least.
      expect(total).toBeGreaterThan(20);
      rmSync(countFile, { force: true });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  const modes: { name: string; fault: Omit<WriteFault, 'dir' | 'at'> }[] = [
    {
      name: 'a disk that fills (ENOSPC, torn, every later write refused)',
      fault: { errno: 'ENOSPC', sticky: true, tear: true },
    },
    { name: 'one transient device error (EIO)', fault: { errno: 'EIO', sticky: false } },
  ];
  for (const mode of modes) {
    it(`${mode.name}: no crash, no 500, nothing acknowledged lost`, { timeout: 600_000 }, async () => {
      if (process.env.DOPPEL_WRITE_FAULT_AT === undefined)
        expect(total, 'the counting run ran first').toBeGreaterThan(0);
      for (const at of faultPoints(total, POINTS)) {
        const context = `${mode.fault.errno} at write ${at} of ${total}`;
        const { dataDir, key } = await freshDataDir();
        try {
          const acked = await underFault(dataDir, key, { ...mode.fault, dir: dataDir, at }, context);
          await expectRestored(dataDir, key, acked ?? { simulations: new Map() }, context);
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      }
    });
  }
});
