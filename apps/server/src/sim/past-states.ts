import type { JsonObject, LedgerEvent, LedgerStore, Simulation } from '@doppel/twin';
import type { CoalescingLedgerStore } from './coalescing-store.js';
import type { AssetView } from './protocol.js';
import { RecentRecords, TimeIndex, type KindTimeline } from './time-index.js';

/** Instants whose answer is kept (the time slider comes back to the same instants). */
const CACHED_INSTANTS = 64;
/** Records per page when a kind's timeline is built (the thread answers requests between pages). */
const TIMELINE_PAGES = { memory: 5_000, stored: 1_000 };
/** Reads of a kind, one at a time, that the store answers before its timeline is built. */
const STORE_READS = 3;
/** Ledger records kept in memory for timeline builds (beyond that, builds read the store). */
const RECENT_RECORDS = 250_000;

/**
 * The time slider's reads in a simulation worker: every asset (of a kind) as of a past instant, as response JSON.
 * A kind's states come from its timeline in memory once that is built (from the ledger records the worker keeps in
 * memory, and the store for what came before them), else from the store's fold: a timeline costs a build and
 * memory, so it is built for a kind that is read more than a few times, or by several reads at once.
 */
export class PastStates {
  private readonly cache = new Map<string, Uint8Array>();
  /** Asset kinds never change: the kind of each asset id the ledger names. */
  private readonly kinds = new Map<string, string | undefined>();
  private readonly recent = new RecentRecords(RECENT_RECORDS);
  private readonly index = new TimeIndex((assetId) => this.kindOf(assetId));
  private readonly builds = new Map<string, Promise<KindTimeline | null>>();
  /** Per kind: reads the store answered, and reads the store is answering now. */
  private readonly storeReads = new Map<string, number>();
  private readonly pending = new Map<string, number>();
  /** Bumped by each rewind: answers about an older timeline are never served. */
  private generation = 0;

  constructor(
    private readonly sim: () => Simulation,
    private readonly store: () => CoalescingLedgerStore,
  ) {}

  /** Every batch the simulation hands over, in seq order. */
  ingest(records: readonly LedgerEvent[]): void {
    this.recent.ingest(records);
    this.index.ingest(records);
  }

  /** The ledger after some instant was dropped (rewind): everything is read or built again. */
  clear(): void {
    this.generation++;
    this.cache.clear();
    this.recent.clear();
    this.index.clear();
  }

  /**
   * `{simTime, assets}` as of sim time t < now, as UTF-8 JSON: bytes travel to the host outside its heap and are
   * sent as they are, where a string would be copied onto its heap and encoded again for the socket.
   */
  async json(t: number, kind: string | undefined): Promise<Uint8Array> {
    const key = `${this.generation}|${t}|${kind ?? ''}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const json = Buffer.from(stateJson(t, await this.judged(t, await this.assets(t, kind))), 'utf8');
    this.cache.set(key, json);
    if (this.cache.size > CACHED_INSTANTS) this.cache.delete(this.cache.keys().next().value as string);
    return json;
  }

  /**
   * The assets with the status verdict and KPIs their pack gives them at t, by the rule it applies live (for
   * kinds whose pack has a PastJudge), from their states and the ledger records just before t.
   */
  private async judged(t: number, assets: AssetView[]): Promise<AssetView[]> {
    const sim = this.sim();
    const byKind = new Map<string, Map<string, JsonObject>>();
    for (const a of assets) {
      let states = byKind.get(a.kind);
      if (states === undefined) byKind.set(a.kind, (states = new Map()));
      states.set(a.id, a.state);
    }
    const verdicts = new Map<string, { status: string; kpis: Record<string, number> }>();
    for (const [kind, states] of byKind) {
      const judge = sim.pastJudge(kind);
      if (judge === undefined) continue;
      const store = this.store();
      void store.drain();
      await sim.flush();
      const records = await store.query({
        simId: sim.id,
        fromTime: Math.max(0, t - judge.lookbackS),
        toTime: t,
        eventTypes: judge.eventTypes,
        order: 'asc',
      });
      for (const [id, verdict] of judge.judge(t, states, records)) verdicts.set(id, verdict);
    }
    if (verdicts.size === 0) return assets;
    return assets.map((a) => {
      const v = verdicts.get(a.id);
      return v === undefined ? a : { ...a, status: v.status, kpis: v.kpis };
    });
  }

  private async assets(t: number, kind: string | undefined): Promise<AssetView[]> {
    const sim = this.sim();
    if (kind !== undefined) {
      const ready = this.index.get(kind);
      let building = this.builds.get(kind);
      if (ready === undefined && building === undefined) {
        // A few reads one at a time are answered by the store; more, or reads at the same time, get a timeline.
        // A read that comes while others wait for the store waits for the timeline instead; the first reads
        // past the few are answered by the store while it is built.
        const reads = (this.storeReads.get(kind) ?? 0) + 1;
        this.storeReads.set(kind, reads);
        const concurrent = (this.pending.get(kind) ?? 0) > 0;
        if (concurrent || reads > STORE_READS) {
          const started = this.build(kind);
          if (concurrent) building = started;
        }
      }
      const timeline = ready ?? (building === undefined ? undefined : await building);
      if (timeline !== undefined && timeline !== null) {
        const states = timeline.stateAt(t);
        const assets: AssetView[] = [];
        // Creation order, as the store answers: the assets of the kind with a state at t.
        for (const asset of sim.assets(kind)) {
          const state = states.get(asset.id);
          if (state !== undefined) assets.push({ id: asset.id, kind, state });
        }
        return assets;
      }
    }
    const store = this.store();
    void store.drain();
    if (kind !== undefined) this.pending.set(kind, (this.pending.get(kind) ?? 0) + 1);
    try {
      await sim.flush();
      const ids = kind === undefined ? undefined : sim.assets(kind).map((asset) => asset.id);
      return this.stored(await store.stateAt(sim.id, t, ids), kind);
    } finally {
      if (kind !== undefined) this.pending.set(kind, (this.pending.get(kind) ?? 1) - 1);
    }
  }

  private stored(states: Map<string, JsonObject>, kind: string | undefined): AssetView[] {
    const sim = this.sim();
    const assets: AssetView[] = [];
    for (const [id, state] of states) assets.push({ id, kind: kind ?? sim.asset(id).kind, state });
    return assets;
  }

  /** Builds the timeline of a kind once the read that asked is answered (timers run after its reply goes out). */
  private build(kind: string): Promise<KindTimeline | null> {
    const sim = this.sim();
    const store: LedgerStore = this.store();
    // A checkpoint per record of each asset on average: a read folds at most that many patches over one, and the
    // checkpoints (shallow copies of every state of the kind) cost about what the records themselves do.
    const every = Math.max(64, sim.assets(kind).length);
    const stored = async (afterSeq: number, limit: number): Promise<LedgerEvent[]> => {
      await sim.flush();
      return store.query({ simId: sim.id, afterSeq, limit, order: 'asc' });
    };
    const build = new Promise<void>((resolve) => setTimeout(resolve, 0))
      .then(() =>
        this.index.build(kind, every, async (afterSeq) => {
          await new Promise<void>((resolve) => setImmediate(resolve));
          return this.recent.page(afterSeq, TIMELINE_PAGES, stored);
        }),
      )
      .catch(() => null)
      .finally(() => this.builds.delete(kind));
    this.builds.set(kind, build);
    return build;
  }

  private kindOf(assetId: string): string | undefined {
    if (!this.kinds.has(assetId)) {
      let kind: string | undefined;
      try {
        kind = this.sim().asset(assetId).kind;
      } catch {
        kind = undefined;
      }
      this.kinds.set(assetId, kind);
    }
    return this.kinds.get(assetId);
  }
}

/** The response text of a state read: `{simTime, assets}`. */
export function stateJson(simTime: number, assets: readonly AssetView[]): string {
  return `{"simTime":${JSON.stringify(simTime)},"assets":${JSON.stringify(assets)}}`;
}
