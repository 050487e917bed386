import { useEffect, useRef, useState } from 'react';
import { useApi } from '../api/context.js';
import type { LedgerEvent } from '../api/types.js';

const PAGE = 5000;
const MAX_EVENTS = 50_000;

export interface AssetLedger {
  readonly events: readonly LedgerEvent[];
  readonly loading: boolean;
  readonly error: unknown;
}

/**
 * One asset's ledger, loaded in pages and then followed incrementally (only records after the last seq) each time
 * the simulation's head moves; a head that went back (rewind) reloads from scratch.
 */
export function useAssetLedger(simId: string, assetId: string, headSeq: number): AssetLedger {
  const api = useApi();
  const [events, setEvents] = useState<LedgerEvent[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const stateRef = useRef<{ key: string; lastSeq: number; headSeq: number; busy: boolean; list: LedgerEvent[] }>({
    key: '',
    lastSeq: 0,
    headSeq: 0,
    busy: false,
    list: [],
  });

  useEffect(() => {
    const key = `${simId}/${assetId}`;
    const st = stateRef.current;
    if (st.key !== key || headSeq < st.headSeq) {
      st.key = key;
      st.lastSeq = 0;
      st.list = [];
      setEvents([]);
      setLoading(true);
    }
    st.headSeq = headSeq;
    if (st.busy) return;
    st.busy = true;
    let cancelled = false;
    void (async () => {
      try {
        for (;;) {
          const page = await api.ledger(simId, { assetId, afterSeq: st.lastSeq, limit: PAGE, order: 'asc' });
          if (cancelled || st.key !== key) return;
          if (page.length > 0) {
            st.list = [...st.list, ...page].slice(-MAX_EVENTS);
            st.lastSeq = page[page.length - 1].seq;
            setEvents(st.list);
          }
          if (page.length < PAGE) break;
        }
        setError(undefined);
      } catch (e) {
        if (!cancelled) setError(e);
      } finally {
        st.busy = false;
        if (!cancelled) setLoading(false);
      }
    })();
    return () => {
      cancelled = true;
      st.busy = false;
    };
  }, [api, simId, assetId, headSeq]);

  return { events, loading, error };
}
