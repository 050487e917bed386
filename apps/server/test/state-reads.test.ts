import { beforeAll, describe, expect, it } from 'vitest';
import { appPerFile } from './test-app.js';

interface StateBody {
  simTime: number;
  assets: { id: string; kind: string; state: Record<string, unknown>; status?: string; kpis?: object }[];
}

describe('state reads (live head and time slider)', () => {
  const server = appPerFile('state');
  let headers: Record<string, string>;
  beforeAll(async () => {
    headers = await server.bearer('reader');
  });

  const get = async (url: string): Promise<StateBody> => {
    const response = await server.built.app.inject({ method: 'GET', url, headers });
    expect(response.statusCode, url).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    return response.json();
  };

  /** A new city-10 simulation run to sim time t: its id. */
  const cityRunTo = async (t: number): Promise<string> => {
    const created = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/simulations',
      headers,
      payload: { example: 'city-10' },
    });
    const id = (created.json() as { id: string }).id;
    await server.built.app.inject({
      method: 'POST',
      url: `/api/v1/simulations/${id}/run-until`,
      headers,
      payload: { t },
    });
    return id;
  };

  it('serves the changed live head after an intervention, and the past as it was', async () => {
    const id = await cityRunTo(3600);
    const before = await get(`/api/v1/simulations/${id}/state?kind=station`);
    expect(before.simTime).toBe(3600);
    expect(before.assets.length).toBeGreaterThan(0);
    expect(before.assets.every((asset) => asset.kind === 'station' && asset.kpis !== undefined)).toBe(true);
    // The same head twice: the same answer.
    expect(await get(`/api/v1/simulations/${id}/state?kind=station`)).toEqual(before);
    const station = before.assets[0];
    expect(station.state.status).toBe('open');
    const outage = await server.built.app.inject({
      method: 'PATCH',
      url: `/simulation/${id}/assets/station/${station.id}`,
      headers,
      payload: { action: 'trigger_outage', duration_seconds: 600 },
    });
    expect(outage.statusCode).toBe(200);
    const after = await get(`/api/v1/simulations/${id}/state?kind=station`);
    expect(after.simTime).toBe(3600);
    expect(after.assets.find((asset) => asset.id === station.id)?.state.status).not.toBe('open');
    // The past is as it was, read through the store and then through the in-memory timeline.
    const past = await get(`/api/v1/simulations/${id}/state?t=1800&kind=station`);
    expect(past.simTime).toBe(1800);
    expect(past.assets.map((asset) => asset.id)).toEqual(before.assets.map((asset) => asset.id));
    for (let i = 0; i < 20; i++) await get(`/api/v1/simulations/${id}/state?t=${1000 + i}&kind=station`);
    const again = await get(`/api/v1/simulations/${id}/state?t=1801&kind=station`);
    expect(again.assets.map((asset) => asset.state)).toEqual(past.assets.map((asset) => asset.state));
    const everything = await get(`/api/v1/simulations/${id}/state?t=1800`);
    expect(everything.assets.length).toBeGreaterThan(past.assets.length);
  });

  it('answers reads that come at once from the in-memory timeline, as the store would', async () => {
    const id = await cityRunTo(12 * 3600);
    const instants = Array.from({ length: 24 }, (_, i) => 600 + i * 1777);
    // Overlapping reads of one kind: the timeline is built and answers them.
    const slider = await Promise.all(instants.map((t) => get(`/api/v1/simulations/${id}/state?t=${t}&kind=station`)));
    // Reads of every kind always go to the store.
    for (const [i, t] of instants.entries()) {
      const everything = await get(`/api/v1/simulations/${id}/state?t=${t}`);
      expect(slider[i].simTime).toBe(t);
      expect(slider[i].assets, `t=${t}`).toEqual(everything.assets.filter((asset) => asset.kind === 'station'));
    }
  });
});
