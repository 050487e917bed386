import { describe, expect, it } from 'vitest';
import { DEBUG_ACKNOWLEDGED, DEBUG_PAUSED, type ResolvedScenario } from '../src/index.js';
import { queueScenario } from './fixtures/queue-pack.js';
import { ledgerOf, newSim } from './fixtures/session-helpers.js';

const CHUNK = 900;
const debugScenario = (): ResolvedScenario => ({ ...queueScenario(), debugChunkS: CHUNK });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'did not throw';
}

describe('debug mode', () => {
  it('pauses after each chunk until acknowledged, and the ledger records pauses and acknowledgements', async () => {
    const sim = await newSim({ simId: 'dbg', scenario: debugScenario() });
    expect(sim.debug).toEqual({ chunkS: CHUNK, awaitingAck: false, pausedAt: null });

    const first = sim.runUntil(3600);
    expect(first).toMatchObject({ reason: 'debug', status: 'paused', now: CHUNK });
    expect(sim.debug).toEqual({ chunkS: CHUNK, awaitingAck: true, pausedAt: CHUNK });
    expect(codeOf(() => sim.runUntil(3600))).toBe('DOPPEL_ERR_AWAITING_ACK');
    expect(codeOf(() => sim.step({ events: 1 }))).toBe('DOPPEL_ERR_AWAITING_ACK');

    sim.acknowledge('ui');
    expect(sim.debug?.awaitingAck).toBe(false);
    expect(codeOf(() => sim.acknowledge())).toBe('DOPPEL_ERR_INVALID_STATE');
    expect(sim.runUntil(3600)).toMatchObject({ reason: 'debug', now: 2 * CHUNK });

    const ledger = await ledgerOf(sim);
    const debugRecords = ledger.filter((r) => r.assetId === 'simulation');
    expect(debugRecords.map((r) => [r.eventType, r.simTime, r.origin, r.meta])).toEqual([
      [DEBUG_PAUSED, 900, 'sim', { chunk_s: 900 }],
      [DEBUG_ACKNOWLEDGED, 900, 'intervention', { by: 'ui' }],
      [DEBUG_PAUSED, 1800, 'sim', { chunk_s: 900 }],
    ]);
    // The state changes of a chunk come before its pause, the next chunk's after the acknowledgement.
    const pausedSeq = debugRecords[0].seq;
    expect(ledger.filter((r) => r.seq < pausedSeq).every((r) => r.simTime <= 900)).toBe(true);
    expect(ledger.filter((r) => r.seq > pausedSeq).every((r) => r.simTime >= 900)).toBe(true);
    expect(ledger.filter((r) => r.simTime > 900 && r.simTime < 1800).length).toBeGreaterThan(0);
  });

  it('a paced run pauses at the chunk boundary too', async () => {
    const sim = await newSim({ simId: 'dbg-play', scenario: debugScenario() });
    const stop = await sim.play({ until: 3600 });
    expect(stop).toMatchObject({ reason: 'debug', now: CHUNK });
    expect(sim.debug?.awaitingAck).toBe(true);
  });

  it('the same scenario, seed and log give a bit-identical ledger, pauses included', async () => {
    const a = await newSim({ simId: 'a', scenario: debugScenario() });
    a.runUntil(4000);
    a.acknowledge();
    a.runUntil(4000);
    a.acknowledge();
    a.runUntil(4000); // pauses at 2700
    const b = await newSim({ simId: 'b', scenario: debugScenario(), log: a.interventionLog() });
    // The re-run passes the acknowledged pauses and stops at the one still waiting, without logging it twice.
    expect(b.runUntil(4000)).toMatchObject({ reason: 'debug', now: 2700 });
    expect(b.head()).toEqual(a.head());
    expect(b.interventionLog()).toEqual(a.interventionLog());
    expect(b.debug?.awaitingAck).toBe(true);
  });

  it('rewind keeps the pauses up to t and recomputes whether one waits', async () => {
    const sim = await newSim({ simId: 'rw', scenario: debugScenario() });
    sim.runUntil(4000);
    sim.acknowledge();
    sim.runUntil(4000); // paused at 1800
    const before = await ledgerOf(sim);
    await sim.rewind(1000);
    expect(sim.debug).toEqual({ chunkS: CHUNK, awaitingAck: false, pausedAt: null });
    expect(await ledgerOf(sim)).toEqual(before.filter((r) => r.simTime <= 1000));
    expect(sim.runUntil(4000)).toMatchObject({ reason: 'debug', now: 1800 });
    expect(await ledgerOf(sim)).toEqual(before);
  });

  it('can be turned on and off for a run, and is off by default', async () => {
    const sim = await newSim({ simId: 'toggle' });
    expect(sim.debug).toBeNull();
    sim.setDebugMode(600);
    expect(sim.runUntil(3600)).toMatchObject({ reason: 'debug', now: 600 });
    sim.acknowledge();
    sim.setDebugMode(null);
    expect(sim.runUntil(3600)).toMatchObject({ reason: 'until', now: 3600 });
    expect(codeOf(() => sim.setDebugMode(0))).toBe('DOPPEL_ERR_INVALID_ARGUMENTS');
  });
});
