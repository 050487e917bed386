import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Environment, NORMAL, URGENT, type ProcessGenerator } from '../src/index.js';

const delays = fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 5, noNaN: true })), {
  minLength: 1,
  maxLength: 12,
});

describe('scheduling invariants (property-based)', () => {
  it('time never decreases across any schedule of looping processes', () => {
    fc.assert(
      fc.property(fc.array(delays, { minLength: 1, maxLength: 8 }), (plans) => {
        const env = new Environment({ seed: 1 });
        for (const plan of plans) {
          env.process(function* () {
            for (const d of plan) yield env.timeout(d);
          });
        }
        let last = -Infinity;
        env.observe(() => {
          expect(env.now).toBeGreaterThanOrEqual(last);
          last = env.now;
        });
        env.run();
        const longest = Math.max(...plans.map((p) => p.reduce((s, d) => s + d, 0)));
        expect(env.now).toBeCloseTo(longest, 9);
      }),
    );
  });

  it('events fire ordered by (time, priority, insertion)', () => {
    const entry = fc.record({ time: fc.integer({ min: 0, max: 4 }), priority: fc.constantFrom(URGENT, NORMAL) });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 60 }), (entries) => {
        const env = new Environment({ seed: 1 });
        const fired: number[] = [];
        entries.forEach(({ time, priority }, i) => {
          const ev = env.event();
          ev.callbacks!.push(() => fired.push(i));
          env.schedule(ev, priority, time);
        });
        env.run();
        const expected = entries
          .map((e, i) => ({ ...e, i }))
          .sort((a, b) => a.time - b.time || a.priority - b.priority || a.i - b.i)
          .map((e) => e.i);
        expect(fired).toEqual(expected);
      }),
    );
  });

  it('events scheduled during the run keep (time, priority, insertion) order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(URGENT, NORMAL)), { maxLength: 30 }),
        (spec) => {
          const env = new Environment({ seed: 1 });
          // [time, priority, insertion id, number of events fired when it was inserted]
          const fired: [number, number, number, number][] = [];
          let inserted = 0;
          env.process(function* () {
            for (const [delay, priority] of spec) {
              const ev = env.event();
              const key: [number, number, number, number] = [env.now + delay, priority, inserted++, fired.length];
              ev.callbacks!.push(() => fired.push(key));
              env.schedule(ev, priority, delay);
              yield env.timeout(1);
            }
          });
          env.run();
          for (let i = 0; i < fired.length; i++) {
            for (let j = i + 1; j < fired.length; j++) {
              const [t0, p0, s0] = fired[i];
              const [t1, p1, s1, seenAtInsert] = fired[j];
              expect(t1).toBeGreaterThanOrEqual(t0);
              const before = t1 === t0 && (p1 < p0 || (p1 === p0 && s1 < s0));
              // A later-fired event may only precede an earlier one in (time, priority, id) order if it did not
              // exist yet when the earlier one fired.
              if (before) expect(seenAtInsert).toBeGreaterThan(i);
            }
          }
          expect(fired.length).toBe(spec.length);
        },
      ),
    );
  });
});

describe('determinism', () => {
  function trace(seed: number): string[] {
    const env = new Environment({ seed });
    const out: string[] = [];
    const rng = env.rng('arrivals');
    function* customer(id: number): ProcessGenerator<number> {
      yield env.timeout(rng.random() * 3);
      return id;
    }
    env.process(function* () {
      for (let i = 0; i < 50; i++) {
        yield env.timeout(rng.random());
        const c = env.process(customer(i));
        if (i % 7 === 0) out.push(`${env.now}:wait:${String(yield c)}`);
      }
    });
    env.observe((e) => out.push(`${env.now}:${String(e)}`));
    env.run();
    return out;
  }

  it('two identical runs give identical traces', () => {
    const a = trace(123);
    expect(a.length).toBeGreaterThan(100);
    expect(trace(123)).toEqual(a);
    expect(trace(124)).not.toEqual(a);
  });
});
