import { describe, expect, it } from 'vitest';
import { MemoryLedgerStore, TwinError } from '../src/index.js';
import { playScript } from './fixtures/scripts.js';
import { ledgerOf, newSim } from './fixtures/session-helpers.js';

describe('branch', () => {
  it('shares the prefix, applies its changes at t, and equals a fresh simulation with the same log', async () => {
    const store = new MemoryLedgerStore();
    const parent = await newSim({ store, simId: 'parent' });
    playScript(parent);
    const parentHead = parent.head();
    const parentLedger = await ledgerOf(parent);

    const t = 3000;
    const child = await parent.branch(
      t,
      [{ assetId: 'q1', action: 'outage', args: { duration_seconds: 900 }, origin: 'ui' }],
      { simId: 'child', name: 'what if q1 fails' },
    );
    expect(child.id).toBe('child');
    expect(child.now).toBe(t);
    expect(child.status).toBe('paused');
    expect(child.asset('q1').state.online).toBe(false);
    // The parent is untouched.
    expect(parent.head()).toEqual(parentHead);
    expect(parent.now).toBe(parent.horizon);

    const record = await store.getSimulation('child');
    expect(record).toMatchObject({ parentSimId: 'parent', name: 'what if q1 fails' });
    const childLedger = await ledgerOf(child);
    const shared = parentLedger.filter((r) => r.simTime <= t);
    expect(record?.forkSeq).toBe(shared.length);
    expect(childLedger.slice(0, shared.length)).toEqual(shared);
    expect(childLedger[shared.length]).toMatchObject({
      simTime: t,
      eventType: 'OUTAGE_STARTED',
      origin: 'intervention',
    });

    const fresh = await newSim({ store, simId: 'fresh', log: child.interventionLog() });
    fresh.runUntil(t);
    expect(fresh.head()).toEqual(child.head());
    child.runToEnd();
    fresh.runToEnd();
    expect(child.head()).toEqual(fresh.head());
    expect(child.head()).not.toEqual(parentHead);
    expect(await ledgerOf(child)).toEqual(await ledgerOf(fresh));
    expect((await store.verify('child')).ok).toBe(true);
  });

  it('without changes, a branch continues exactly like its parent would have', async () => {
    const parent = await newSim({ simId: 'p' });
    parent.runUntil(5000);
    const child = await parent.branch(2000, [], { simId: 'c' });
    parent.runToEnd();
    child.runToEnd();
    expect(child.head()).toEqual(parent.head());
  });

  it('schedules future changes, keeps breakpoints, and gives default ids', async () => {
    const parent = await newSim({ simId: 'p2' });
    parent.addBreakpoint("queue('q1').queue_length > 15");
    parent.runUntil(1000);
    const child = await parent.branch(500, [
      { assetId: 'q2', action: 'set_rate', args: { rate_per_h: 0 }, at: 800, origin: 'api' },
    ]);
    expect(child.id).toBe('p2-b1');
    expect(child.breakpoints().map((b) => b.expression)).toEqual(["queue('q1').queue_length > 15"]);
    expect(child.interventions()).toMatchObject([{ status: 'PENDING', effectiveAt: 800 }]);
    child.runUntil(800);
    expect(child.asset('q2').state.rate_per_h).toBe(0);
    const second = await parent.branch(1000, []);
    expect(second.id).toBe('p2-b2');
  });

  it('rejects an invalid change and a time after now', async () => {
    const parent = await newSim({ simId: 'p3' });
    parent.runUntil(1000);
    await expect(parent.branch(2000, [])).rejects.toSatisfy(
      (e: unknown) => e instanceof TwinError && e.code === 'DOPPEL_ERR_TIME_OUT_OF_RANGE',
    );
    await expect(
      parent.branch(500, [{ assetId: 'q1', action: 'nope', origin: 'api' }], { simId: 'p3-bad' }),
    ).rejects.toSatisfy((e: unknown) => e instanceof TwinError && e.code === 'DOPPEL_ERR_UNKNOWN_ACTION');
  });
});
