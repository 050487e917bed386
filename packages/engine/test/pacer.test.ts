import { describe, expect, it } from 'vitest';
import { Pacer, type Clock } from '../src/index.js';
import { codeOf, makeEnv } from './helpers.js';

/** A wall clock that only moves when slept on; `onSleep` lets a test act "while" the pacer sleeps. */
class FakeClock implements Clock {
  t = 0;
  sleeps: number[] = [];
  onSleep: ((clock: FakeClock) => void) | null = null;

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
    this.onSleep?.(this);
    return Promise.resolve();
  }
}

function ticker(env: ReturnType<typeof makeEnv>, clock: FakeClock, every: number, log: [number, number][]): void {
  env.process(function* () {
    for (;;) {
      yield env.timeout(every);
      log.push([env.now, clock.now()]);
    }
  });
}

describe('Pacer', () => {
  it('processes each event no earlier than its wall time (sim = factor x wall)', async () => {
    const env = makeEnv();
    const clock = new FakeClock();
    const log: [number, number][] = [];
    ticker(env, clock, 60, log);
    const pacer = new Pacer(env, clock, { factor: 60, maxSleepMs: 250 });
    expect(await pacer.runUntil(600)).toBe('until');
    expect(env.now).toBe(600);
    expect(log.map(([sim]) => sim)).toEqual([60, 120, 180, 240, 300, 360, 420, 480, 540]);
    for (const [sim, wall] of log) {
      expect(wall).toBeGreaterThanOrEqual((sim / 60) * 1000);
      expect(wall).toBeLessThanOrEqual((sim / 60) * 1000 + 1);
    }
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(250);
    expect(clock.now()).toBeGreaterThanOrEqual(10_000);
  });

  it('factor Infinity runs as fast as possible, in slices', async () => {
    const env = makeEnv();
    const clock = new FakeClock();
    const log: [number, number][] = [];
    ticker(env, clock, 1, log);
    const pacer = new Pacer(env, clock, { factor: Infinity, sliceEvents: 100 });
    expect(await pacer.runUntil(1000)).toBe('until');
    expect(log.length).toBe(999);
    expect(clock.now()).toBe(0);
    expect(clock.sleeps.length).toBeGreaterThanOrEqual(9);
  });

  it('pause stops sim time until resume, and resume does not jump', async () => {
    const env = makeEnv();
    const clock = new FakeClock();
    const log: [number, number][] = [];
    ticker(env, clock, 10, log);
    const pacer = new Pacer(env, clock, { factor: 10, maxSleepMs: 100 });
    let pausedAt = -1;
    clock.onSleep = (c) => {
      if (pausedAt < 0 && c.now() >= 2000) {
        pacer.pause();
        pausedAt = c.now();
        // Wall time passes while paused; the pacer resumes 5 s later.
        queueMicrotask(() => {
          c.t += 5000;
          pacer.resume();
        });
      }
    };
    expect(await pacer.runUntil(50)).toBe('until');
    expect(pausedAt).toBeGreaterThanOrEqual(2000);
    const afterPause = log.filter(([sim]) => sim > 20);
    // The first event after the pause is due 1 s (10 sim units) of unpaused wall time later, not at once.
    for (const [sim, wall] of afterPause)
      expect(wall).toBeGreaterThanOrEqual(((sim - 20) / 10) * 1000 + pausedAt + 5000 - 100);
    expect(log.map(([sim]) => sim)).toEqual([10, 20, 30, 40]);
  });

  it('setFactor changes speed from the current point', async () => {
    const env = makeEnv();
    const clock = new FakeClock();
    const log: [number, number][] = [];
    ticker(env, clock, 10, log);
    const pacer = new Pacer(env, clock, { factor: 10 });
    clock.onSleep = (c) => {
      if (env.now >= 20 && pacer.factor === 10) pacer.setFactor(100);
      void c;
    };
    await pacer.runUntil(100);
    const wallAt = new Map(log);
    // 0..20 at factor 10 takes 2 s; 20..90 at factor 100 takes 0.7 s more.
    expect(wallAt.get(20)).toBeGreaterThanOrEqual(2000);
    expect(wallAt.get(90)!).toBeLessThanOrEqual(2000 + 700 + 150);
  });

  it('stops at a breakpoint', async () => {
    const env = makeEnv();
    const clock = new FakeClock();
    const log: [number, number][] = [];
    ticker(env, clock, 5, log);
    const pacer = new Pacer(env, clock, { factor: 50 });
    expect(await pacer.runUntil(100, { stopWhen: () => env.now >= 35 })).toBe('stopWhen');
    expect(env.now).toBe(35);
  });

  it('stopWhen is also checked while no event is due (a stop request from outside)', async () => {
    const env = makeEnv();
    const clock = new FakeClock();
    const pacer = new Pacer(env, clock, { factor: 1, maxSleepMs: 50 });
    let stopRequested = false;
    clock.onSleep = (c) => {
      if (c.now() >= 1000) stopRequested = true;
    };
    expect(await pacer.runUntil(Infinity, { stopWhen: () => stopRequested })).toBe('stopWhen');
    expect(env.now).toBeGreaterThanOrEqual(1);
    expect(env.now).toBeLessThan(1.2);
  });

  it('an endless run at factor Infinity ends when the schedule is empty', async () => {
    const env = makeEnv();
    env.timeout(5);
    const pacer = new Pacer(env, new FakeClock(), { factor: Infinity });
    expect(await pacer.runUntil(Infinity)).toBe('empty');
    expect(env.now).toBe(5);
  });

  it('rejects concurrent runs, bad factors and a target in the past', async () => {
    const env = makeEnv(10);
    const clock = new FakeClock();
    expect(codeOf(() => new Pacer(env, clock, { factor: 0 }))).toBe('DOPPEL_ERR_INVALID_OPTION');
    const pacer = new Pacer(env, clock, { factor: 1 });
    await expect(pacer.runUntil(5)).rejects.toMatchObject({ code: 'DOPPEL_ERR_UNTIL_IN_PAST' });
    const first = pacer.runUntil(12);
    await expect(pacer.runUntil(20)).rejects.toMatchObject({ code: 'DOPPEL_ERR_PACER_BUSY' });
    expect(await first).toBe('until');
    expect(env.now).toBe(12);
  });
});
