import { describe, expect, it } from 'vitest';
import { ManualClock, TwinError } from '../src/index.js';
import { newSim } from './fixtures/session-helpers.js';

/** Lets pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('pacing', () => {
  it('runs in step with the clock: factor 60 = one sim minute per wall second', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const sim = await newSim({ durationS: 3600 });
    const info = await sim.play({ factor: 60, clock });
    expect(info).toMatchObject({ reason: 'end', status: 'finished', now: 3600 });
    // 3600 sim seconds at 60x take 60 wall seconds on the clock (to within the last sleep).
    expect(clock.now()).toBeGreaterThanOrEqual(60_000);
    expect(clock.now()).toBeLessThan(60_000 + 200);
  });

  it('never processes an event before its wall time is due', async () => {
    const clock = new ManualClock();
    const sim = await newSim({ durationS: 3600 });
    const done = sim.play({ factor: 10, clock });
    for (let wall = 0; wall <= 400_000 && sim.status === 'running'; wall += 50) {
      await settle();
      expect(sim.now).toBeLessThanOrEqual((clock.now() / 1000) * 10 + 1e-9);
      clock.advance(50);
    }
    await settle();
    expect((await done).reason).toBe('end');
  });

  it('gives the same ledger as an unpaced run, at any speed', async () => {
    const reference = await newSim();
    reference.runToEnd();
    for (const factor of [30, 600, Infinity]) {
      const sim = await newSim();
      await sim.play({ factor, clock: new ManualClock({ autoAdvance: true }), sliceEvents: 97 });
      expect(sim.head()).toEqual(reference.head());
      expect(sim.telemetry()).toEqual(reference.telemetry());
    }
  });

  it('pauses on request, accepts interventions while playing, and resumes at another speed', async () => {
    const clock = new ManualClock();
    const sim = await newSim({ durationS: 3600 });
    const first = sim.play({ factor: 100, clock });
    clock.advance(5_000);
    await settle();
    expect(sim.status).toBe('running');
    expect(sim.now).toBeGreaterThan(0);
    const record = sim.intervene({ assetId: 'q1', action: 'set_rate', args: { rate_per_h: 0 }, origin: 'ui' });
    expect(record.status).toBe('CONFIRMED');
    expect(() => sim.step({ events: 1 })).toThrow(TwinError);
    await expect(sim.rewind(0)).rejects.toSatisfy(
      (e: unknown) => e instanceof TwinError && e.code === 'DOPPEL_ERR_SIMULATION_BUSY',
    );
    sim.pause();
    clock.advance(200);
    await settle();
    const paused = await first;
    expect(paused.reason).toBe('paused');
    expect(sim.status).toBe('paused');
    const resumed = sim.play({ factor: 100, clock: new ManualClock({ autoAdvance: true }) });
    sim.setSpeed(1000);
    expect((await resumed).reason).toBe('end');
    // The paced session gives the same run as an unpaced one with the same log.
    const replay = await newSim({ durationS: 3600, log: sim.interventionLog() });
    replay.runToEnd();
    expect(replay.head()).toEqual(sim.head());
  });

  it('stops at breakpoints and at `until`, and refuses bad factors', async () => {
    const sim = await newSim();
    sim.addBreakpoint("queue('q1').queue_length >= 3");
    const info = await sim.play({ clock: new ManualClock({ autoAdvance: true }) });
    expect(info.reason).toBe('breakpoint');
    const at = await sim.play({ until: sim.now + 1, clock: new ManualClock({ autoAdvance: true }) });
    expect(['until', 'breakpoint']).toContain(at.reason);
    await expect(sim.play({ factor: 0 })).rejects.toSatisfy(
      (e: unknown) => e instanceof TwinError && e.code === 'DOPPEL_ERR_INVALID_ARGUMENTS',
    );
  });

  it('yields to the event loop between slices at full speed', async () => {
    const sim = await newSim();
    let ticks = 0;
    const clock = new ManualClock({ autoAdvance: true });
    const sleep = clock.sleep.bind(clock);
    clock.sleep = (ms: number) => {
      ticks++;
      return sleep(ms);
    };
    await sim.play({ clock, sliceEvents: 100 });
    expect(ticks).toBeGreaterThan(sim.eventsProcessed / 100 - 2);
  });

  it('keeps the speed set between paced runs', async () => {
    const sim = await newSim({ durationS: 600 });
    sim.setSpeed(60);
    const clock = new ManualClock({ autoAdvance: true });
    await sim.play({ clock });
    expect(clock.now()).toBeGreaterThanOrEqual(10_000);
    expect(clock.now()).toBeLessThan(10_200);
    expect(() => sim.setSpeed(-1)).toThrow(TwinError);
  });

  it('rejects with DOPPEL_ERR_SIMULATION_FAILED when the model fails during a paced run', async () => {
    const sim = await newSim({ interventions: [{ at: 100, assetId: 'q1', action: 'explode', args: {} }] });
    await expect(sim.play({ clock: new ManualClock({ autoAdvance: true }) })).rejects.toSatisfy(
      (e: unknown) => e instanceof TwinError && e.code === 'DOPPEL_ERR_SIMULATION_FAILED',
    );
    expect(sim.status).toBe('failed');
    expect(sim.playing).toBe(false);
    expect(sim.now).toBe(100);
  });
});
