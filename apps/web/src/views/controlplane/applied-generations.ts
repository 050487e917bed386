import type { LedgerEvent } from '../../api/types.js';

/** The zone's change batches: each names the plan generation it wrote and the endpoint indexes it wrote it to. */
export const WRITE_EVENT = 'RECORDS_WRITTEN';

interface WriteMeta {
  readonly plan_generation?: unknown;
  readonly ranges?: unknown;
}

const isRun = (run: unknown): run is readonly [number, number] =>
  Array.isArray(run) && run.length === 2 && typeof run[0] === 'number' && typeof run[1] === 'number';

/**
 * The plan generation each endpoint (by its index in the zone) answered from at an instant, read from the change
 * batches up to that instant, newest first: an endpoint's is the one of the newest batch that wrote it. Endpoints no
 * batch among `writes` wrote are absent (not written since the capture, or before the records looked at).
 */
export function generationsAt(writes: readonly LedgerEvent[], indexes: readonly number[]): Map<number, number> {
  const wanted = new Set(indexes);
  const found = new Map<number, number>();
  for (const write of writes) {
    if (found.size === wanted.size) break;
    if (write.eventType !== WRITE_EVENT) continue;
    const meta = (write.meta ?? {}) as WriteMeta;
    if (typeof meta.plan_generation !== 'number' || !Array.isArray(meta.ranges)) continue;
    for (const run of meta.ranges as unknown[]) {
      if (!isRun(run)) continue;
      for (const index of wanted) {
        if (index >= run[0] && index <= run[1] && !found.has(index)) found.set(index, meta.plan_generation);
      }
    }
  }
  return found;
}
