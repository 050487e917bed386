import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventHeap } from '../src/heap.js';

// The queue mixes a heap with FIFO lanes for entries at the current time; it must pop exactly in
// (time, priority, insertion) order, like a sorted reference.
describe('event queue (property)', () => {
  it('pops in (time, priority, insertion) order for any mix of pushes at now and later', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('now' as const), priority: fc.constantFrom(0, 1) }),
      fc.record({
        kind: fc.constant('later' as const),
        delay: fc.integer({ min: 0, max: 3 }),
        priority: fc.constantFrom(-1, 0, 1),
      }),
      fc.record({ kind: fc.constant('pop' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const q = new EventHeap<number>();
        const ref: { time: number; priority: number; id: number }[] = [];
        let now = 0;
        let id = 0;
        const popBoth = (): void => {
          ref.sort((a, b) => a.time - b.time || a.priority - b.priority || a.id - b.id);
          const want = ref.shift()!;
          expect(q.peekTime()).toBe(want.time);
          now = q.peekTime();
          expect(q.pop()).toBe(want.id);
        };
        for (const o of ops) {
          if (o.kind === 'pop') {
            if (ref.length > 0) popBoth();
          } else if (o.kind === 'now') {
            q.pushNow(now, o.priority, id);
            ref.push({ time: now, priority: o.priority, id: id++ });
          } else {
            q.push(now + o.delay, o.priority, id);
            ref.push({ time: now + o.delay, priority: o.priority, id: id++ });
          }
          expect(q.size).toBe(ref.length);
        }
        while (ref.length > 0) popBoth();
        expect(q.size).toBe(0);
      }),
    );
  });
});
