import { describe, expect, it } from 'vitest';
import { DoppelError, Interrupt, Process, waitFor, type Event, type ProcessGenerator } from '../src/index.js';
import { codeOf, makeEnv } from './helpers.js';

describe('processes', () => {
  it('start at creation time via an URGENT initialize, before NORMAL events at that time', () => {
    const env = makeEnv();
    const order: string[] = [];
    env.timeout(0).callbacks!.push(() => order.push('timeout'));
    env.process(function* () {
      order.push(`start@${env.now}`);
      yield env.timeout(1);
      order.push(`end@${env.now}`);
    });
    env.run();
    expect(order).toEqual(['start@0', 'timeout', 'end@1']);
  });

  it('the generator return value is the process value; yield gives the event value', () => {
    const env = makeEnv();
    const proc = env.process(function* (): ProcessGenerator<string> {
      const v = yield env.timeout(2, 'two');
      return `got ${String(v)}`;
    });
    expect(proc.isAlive).toBe(true);
    env.run();
    expect(proc.isAlive).toBe(false);
    expect(proc.value).toBe('got two');
    expect(proc.target).toBeNull();
  });

  it('infers the process value type from the generator', () => {
    const env = makeEnv();
    const proc = env.process(function* () {
      yield env.timeout(1);
      return 5;
    });
    env.run();
    const n: number = proc.value;
    expect(n).toBe(5);
  });

  it('waitFor gives a typed value', () => {
    const env = makeEnv();
    const proc = env.process(function* () {
      const n: number = yield* waitFor(env.timeout(1, 41));
      return n + 1;
    });
    env.run();
    expect(proc.value).toBe(42);
  });

  it('accepts a generator object and names processes', () => {
    const env = makeEnv();
    function* worker(): ProcessGenerator<number> {
      yield env.timeout(1);
      return 1;
    }
    const named = env.process(worker(), 'w1');
    const fromFn = env.process(worker);
    const anonymous = env.process(worker());
    expect(named.name).toBe('w1');
    expect(fromFn.name).toBe('worker');
    expect(anonymous.name).toBe('process-1');
    expect(String(named)).toBe('Process(w1)');
  });

  it('a process can wait for another process and get its value', () => {
    const env = makeEnv();
    const child = env.process(function* () {
      yield env.timeout(3);
      return 'child-done';
    });
    const parent = env.process(function* () {
      const v = yield child;
      return [v, env.now];
    });
    env.run();
    expect(parent.value).toEqual(['child-done', 3]);
  });

  it('yielding an already processed event resumes immediately at the same time', () => {
    const env = makeEnv();
    const done = env.timeout(1, 'early');
    const log: unknown[] = [];
    env.process(function* () {
      yield env.timeout(5);
      const before = env.eventsProcessed;
      const v = yield done;
      log.push(v, env.now, env.eventsProcessed - before);
    });
    env.run();
    expect(log).toEqual(['early', 5, 0]);
  });

  it('tracks the active process and the target', () => {
    const env = makeEnv();
    let seen: Process | null = null;
    let t: Event | null = null;
    const proc = env.process(function* () {
      seen = env.activeProcess;
      t = env.timeout(4);
      yield t;
    });
    env.step();
    expect(seen).toBe(proc);
    expect(env.activeProcess).toBeNull();
    expect(proc.target).toBe(t);
  });

  it('an exception escaping the generator fails the process, and a waiter can catch it', () => {
    const env = makeEnv();
    const boom = new Error('boom');
    const child = env.process(function* () {
      yield env.timeout(1);
      throw boom;
    });
    const parent = env.process(function* () {
      try {
        yield child;
        return 'no';
      } catch (error) {
        return error;
      }
    });
    env.run();
    expect(child.ok).toBe(false);
    expect(child.value).toBe(boom);
    expect(child.defused).toBe(true);
    expect(parent.value).toBe(boom);
  });

  it('a failed process nobody waits for stops the run with its error', () => {
    const env = makeEnv();
    const boom = new Error('unhandled');
    env.process(function* () {
      yield env.timeout(1);
      throw boom;
    });
    const later = env.timeout(10);
    expect(() => env.run()).toThrow(boom);
    expect(env.now).toBe(1);
    expect(later.processed).toBe(false);
  });

  it('yielding a failed event throws its error into the generator', () => {
    const env = makeEnv();
    const ev = env.event();
    const caught: unknown[] = [];
    env.process(function* () {
      try {
        yield ev;
      } catch (error) {
        caught.push((error as Error).message, env.now);
      }
    });
    env.process(function* () {
      yield env.timeout(2);
      ev.fail(new Error('bad'));
    });
    env.run();
    expect(caught).toEqual(['bad', 2]);
    expect(ev.defused).toBe(true);
  });

  it('yielding a non-event is a typed error naming the process and time', () => {
    const env = makeEnv();
    env.process(function* () {
      yield env.timeout(1.5);
      yield 42 as unknown as Event;
    }, 'bad-yielder');
    let error: unknown;
    try {
      env.run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DoppelError);
    expect((error as DoppelError).code).toBe('DOPPEL_ERR_INVALID_YIELD');
    expect((error as DoppelError).message).toContain('bad-yielder');
    expect((error as DoppelError).message).toContain('1.5');
    expect(env.activeProcess).toBeNull();
  });

  it('rejects things that are not generators', () => {
    const env = makeEnv();
    expect(codeOf(() => env.process(42 as unknown as ProcessGenerator))).toBe('DOPPEL_ERR_INVALID_GENERATOR');
    expect(codeOf(() => env.process((() => 1) as unknown as ProcessGenerator))).toBe('DOPPEL_ERR_INVALID_GENERATOR');
  });
});

describe('interrupts', () => {
  it('interrupts a process waiting on a timeout and delivers the cause', () => {
    const env = makeEnv();
    const log: unknown[] = [];
    const sleeper = env.process(function* () {
      try {
        yield env.timeout(10);
        log.push('woke');
      } catch (error) {
        expect(error).toBeInstanceOf(Interrupt);
        log.push(`interrupted@${env.now}`, (error as Interrupt).cause);
        yield env.timeout(1);
        log.push(`resumed@${env.now}`);
      }
    });
    env.process(function* () {
      yield env.timeout(3);
      sleeper.interrupt({ reason: 'wake up' });
    });
    env.run();
    expect(log).toEqual(['interrupted@3', { reason: 'wake up' }, 'resumed@4']);
    // The original timeout still fires (at 10) but no longer resumes the process.
    expect(env.now).toBe(10);
  });

  it('the interrupted process is removed from its target callbacks', () => {
    const env = makeEnv();
    const target = env.event();
    const victim = env.process(function* () {
      try {
        yield target;
      } catch {
        return 'interrupted';
      }
      return 'target';
    });
    env.process(function* () {
      yield env.timeout(1);
      victim.interrupt();
      yield env.timeout(1);
      target.succeed();
    });
    env.run();
    expect(victim.value).toBe('interrupted');
  });

  it('an interrupt runs before NORMAL events already scheduled at the same time', () => {
    const env = makeEnv();
    const log: string[] = [];
    const victim = env.process(function* () {
      try {
        yield env.timeout(5);
        log.push('timeout');
      } catch {
        log.push('interrupt');
      }
    });
    env.process(function* () {
      yield env.timeout(2);
      victim.interrupt();
    });
    env.process(function* () {
      yield env.timeout(2);
      log.push('other');
    });
    env.run();
    expect(log).toEqual(['interrupt', 'other']);
  });

  it('an unhandled interrupt fails the process', () => {
    const env = makeEnv();
    const victim = env.process(function* () {
      yield env.timeout(10);
    });
    const waiter = env.process(function* () {
      try {
        yield victim;
      } catch (error) {
        return (error as Interrupt).cause;
      }
      return null;
    });
    env.process(function* () {
      yield env.timeout(1);
      victim.interrupt('stop');
    });
    env.run();
    expect(victim.ok).toBe(false);
    expect(victim.value).toBeInstanceOf(Interrupt);
    expect(waiter.value).toBe('stop');
  });

  it('interrupting a dead process is an error', () => {
    const env = makeEnv();
    const p = env.process(function* () {
      yield env.timeout(1);
    });
    env.run();
    expect(codeOf(() => p.interrupt())).toBe('DOPPEL_ERR_PROCESS_DEAD');
  });

  it('a process cannot interrupt itself', () => {
    const env = makeEnv();
    let code: string | undefined;
    const self: { p?: Process } = {};
    self.p = env.process(function* () {
      code = codeOf(() => self.p!.interrupt());
      yield env.timeout(1);
    });
    env.run();
    expect(code).toBe('DOPPEL_ERR_SELF_INTERRUPT');
  });

  it('a second queued interrupt is ignored once the process died of the first', () => {
    const env = makeEnv();
    const victim = env.process(function* () {
      yield env.timeout(10);
    });
    victim.defused = true;
    env.process(function* () {
      yield env.timeout(1);
      victim.interrupt('a');
      victim.interrupt('b');
    });
    env.run();
    expect((victim.value as unknown as Interrupt).cause).toBe('a');
  });

  it('a process can be interrupted before it started', () => {
    const env = makeEnv();
    const log: string[] = [];
    const p = env.process(function* () {
      log.push('started');
      try {
        yield env.timeout(5);
      } catch {
        log.push(`interrupted@${env.now}`);
      }
    });
    p.interrupt();
    env.run();
    expect(log).toEqual(['started', 'interrupted@0']);
  });
});
