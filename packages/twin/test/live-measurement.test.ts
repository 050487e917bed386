import { describe, expect, it } from 'vitest';
import { TwinError } from '../src/index.js';
import { ledgerOf, newSim } from './fixtures/session-helpers.js';

const measure = (state: Record<string, unknown>, at?: number) => ({
  assetId: 'q1',
  action: 'live_measurement',
  args: { state } as never,
  origin: 'live' as const,
  ...(at !== undefined ? { at } : {}),
});

describe('live measurements', () => {
  it('set state fields with ledger origin live, recording the drift from the twin', async () => {
    const sim = await newSim();
    sim.runUntil(600);
    const before = sim.asset('q1').state.rate_per_h as number;
    const record = sim.intervene(measure({ rate_per_h: before + 5, online: true }));
    expect(record).toMatchObject({ status: 'CONFIRMED', origin: 'live', action: 'live_measurement' });
    expect(sim.asset('q1').state.rate_per_h).toBe(before + 5);
    const live = (await ledgerOf(sim)).filter((event) => event.eventType === 'LIVE_MEASUREMENT');
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ origin: 'live', assetId: 'q1', meta: { drift: { rate_per_h: 5 } } });
  });

  it('refuses unknown fields and values the state schema does not take, and logs nothing then', async () => {
    const sim = await newSim();
    sim.runUntil(10);
    for (const state of [{ colour: 'red' }, { rate_per_h: -1 }, { busy: 'yes' }]) {
      const error = (() => {
        try {
          sim.intervene(measure(state));
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect((error as TwinError).code).toBe('DOPPEL_ERR_INVALID_ARGUMENTS');
    }
    expect(sim.interventionLog()).toEqual([]);
  });

  it('are replayed from the log: the same measurements give the same ledger', async () => {
    const first = await newSim({ seed: 3 });
    first.runUntil(300);
    first.intervene(measure({ rate_per_h: 40 }));
    first.runUntil(900);
    first.intervene(measure({ rate_per_h: 2 }));
    first.runUntil(1800);
    const replay = await newSim({ seed: 3, log: first.interventionLog() });
    replay.runUntil(1800);
    const strip = (events: Awaited<ReturnType<typeof ledgerOf>>) => JSON.stringify(events);
    expect(strip(await ledgerOf(replay))).toBe(strip(await ledgerOf(first)));
  });
});
