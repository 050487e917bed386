import type { SimInfo } from './protocol.js';

/** The live facts of a simulation the catalog keeps (what a restart and a listing show). */
export interface CatalogFacts {
  status: SimInfo['status'];
  sim_time: number;
  head_seq: number;
  head_hash: string;
  speed: number | null;
  error: string | null;
}

export function catalogFactsOf(info: SimInfo): CatalogFacts {
  return {
    status: info.status,
    sim_time: info.now,
    head_seq: info.headSeq,
    head_hash: info.headHash,
    speed: info.speed,
    error: info.error,
  };
}

/** What listeners are told of a simulation whose worker failed: its last known head, stopped, with the cause. */
export function failedInfoOf(info: SimInfo | null, error: string): SimInfo {
  return {
    status: 'failed',
    now: info?.now ?? 0,
    headSeq: info?.headSeq ?? 0,
    headHash: info?.headHash ?? '',
    speed: null,
    playing: false,
    eventsProcessed: info?.eventsProcessed ?? 0,
    breakpoint: null,
    debug: null,
    error,
  };
}
