import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { MemoryLedgerStore, TwinError, type InterventionRecord } from '../src/index.js';
import { queuePack } from './fixtures/queue-pack.js';
import { ledgerOf, newSim } from './fixtures/session-helpers.js';

/** The pack's argument schema of an action of the test queue. */
function argsSchemaOf(action: string): { safeParse: (value: unknown) => unknown } {
  const definition = queuePack.assetKinds[0].interventions.find((candidate) => candidate.name === action);
  if (definition === undefined) throw new Error(`no action ${action}`);
  return definition.args as unknown as { safeParse: (value: unknown) => unknown };
}

afterEach(() => {
  vi.restoreAllMocks();
});

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return error instanceof TwinError ? error.code : `not a TwinError: ${String(error)}`;
  }
  return undefined;
}

describe('interventions', () => {
  it('validates asset, action, arguments (strict) and time', async () => {
    const sim = await newSim();
    sim.runUntil(600);
    const base = { assetId: 'q1', action: 'set_rate', args: { rate_per_h: 10 }, origin: 'api' as const };
    expect(await codeOf(() => sim.intervene({ ...base, assetId: 'q9' }))).toBe('DOPPEL_ERR_UNKNOWN_ASSET');
    expect(await codeOf(() => sim.intervene({ ...base, action: 'fly' }))).toBe('DOPPEL_ERR_UNKNOWN_ACTION');
    expect(await codeOf(() => sim.intervene({ ...base, args: { rate_per_h: -1 } }))).toBe(
      'DOPPEL_ERR_INVALID_ARGUMENTS',
    );
    expect(await codeOf(() => sim.intervene({ ...base, args: { rate_per_h: 1, extra: true } }))).toBe(
      'DOPPEL_ERR_INVALID_ARGUMENTS',
    );
    // The pack wrote z.object({}) for explode: the core still refuses unknown fields.
    expect(await codeOf(() => sim.intervene({ ...base, action: 'explode', args: { x: 1 } }))).toBe(
      'DOPPEL_ERR_INVALID_ARGUMENTS',
    );
    expect(await codeOf(() => sim.intervene({ ...base, at: 599 }))).toBe('DOPPEL_ERR_INTERVENTION_IN_PAST');
    expect(await codeOf(() => sim.intervene({ ...base, at: 1e9 }))).toBe('DOPPEL_ERR_TIME_OUT_OF_RANGE');
    expect(sim.interventionLog()).toEqual([]);
  });

  it("parses a request's arguments once, from the request to the pack's apply", async () => {
    const sim = await newSim();
    sim.runUntil(600);
    const parses = vi.spyOn(argsSchemaOf('set_rate'), 'safeParse');
    sim.intervene({ assetId: 'q1', action: 'set_rate', args: { rate_per_h: 7 }, origin: 'api' });
    expect(sim.asset('q1').state.rate_per_h).toBe(7);
    expect(parses).toHaveBeenCalledTimes(1);
    const future = sim.intervene({
      assetId: 'q2',
      action: 'set_rate',
      args: { rate_per_h: 3 },
      at: 900,
      origin: 'api',
    });
    expect(future.status).toBe('PENDING');
    sim.runUntil(1000);
    expect(sim.intervention(future.id).status).toBe('CONFIRMED');
    expect(sim.asset('q2').state.rate_per_h).toBe(3);
    expect(parses).toHaveBeenCalledTimes(2);
    // A log read back (here: the re-execution of a rewind) is input again: each entry is checked once more.
    await sim.rewind(800);
    expect(parses).toHaveBeenCalledTimes(4);
  });

  it('applies an intervention requested now at once, with origin intervention in the ledger', async () => {
    const sim = await newSim();
    sim.runUntil(600);
    const before = sim.eventsProcessed;
    const record = sim.intervene({ assetId: 'q1', action: 'set_rate', args: { rate_per_h: 5 }, origin: 'ui' });
    expect(record).toMatchObject({ id: 'iv-1', status: 'CONFIRMED', effectiveAt: 600, kind: 'queue', origin: 'ui' });
    expect(sim.asset('q1').state.rate_per_h).toBe(5);
    expect(sim.now).toBe(600);
    expect(sim.eventsProcessed).toBe(before + 1);
    const last = (await ledgerOf(sim)).at(-1);
    expect(last).toMatchObject({
      simTime: 600,
      assetId: 'q1',
      eventType: 'RATE_CHANGED',
      oldValue: { rate_per_h: 50 },
      newValue: { rate_per_h: 5 },
      origin: 'intervention',
    });
    expect(sim.interventionLog()).toEqual([
      {
        id: 'iv-1',
        op: 'apply',
        assetId: 'q1',
        action: 'set_rate',
        args: { rate_per_h: 5 },
        effectiveAt: 600,
        submittedAtEvent: before,
        submittedAt: 600,
        origin: 'ui',
      },
    ]);
  });

  it('runs a future intervention before the model events of its instant, and ends a timed effect by itself', async () => {
    const sim = await newSim();
    const updates: InterventionRecord[] = [];
    sim.on('intervention', (record) => updates.push(record));
    const outage = sim.intervene({
      assetId: 'q2',
      action: 'outage',
      args: { duration_seconds: 1200 },
      at: 1000,
      origin: 'api',
    });
    expect(outage.status).toBe('PENDING');
    sim.runUntil(999.5);
    expect(sim.intervention('iv-1').status).toBe('PENDING');
    sim.runUntil(1000);
    expect(sim.intervention('iv-1')).toMatchObject({
      status: 'CONFIRMED',
      endsAt: 2200,
      ended: false,
      note: 'offline for 1200 s',
    });
    expect(sim.asset('q2').state.online).toBe(false);
    sim.runUntil(2200);
    expect(sim.intervention('iv-1').ended).toBe(true);
    expect(sim.asset('q2').state.online).toBe(true);
    const records = await ledgerOf(sim);
    const at1000 = records.filter((r) => r.simTime === 1000);
    expect(at1000[0]).toMatchObject({ eventType: 'OUTAGE_STARTED', origin: 'intervention' });
    expect(records.find((r) => r.eventType === 'OUTAGE_ENDED')).toMatchObject({
      simTime: 2200,
      origin: 'intervention',
    });
    expect(updates.map((u) => `${u.status}${u.ended ? '/ended' : ''}`)).toEqual([
      'PENDING',
      'CONFIRMED',
      'CONFIRMED/ended',
    ]);
  });

  it('applies interventions at the same instant in log order', async () => {
    const sim = await newSim();
    sim.intervene({ assetId: 'q1', action: 'set_rate', args: { rate_per_h: 7 }, at: 500, origin: 'api' });
    sim.intervene({ assetId: 'q1', action: 'set_rate', args: { rate_per_h: 9 }, at: 500, origin: 'api' });
    sim.runUntil(500);
    expect(sim.asset('q1').state.rate_per_h).toBe(9);
    const changes = (await ledgerOf(sim)).filter((r) => r.eventType === 'RATE_CHANGED');
    expect(changes.map((r) => r.newValue)).toEqual([{ rate_per_h: 7 }, { rate_per_h: 9 }]);
  });

  it('fails an intervention the handler rejects, with its reason', async () => {
    const sim = await newSim();
    sim.runUntil(100);
    sim.intervene({ assetId: 'q1', action: 'outage', args: { duration_seconds: 600 }, origin: 'api' });
    const second = sim.intervene({ assetId: 'q1', action: 'outage', args: { duration_seconds: 600 }, origin: 'api' });
    expect(second).toMatchObject({ status: 'FAILED', reason: 'queue q1 is already offline' });
    expect(sim.status).toBe('paused');
  });

  it('cancels pending interventions only', async () => {
    const sim = await newSim();
    sim.intervene({ assetId: 'q1', action: 'set_rate', args: { rate_per_h: 1 }, at: 900, origin: 'api' });
    sim.runUntil(300);
    const cancelled = sim.cancelIntervention('iv-1');
    expect(cancelled.status).toBe('CANCELLED');
    sim.runUntil(1000);
    expect(sim.asset('q1').state.rate_per_h).toBe(50);
    expect(sim.interventionLog().map((e) => [e.id, e.op, e.targetId])).toEqual([
      ['iv-1', 'apply', undefined],
      ['iv-2', 'cancel', 'iv-1'],
    ]);
    expect(sim.interventionLogLength).toBe(2);
    expect(sim.interventionLogFrom(1)).toEqual(sim.interventionLog().slice(1));
    expect(await codeOf(() => sim.cancelIntervention('iv-1'))).toBe('DOPPEL_ERR_INVALID_STATE');
    expect(await codeOf(() => sim.cancelIntervention('iv-77'))).toBe('DOPPEL_ERR_UNKNOWN_INTERVENTION');
    sim.intervene({ assetId: 'q1', action: 'set_rate', args: { rate_per_h: 3 }, origin: 'api' });
    expect(await codeOf(() => sim.cancelIntervention('iv-3'))).toBe('DOPPEL_ERR_INVALID_STATE');
  });

  it('fails the simulation clearly when a handler throws anything else', async () => {
    const sim = await newSim();
    sim.runUntil(100 + 1 / 3);
    expect(await codeOf(() => sim.intervene({ assetId: 'q1', action: 'explode', origin: 'test' }))).toBe(
      'DOPPEL_ERR_SIMULATION_FAILED',
    );
    expect(sim.status).toBe('failed');
    expect(sim.error?.message).toContain('boom');
    expect(sim.error?.message).toContain('threw at 100.333 s');
    expect(await codeOf(() => sim.runUntil(200))).toBe('DOPPEL_ERR_SIMULATION_FAILED');
  });

  it('logs the scenario schedule at t=0 with origin schedule, in file order', async () => {
    const sim = await newSim({
      interventions: [
        { at: 1800, assetId: 'q1', action: 'outage', args: { duration_seconds: 300 } },
        { at: 600, assetId: 'q2', action: 'set_rate', args: { rate_per_h: 0 } },
      ],
    });
    expect(sim.interventionLog().map((e) => [e.id, e.origin, e.submittedAtEvent, e.effectiveAt])).toEqual([
      ['iv-1', 'schedule', 0, 1800],
      ['iv-2', 'schedule', 0, 600],
    ]);
    sim.runUntil(2000);
    expect(sim.interventions().map((r) => r.status)).toEqual(['CONFIRMED', 'CONFIRMED']);
    expect(sim.asset('q2').state.rate_per_h).toBe(0);
    const next = sim.intervene({ assetId: 'q2', action: 'set_rate', args: { rate_per_h: 3 }, origin: 'api' });
    expect(next.id).toBe('iv-3');
  });

  it('keeps log order when intervening where a replayed log has entries due (stopped by a breakpoint)', async () => {
    const condition = "queue('q1').queue_length >= 3";
    const a = await newSim({ simId: 'a' });
    a.addBreakpoint(condition);
    expect(a.runToEnd().reason).toBe('breakpoint');
    a.intervene({ assetId: 'q1', action: 'set_rate', args: { rate_per_h: 7 }, origin: 'api' });
    const b = await newSim({ simId: 'b', log: a.interventionLog() });
    b.addBreakpoint(condition);
    expect(b.runToEnd().reason).toBe('breakpoint');
    expect(b.eventsProcessed).toBe(a.interventionLog()[0].submittedAtEvent);
    b.intervene({ assetId: 'q1', action: 'set_rate', args: { rate_per_h: 9 }, origin: 'api' });
    expect(b.asset('q1').state.rate_per_h).toBe(9);
    expect(b.interventionLog().map((e) => e.args)).toEqual([{ rate_per_h: 7 }, { rate_per_h: 9 }]);
    const c = await newSim({ simId: 'c', log: b.interventionLog() });
    b.runToEnd();
    while (b.status === 'breakpoint') b.runToEnd();
    c.runToEnd();
    expect(c.head()).toEqual(b.head());
  });

  it('lands at exactly its effective time and before the URGENT process starts of that instant', async () => {
    const sim = await newSim();
    sim.intervene({ assetId: 'q2', action: 'set_rate', args: { rate_per_h: 1 }, at: 0, origin: 'api' });
    sim.runUntil(0.1);
    // 0.1 + (0.3 - 0.1) is 0.30000000000000004 in floating point: the intervention is scheduled at an absolute time.
    sim.intervene({ assetId: 'q1', action: 'set_rate', args: { rate_per_h: 2 }, at: 0.3, origin: 'api' });
    sim.runUntil(1);
    const records = await ledgerOf(sim);
    const changes = records.filter((r) => r.eventType === 'RATE_CHANGED');
    expect(changes.map((r) => r.simTime)).toEqual([0, 0.3]);
    // At t=0 the intervention ran before the URGENT process starts: q2's arrival process drew its first gap with
    // the new rate, exactly as in a run configured with that rate from the start.
    const configured = await newSim({
      queues: [
        { id: 'q1', rate_per_h: 50, service_s: 60, max_queue: 20 },
        { id: 'q2', rate_per_h: 1, service_s: 90, max_queue: 20 },
      ],
    });
    configured.runUntil(1);
    sim.runUntil(4 * 3600);
    configured.runUntil(4 * 3600);
    const arrivals = async (s: typeof sim) =>
      (await ledgerOf(s)).filter((r) => r.assetId === 'q2' && r.eventType === 'QUEUE_INCREMENT').map((r) => r.simTime);
    expect((await arrivals(sim)).length).toBeGreaterThan(0);
    expect(await arrivals(sim)).toEqual(await arrivals(configured));
  });

  it('refuses a scenario schedule that names an unknown asset or action when the simulation is created', async () => {
    await expect(
      newSim({ interventions: [{ at: 10, assetId: 'q9', action: 'set_rate', args: { rate_per_h: 1 } }] }),
    ).rejects.toSatisfy((e: unknown) => e instanceof TwinError && e.code === 'DOPPEL_ERR_UNKNOWN_ASSET');
    const store = new MemoryLedgerStore();
    await expect(
      newSim({ store, simId: 'bad', interventions: [{ at: 10, assetId: 'q1', action: 'fly', args: {} }] }),
    ).rejects.toSatisfy((e: unknown) => e instanceof TwinError && e.code === 'DOPPEL_ERR_UNKNOWN_ACTION');
    expect(await store.listSimulations()).toEqual([]);
  });
});

describe('unknown actions', () => {
  it('suggest the nearest action the asset kind declares', async () => {
    const sim = await newSim();
    let caught: unknown;
    try {
      sim.intervene({ assetId: 'q1', action: 'set_rat', args: { rate_per_h: 10 }, origin: 'api' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TwinError);
    expect((caught as TwinError).details).toMatchObject({ suggestion: 'set_rate', field: 'action' });
    expect((caught as TwinError).message).toContain('did you mean "set_rate"?');
  });
});

describe('many interventions in one synchronous loop', () => {
  it('hand every record to subscribers at once and store them all', async () => {
    const sim = await newSim();
    sim.runUntil(600);
    const seen: number[] = [];
    sim.subscribe((records) => {
      for (const record of records) seen.push(record.seq);
    });
    const before = sim.head().seq;
    for (let i = 0; i < 3000; i++) {
      sim.intervene({ assetId: 'q1', action: 'set_rate', args: { rate_per_h: 10 + (i % 7) }, origin: 'api' });
    }
    // Published synchronously, without awaiting the store.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toBe(sim.head().seq);
    const ledger = await ledgerOf(sim);
    expect(ledger.length).toBe(sim.head().seq);
    expect(ledger.filter((record) => record.seq > before && record.origin === 'intervention').length).toBeGreaterThan(
      0,
    );
    expect(sim.interventions().filter((record) => record.status === 'CONFIRMED')).toHaveLength(3000);
  });

  it('journals each entry before it takes effect: a journal that refuses it leaves no trace', async () => {
    const journaled: string[] = [];
    let full = false;
    const sim = await newSim({
      journal: (entries) => {
        if (full) throw new Error('disk full');
        journaled.push(...entries.map((entry) => entry.id));
      },
    });
    sim.runUntil(600);
    const request = { assetId: 'q1', action: 'set_rate', args: { rate_per_h: 5 }, origin: 'api' as const };
    full = true;
    const head = sim.head();
    const events = sim.eventsProcessed;
    expect(() => sim.intervene(request)).toThrow('disk full');
    expect(sim.asset('q1').state.rate_per_h).toBe(50);
    expect(sim.interventionLog()).toEqual([]);
    expect(sim.interventions()).toEqual([]);
    expect(sim.head()).toEqual(head);
    expect(sim.eventsProcessed).toBe(events);
    full = false;
    // The refused request took no id: the next one is iv-1, as in a simulation that never saw it.
    expect(sim.intervene(request)).toMatchObject({ id: 'iv-1', status: 'CONFIRMED' });
    const pending = sim.intervene({ ...request, at: 900 });
    full = true;
    expect(() => sim.cancelIntervention(pending.id)).toThrow('disk full');
    expect(sim.intervention(pending.id).status).toBe('PENDING');
    expect(journaled).toEqual(['iv-1', 'iv-2']);
    expect(sim.interventionLog().map((entry) => entry.id)).toEqual(journaled);
  });
});

describe('interventions made together (interveneAll)', () => {
  const rate = (rate_per_h: number, at?: number) => ({
    assetId: 'q1',
    action: 'set_rate',
    args: { rate_per_h },
    origin: 'api' as const,
    ...(at === undefined ? {} : { at }),
  });

  it('refuses an invalid request alone, journals the valid ones in one call, then applies them in order', async () => {
    const calls: string[][] = [];
    const sim = await newSim({ journal: (entries) => calls.push(entries.map((entry) => entry.id)) });
    sim.runUntil(600);
    const outcomes = sim.interveneAll([
      rate(5),
      { ...rate(1), assetId: 'q9' },
      { assetId: 'q2', action: 'outage', args: { duration_seconds: 60 }, origin: 'api' },
      rate(7),
    ]);
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.record.id : (outcome.error as TwinError).code))).toEqual([
      'iv-1',
      'DOPPEL_ERR_UNKNOWN_ASSET',
      'iv-2',
      'iv-3',
    ]);
    expect(calls).toEqual([['iv-1', 'iv-2', 'iv-3']]);
    expect(sim.asset('q1').state.rate_per_h).toBe(7);
    expect(sim.asset('q2').state.online).toBe(false);
    expect(sim.interventions().map((record) => record.status)).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED']);
  });

  it('changes nothing when the journal refuses the burst', async () => {
    const sim = await newSim({
      journal: () => {
        throw new Error('disk full');
      },
    });
    sim.runUntil(600);
    const head = sim.head();
    const events = sim.eventsProcessed;
    expect(() => sim.interveneAll([rate(5), rate(6, 900)])).toThrow('disk full');
    expect(sim.asset('q1').state.rate_per_h).toBe(50);
    expect(sim.interventionLog()).toEqual([]);
    expect(sim.interventions()).toEqual([]);
    expect(sim.head()).toEqual(head);
    expect(sim.eventsProcessed).toBe(events);
  });

  it('gives the ledger a re-execution of its log gives, whatever the bursts', async () => {
    const request = fc.oneof(
      fc.record({ rate: fc.integer({ min: 0, max: 200 }), later: fc.option(fc.integer({ min: 1, max: 900 })) }),
      fc.record({ outage: fc.integer({ min: 1, max: 1200 }), queue: fc.constantFrom('q1', 'q2') }),
      fc.constant({ invalid: true }),
    );
    const toRequest = (made: typeof request extends fc.Arbitrary<infer T> ? T : never, now: number) => {
      if ('invalid' in made) return { ...rate(-1) };
      if ('outage' in made) {
        const outage = { duration_seconds: made.outage };
        return { assetId: made.queue, action: 'outage', args: outage, origin: 'api' as const };
      }
      return rate(made.rate, made.later === null ? undefined : now + made.later);
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 7200 }), burst: fc.array(request, { maxLength: 6 }) }), {
          maxLength: 6,
        }),
        async (bursts) => {
          const live = await newSim({ simId: 'live' });
          for (const { at, burst } of [...bursts].sort((a, b) => a.at - b.at)) {
            if (at > live.now) live.runUntil(at);
            live.interveneAll(burst.map((made) => toRequest(made, live.now)));
          }
          live.runToEnd();
          const again = await newSim({ simId: 'again', log: live.interventionLog() });
          again.runToEnd();
          expect(again.head()).toEqual(live.head());
          expect(again.interventions()).toEqual(live.interventions());
        },
      ),
      { numRuns: 25 },
    );
  });
});
