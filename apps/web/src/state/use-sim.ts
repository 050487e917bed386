/**
 * One open simulation as the views see it: its summary, its assets at the live head (polled for the pack's status
 * colours and KPIs, patched between polls by the WebSocket's ledger events) or at a scrubbed instant (from the
 * server's state-at-time), the recent event feed, its branches, and the transport actions.
 */
import { applyStatePatch } from '@doppel/twin/state-patch';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { InterventionInput, Step } from '../api/api.js';
import { useApi } from '../api/context.js';
import { useDebounced, useInterval } from '../api/hooks.js';
import type { AssetView, LedgerEvent, SimSummary } from '../api/types.js';

const FEED_LIMIT = 3000;

export interface SimSession {
  readonly sim: SimSummary | undefined;
  readonly error: unknown;
  /** null while following the live head. */
  readonly viewTime: number | null;
  readonly setViewTime: (t: number | null) => void;
  readonly assets: readonly AssetView[] | undefined;
  readonly assetsError: unknown;
  readonly historical: boolean;
  /** True while the state at the slider's instant is still on its way (the map shows the previous one). */
  readonly historyLoading: boolean;
  readonly branches: readonly SimSummary[];
  /** Most recent ledger events received live, oldest first (bounded). */
  readonly feed: readonly LedgerEvent[];
  readonly feedVersion: number;
  readonly busy: boolean;
  readonly actionError: unknown;
  readonly clearActionError: () => void;
  readonly play: () => Promise<void>;
  readonly pause: () => Promise<void>;
  /** Continue after a debug mode pause. */
  readonly ack: () => Promise<void>;
  readonly step: (step: Step) => Promise<void>;
  readonly setSpeed: (speed: number | null) => Promise<void>;
  readonly runUntil: (t: number) => Promise<void>;
  readonly rewind: (t: number) => Promise<void>;
  readonly branch: (t: number, name: string, interventions: readonly InterventionInput[]) => Promise<SimSummary | null>;
  readonly refresh: () => void;
}

/** The speed shown and used by Play: the user's choice, else the run's, else 600x for a run never started. */
export function speedOf(sim: SimSummary | undefined, chosen: number | null | undefined): number | null {
  if (chosen !== undefined) return chosen;
  if (sim === undefined) return 600;
  return sim.speed === null && sim.state === 'ready' ? 600 : sim.speed;
}

/** The asset after a live ledger event: its newValue patch applied (top-level fields and JSON Pointer keys). */
export function applyPatch(asset: AssetView, event: LedgerEvent): AssetView {
  if (event.newValue === null) return asset;
  return { ...asset, state: applyStatePatch(asset.state, event.newValue) };
}

export function useSim(simId: string | undefined, kind?: string): SimSession {
  const api = useApi();
  const [sim, setSim] = useState<SimSummary>();
  const [error, setError] = useState<unknown>();
  const [liveAssets, setLiveAssets] = useState<AssetView[]>();
  const [histAssets, setHistAssets] = useState<AssetView[]>();
  const [histTime, setHistTime] = useState<number | null>(null);
  const [assetsError, setAssetsError] = useState<unknown>();
  const [viewTime, setViewTimeRaw] = useState<number | null>(null);
  const [branches, setBranches] = useState<SimSummary[]>([]);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  const [feedVersion, setFeedVersion] = useState(0);
  const feedRef = useRef<LedgerEvent[]>([]);
  const liveRef = useRef<Map<string, AssetView>>(new Map());
  const frameRef = useRef<number | null>(null);
  // The speed the next Play uses: the server keeps a paced run's factor, not the factor a stopped run will use.
  const [chosenSpeed, setChosenSpeed] = useState<number | null | undefined>(undefined);

  const loadHead = useCallback(async () => {
    if (simId === undefined) return;
    try {
      const [s, a] = await Promise.all([api.getSimulation(simId), api.assets(simId, kind)]);
      setSim(s);
      setError(undefined);
      liveRef.current = new Map(a.map((x) => [x.id, x]));
      setLiveAssets(a);
      setAssetsError(undefined);
    } catch (e) {
      setError(e);
    }
  }, [api, simId, kind]);

  const loadBranches = useCallback(async () => {
    if (simId === undefined) return;
    const all = await api.listSimulations();
    setBranches(all.filter((s) => s.parentId === simId));
  }, [api, simId]);

  useEffect(() => {
    setSim(undefined);
    setLiveAssets(undefined);
    setHistAssets(undefined);
    setViewTimeRaw(null);
    setChosenSpeed(undefined);
    feedRef.current = [];
    setFeedVersion(0);
    void loadHead();
    void loadBranches().catch(() => undefined);
  }, [loadHead, loadBranches]);

  const running = sim?.state === 'running';
  useInterval(loadHead, 1000, running);

  // Live ledger events: the feed, and state patches between polls, rendered at most once per frame.
  const headSeq = sim?.headSeq;
  const subscribed = sim !== undefined;
  useEffect(() => {
    if (simId === undefined || !subscribed) return;
    const flush = (): void => {
      frameRef.current = null;
      setFeedVersion((v) => v + 1);
      setLiveAssets([...liveRef.current.values()]);
    };
    const unsubscribe = api.subscribe(simId, headSeq ?? 0, (message) => {
      if (message.type === 'events') {
        const feed = feedRef.current;
        for (const ev of message.events) {
          feed.push(ev);
          const a = liveRef.current.get(ev.assetId);
          if (a !== undefined) liveRef.current.set(ev.assetId, applyPatch(a, ev));
        }
        if (feed.length > FEED_LIMIT) feed.splice(0, feed.length - FEED_LIMIT);
        if (frameRef.current === null) frameRef.current = requestAnimationFrame(flush);
      } else if (message.type === 'status') {
        // A run that stopped may wait for a debug mode Continue: the summary says so, the status message does not.
        if (message.state !== 'running') void loadHead();
        setSim((old) =>
          old === undefined
            ? old
            : { ...old, state: message.state, simTime: message.simTime, headSeq: message.headSeq },
        );
      } else if (message.type === 'rewind') {
        feedRef.current = feedRef.current.filter((e) => e.seq <= message.seq);
        void loadHead();
      }
    });
    return () => {
      unsubscribe();
      if (frameRef.current !== null) cancelAnimationFrame(frameRef.current);
      frameRef.current = null;
    };
    // Subscribing once per simulation: later head changes arrive through the stream itself.
  }, [api, simId, subscribed]);

  // Scrubbing: the world as it was at viewTime.
  const debouncedTime = useDebounced(viewTime, 120);
  useEffect(() => {
    if (simId === undefined || debouncedTime === null) {
      setHistAssets(undefined);
      setHistTime(null);
      return;
    }
    let live = true;
    api.stateAt(simId, debouncedTime, kind).then(
      (a) => {
        if (!live) return;
        // Fill in what the historical state lacks (KPIs) from the head, so tooltips keep their shape.
        setHistAssets(a);
        setHistTime(debouncedTime);
        setAssetsError(undefined);
      },
      (e: unknown) => live && setAssetsError(e),
    );
    return () => {
      live = false;
    };
  }, [api, simId, kind, debouncedTime]);

  const act = useCallback(
    async <T>(fn: () => Promise<T>): Promise<T | null> => {
      setBusy(true);
      setActionError(undefined);
      try {
        const r = await fn();
        await loadHead();
        return r;
      } catch (e) {
        setActionError(e);
        return null;
      } finally {
        setBusy(false);
      }
    },
    [loadHead],
  );

  const setViewTime = useCallback(
    (t: number | null) => {
      if (t !== null && sim !== undefined && t >= sim.simTime) setViewTimeRaw(null);
      else setViewTimeRaw(t);
    },
    [sim],
  );

  const id = simId ?? '';
  const session = useMemo<SimSession>(
    () => ({
      sim: sim === undefined ? undefined : { ...sim, speed: speedOf(sim, chosenSpeed) },
      error,
      viewTime,
      setViewTime,
      assets: viewTime === null ? liveAssets : (histAssets ?? liveAssets),
      assetsError,
      historical: viewTime !== null,
      historyLoading: viewTime !== null && histTime !== viewTime,
      branches,
      feed: feedRef.current,
      feedVersion,
      busy,
      actionError,
      clearActionError: () => setActionError(undefined),
      play: async () => {
        await act(() => api.run(id, speedOf(sim, chosenSpeed)));
      },
      pause: async () => {
        await act(() => api.pause(id));
      },
      ack: async () => {
        await act(() => api.ack(id));
      },
      step: async (s) => {
        setViewTimeRaw(null);
        await act(() => api.step(id, s));
      },
      setSpeed: async (speed) => {
        setChosenSpeed(speed);
        if (sim?.state === 'running') await act(() => api.setSpeed(id, speed));
      },
      runUntil: async (t) => {
        setViewTimeRaw(null);
        // run-until goes flat out; keep showing (and later playing at) the speed the user had.
        if (chosenSpeed === undefined) setChosenSpeed(speedOf(sim, undefined));
        await act(() => api.runUntil(id, t));
      },
      rewind: async (t) => {
        const r = await act(() => api.rewind(id, t));
        if (r !== null) {
          feedRef.current = feedRef.current.filter((e) => e.simTime <= t);
          setViewTimeRaw(null);
        }
      },
      branch: async (t, name, interventions) => {
        const r = await act(() => api.branch(id, t, name, interventions));
        if (r !== null) await loadBranches().catch(() => undefined);
        return r;
      },
      refresh: () => {
        void loadHead();
      },
    }),
    [
      sim,
      histTime,
      chosenSpeed,
      error,
      viewTime,
      setViewTime,
      liveAssets,
      histAssets,
      assetsError,
      branches,
      feedVersion,
      busy,
      actionError,
      act,
      api,
      id,
      loadBranches,
    ],
  );
  return session;
}
