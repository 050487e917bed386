import { beforeAll, describe, expect, it } from 'vitest';
import { appPerFile } from './test-app.js';

interface StationView {
  id: string;
  status?: string;
  kpis?: Record<string, number>;
  state: Record<string, unknown>;
}

/**
 * The time slider shows what the live head showed: a past state read carries the pack's status verdict and the
 * wait p95 behind it, equal to what the live read said at that instant (one rule, in the pack).
 */
describe('past state reads carry the live status verdict', () => {
  const server = appPerFile('past-status');
  let headers: Record<string, string>;
  beforeAll(async () => {
    headers = await server.bearer('judge');
  });

  const post = async (url: string, payload: object): Promise<void> => {
    const r = await server.built.app.inject({ method: 'POST', url, headers, payload });
    expect(r.statusCode, `${url} ${r.body}`).toBeLessThan(300);
  };
  const stations = async (url: string): Promise<StationView[]> => {
    const r = await server.built.app.inject({ method: 'GET', url, headers });
    expect(r.statusCode, url).toBe(200);
    return (r.json() as { assets: StationView[] }).assets;
  };

  it('through the evening peak, with a power cut and a maintenance, at every instant', async () => {
    const created = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/simulations',
      headers,
      payload: { example: 'evening-peak' },
    });
    const id = (created.json() as { id: string }).id;
    const base = `/api/v1/simulations/${id}`;
    const live = new Map<number, StationView[]>();
    // Live reads every 7 minutes from 17:00 to 19:30 (the scenario starts at local midnight), a power cut and a
    // maintenance on the way.
    for (let t = 17 * 3600; t <= 19.5 * 3600; t += 420) {
      await post(`${base}/run-until`, { t });
      if (t === 17 * 3600 + 420 * 3) {
        await server.built.app.inject({
          method: 'PATCH',
          url: `/simulation/${id}/assets/station/station_01`,
          headers,
          payload: { action: 'trigger_outage', duration_seconds: 1800 },
        });
        await server.built.app.inject({
          method: 'PATCH',
          url: `/simulation/${id}/assets/station/station_02`,
          headers,
          payload: { action: 'set_maintenance_mode', enabled: true },
        });
      }
      live.set(t, await stations(`${base}/state?kind=station`));
    }
    await post(`${base}/run-until`, { t: 20 * 3600 });
    const seen = new Set<string>();
    for (const [t, then] of live) {
      const past = await stations(`${base}/state?kind=station&t=${t}`);
      expect(past.map((s) => s.id)).toEqual(then.map((s) => s.id));
      for (const [i, s] of then.entries()) {
        seen.add(String(s.status));
        expect(past[i].status, `${s.id} at ${t}`).toBe(s.status);
        expect(past[i].kpis?.wait_p95_recent_s, `${s.id} at ${t}`).toBe(s.kpis?.wait_p95_recent_s);
      }
    }
    // The evening shows every colour the rule has: the comparison covered each branch of it.
    expect([...seen].sort()).toEqual(['critical', 'offline', 'ok', 'warning']);
  }, 60_000);
});
