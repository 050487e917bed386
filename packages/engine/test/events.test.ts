import { describe, expect, it } from 'vitest';
import { Event, NORMAL, Timeout, URGENT } from '../src/index.js';
import { codeOf, makeEnv } from './helpers.js';

describe('event lifecycle', () => {
  it('goes pending -> triggered -> processed and calls callbacks in order', () => {
    const env = makeEnv();
    const ev = env.event<string>();
    const seen: string[] = [];
    ev.callbacks!.push((e) => seen.push(`a:${String(e.value)}`));
    ev.callbacks!.push(() => seen.push('b'));
    expect(ev.triggered).toBe(false);
    expect(ev.processed).toBe(false);
    ev.succeed('x');
    expect(ev.triggered).toBe(true);
    expect(ev.processed).toBe(false);
    expect(ev.ok).toBe(true);
    expect(ev.value).toBe('x');
    env.run();
    expect(ev.processed).toBe(true);
    expect(ev.callbacks).toBeNull();
    expect(seen).toEqual(['a:x', 'b']);
  });

  it('refuses value and ok before the event is triggered', () => {
    const ev = makeEnv().event();
    expect(codeOf(() => ev.value)).toBe('DOPPEL_ERR_EVENT_NOT_TRIGGERED');
    expect(codeOf(() => ev.ok)).toBe('DOPPEL_ERR_EVENT_NOT_TRIGGERED');
  });

  it('refuses to be triggered twice', () => {
    const env = makeEnv();
    const ev = env.event().succeed(1);
    expect(codeOf(() => ev.succeed(2))).toBe('DOPPEL_ERR_EVENT_ALREADY_TRIGGERED');
    expect(codeOf(() => ev.fail(new Error('x')))).toBe('DOPPEL_ERR_EVENT_ALREADY_TRIGGERED');
    expect(codeOf(() => ev.trigger(env.event().succeed()))).toBe('DOPPEL_ERR_EVENT_ALREADY_TRIGGERED');
    expect(codeOf(() => env.timeout(1).succeed())).toBe('DOPPEL_ERR_EVENT_ALREADY_TRIGGERED');
  });

  it('only fails with an Error', () => {
    const ev = makeEnv().event();
    expect(codeOf(() => ev.fail('nope' as unknown as Error))).toBe('DOPPEL_ERR_EVENT_NOT_ERROR');
  });

  it('trigger copies the state of another event', () => {
    const env = makeEnv();
    const source = env.event<number>();
    const copy = env.event<number>();
    source.callbacks!.push((e) => copy.trigger(e));
    source.succeed(7);
    env.run();
    expect(copy.processed).toBe(true);
    expect(copy.value).toBe(7);

    const failing = env.event();
    const failCopy = env.event();
    failing.callbacks!.push((e) => failCopy.trigger(e));
    failing.defused = true;
    const boom = new Error('boom');
    failing.fail(boom);
    expect(() => env.run()).toThrow(boom);
    expect(failCopy.ok).toBe(false);
  });

  it('a timeout carries its delay and value', () => {
    const env = makeEnv(5);
    const t = env.timeout(2.5, 'v');
    expect(t).toBeInstanceOf(Timeout);
    expect(t.delay).toBe(2.5);
    expect(t.triggered).toBe(true);
    expect(env.peek()).toBe(7.5);
    env.run();
    expect(env.now).toBe(7.5);
    expect(t.value).toBe('v');
  });

  it('rejects negative, NaN and infinite delays', () => {
    const env = makeEnv();
    expect(codeOf(() => env.timeout(-1))).toBe('DOPPEL_ERR_INVALID_DELAY');
    expect(codeOf(() => env.timeout(Number.NaN))).toBe('DOPPEL_ERR_INVALID_DELAY');
    expect(codeOf(() => env.timeout(Infinity))).toBe('DOPPEL_ERR_INVALID_DELAY');
    expect(codeOf(() => env.schedule(env.event(), NORMAL, -0.5))).toBe('DOPPEL_ERR_INVALID_DELAY');
    expect(codeOf(() => env.schedule(env.event(), 3 as 0))).toBe('DOPPEL_ERR_INVALID_PRIORITY');
  });

  it('keeps callback order across the single-slot fast path and the callbacks array', () => {
    const env = makeEnv();
    const ev = env.event();
    const order: string[] = [];
    const first = (): void => {
      order.push('first');
    };
    env.process(function* () {
      yield ev;
      order.push('process');
    });
    env.step(); // the process starts and waits on ev
    ev.addCallback(first);
    ev.callbacks!.push(() => order.push('pushed'));
    ev.addCallback(() => order.push('added'));
    const removed = (): void => {
      order.push('removed');
    };
    ev.addCallback(removed);
    expect(ev.removeCallback(removed)).toBe(true);
    expect(ev.removeCallback(removed)).toBe(false);
    ev.succeed();
    env.run();
    expect(order).toEqual(['process', 'first', 'pushed', 'added']);
    expect(ev.callbacks).toBeNull();
    expect(codeOf(() => ev.addCallback(first))).toBe('DOPPEL_ERR_EVENT_ALREADY_PROCESSED');
  });

  it('is not a thenable', () => {
    const ev: Event = makeEnv().event();
    expect('then' in ev).toBe(false);
  });
});

describe('ordering of simultaneous events', () => {
  it('runs URGENT before NORMAL, and FIFO among equals', () => {
    const env = makeEnv();
    const order: string[] = [];
    const mk = (name: string, priority: 0 | 1, delay: number) => {
      const ev = env.event();
      ev.callbacks!.push(() => order.push(name));
      env.schedule(ev, priority, delay);
    };
    mk('n1', NORMAL, 1);
    mk('u1', URGENT, 1);
    mk('n2', NORMAL, 1);
    mk('early', NORMAL, 0.5);
    mk('u2', URGENT, 1);
    env.run();
    expect(order).toEqual(['early', 'u1', 'u2', 'n1', 'n2']);
  });

  it('timeouts with equal times fire in creation order', () => {
    const env = makeEnv();
    const order: number[] = [];
    for (let i = 0; i < 20; i++) env.timeout(3, i).callbacks!.push((e) => order.push(e.value as number));
    env.run();
    expect(order).toEqual([...Array(20).keys()]);
  });
});

describe('failures', () => {
  it('an unhandled failed event stops the run with its error', () => {
    const env = makeEnv();
    const boom = new Error('boom');
    env.event().fail(boom);
    const later = env.timeout(1);
    expect(() => env.run()).toThrow(boom);
    expect(later.processed).toBe(false);
  });

  it('a defused failed event does not stop the run', () => {
    const env = makeEnv();
    const ev = env.event();
    ev.fail(new Error('handled'));
    ev.defused = true;
    env.timeout(1);
    env.run();
    expect(env.now).toBe(1);
    expect(ev.ok).toBe(false);
  });

  it('a callback can defuse a failure', () => {
    const env = makeEnv();
    const ev = env.event();
    ev.callbacks!.push((e) => {
      e.defused = true;
    });
    ev.fail(new Error('x'));
    env.run();
    expect(ev.defused).toBe(true);
  });
});
