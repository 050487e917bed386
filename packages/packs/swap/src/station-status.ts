import type { AssetJudgement, AssetStatus, JsonObject, PastJudge } from '@doppel/twin';
import type { SwapConfig } from './config.js';
import { round3 } from './network.js';
import { nearestRankP95 } from './stats.js';

type Thresholds = SwapConfig['status_thresholds'];

/** What a station's colour depends on, whether read from the running model or from the ledger. */
export interface StationStatusInput {
  /** The station's state status: `open`, `outage` or `maintenance`. */
  readonly status: string;
  /** Nearest-rank p95 of the waits of swaps started in (now - window_s, now]. */
  readonly recentP95S: number;
  /** How long the rider queued longest has waited so far (0 with an empty queue). */
  readonly headWaitS: number;
}

/**
 * The one status rule of a station: grey when not open; otherwise the worse of the p95 wait of recent swaps and
 * the wait of the rider queued longest, against the scenario's thresholds (a station that stopped serving turns
 * red too). Live reads and past reads both come here.
 */
export function stationVerdict(input: StationStatusInput, t: Thresholds): AssetStatus {
  if (input.status !== 'open') return 'offline';
  const wait = Math.max(input.recentP95S, input.headWaitS);
  if (wait >= t.critical_wait_s) return 'critical';
  if (wait >= t.warning_wait_s) return 'warning';
  return 'ok';
}

/** Station events that move riders into or out of its queue, or start swaps (with their waits). */
const QUEUE_EVENTS = ['QUEUE_INCREMENT', 'SWAP_STARTED', 'RIDER_RENEGED', 'QUEUE_DECREMENT'] as const;

function riderOf(meta: JsonObject | null): string | undefined {
  const rider = meta?.rider;
  return typeof rider === 'string' ? rider : undefined;
}

/**
 * Stations judged at a past instant from the ledger. The records reach back max(window, critical threshold):
 * that covers every swap of the window, and a queued rider who joined earlier has waited past the critical
 * threshold, which is all the verdict needs to know of it (the queue length at t says whether there is one).
 */
export function stationPastJudge(t: Thresholds): PastJudge {
  return {
    lookbackS: Math.max(t.window_s, t.critical_wait_s),
    eventTypes: QUEUE_EVENTS,
    judge(now, states, records): Map<string, AssetJudgement> {
      const from = now - t.window_s;
      const waits = new Map<string, number[]>();
      /** Per station: riders who joined within the records and are still queued, with their join time. */
      const queued = new Map<string, Map<string, number>>();
      for (const r of records) {
        if (r.simTime > now || !states.has(r.assetId)) continue;
        const rider = riderOf(r.meta);
        let q = queued.get(r.assetId);
        if (q === undefined) queued.set(r.assetId, (q = new Map()));
        if (r.eventType === 'QUEUE_INCREMENT') {
          if (rider !== undefined) q.set(rider, r.simTime);
          continue;
        }
        if (rider !== undefined) q.delete(rider);
        const wait = r.meta?.wait_time_s;
        if (r.eventType === 'SWAP_STARTED' && typeof wait === 'number' && r.simTime > from) {
          let list = waits.get(r.assetId);
          if (list === undefined) waits.set(r.assetId, (list = []));
          list.push(wait);
        }
      }
      const out = new Map<string, AssetJudgement>();
      for (const [id, state] of states) {
        const recentP95S = nearestRankP95(waits.get(id) ?? []);
        const q = queued.get(id);
        const queueLength = typeof state.queue_length === 'number' ? state.queue_length : 0;
        let headWaitS = 0;
        if (queueLength > (q?.size ?? 0)) {
          // Someone queued since before the records began: waiting longer than the lookback already.
          headWaitS = Math.max(t.window_s, t.critical_wait_s);
        } else if (q !== undefined) {
          for (const joined of q.values()) headWaitS = Math.max(headWaitS, now - joined);
        }
        const status = stationVerdict({ status: String(state.status ?? 'open'), recentP95S, headWaitS }, t);
        out.set(id, { status, kpis: { wait_p95_recent_s: round3(recentP95S), queue_length: queueLength } });
      }
      return out;
    },
  };
}
