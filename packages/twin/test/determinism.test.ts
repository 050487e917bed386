import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { queueScenario } from './fixtures/queue-pack.js';
import { playScript } from './fixtures/scripts.js';
import { ledgerOf, newSim } from './fixtures/session-helpers.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./fixtures/determinism-run.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

async function inChild(seed: number): Promise<{ head: { hash: string; seq: number }; events: number }> {
  const { stdout } = await run(tsx, ['--conditions=@doppel/source', script, String(seed)], { timeout: 60_000 });
  return JSON.parse(stdout) as { head: { hash: string; seq: number }; events: number };
}

describe('determinism', () => {
  it('same scenario, seed and log twice in one process: same ledger', async () => {
    const a = await newSim({ simId: 'a' });
    const b = await newSim({ simId: 'b' });
    playScript(a);
    playScript(b);
    expect(a.head()).toEqual(b.head());
    expect(await ledgerOf(a)).toEqual(await ledgerOf(b));
  });

  it('same inputs in two separate processes: same head hash as in this one', async () => {
    const local = await newSim({ store: null });
    playScript(local);
    const [first, second] = await Promise.all([inChild(42), inChild(42)]);
    expect(first.head.hash).toBe(second.head.hash);
    expect(first.head.hash).toBe(local.head().hash);
    expect(first.events).toBe(local.eventsProcessed);
  });

  it('different seeds give different runs', async () => {
    const a = await newSim({ seed: 1 });
    const b = await newSim({ seed: 2 });
    a.runToEnd();
    b.runToEnd();
    expect(a.head().hash).not.toBe(b.head().hash);
    const child = await inChild(7);
    const local = await newSim({ scenario: queueScenario({ seed: 7 }), store: null });
    playScript(local);
    expect(child.head.hash).toBe(local.head().hash);
    expect(child.head.hash).not.toBe((await inChild(8)).head.hash);
  });

  it('adding a queue does not shift the random draws of the others (named streams)', async () => {
    const base = await newSim({ queues: [{ id: 'q1', rate_per_h: 50, service_s: 60, max_queue: 20 }] });
    const more = await newSim({
      queues: [
        { id: 'q1', rate_per_h: 50, service_s: 60, max_queue: 20 },
        { id: 'q9', rate_per_h: 70, service_s: 30, max_queue: 20 },
      ],
    });
    base.runToEnd();
    more.runToEnd();
    const q1 = async (sim: typeof base) =>
      (await ledgerOf(sim)).filter((r) => r.assetId === 'q1').map(({ seq: _seq, ...rest }) => rest);
    expect(await q1(more)).toEqual(await q1(base));
  });
});
