import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { RemoteError } from '../src/errors.js';
import { appPerFile } from './test-app.js';
import type { SimulationApi } from '../src/sim/protocol.js';
import { callMethod, remote } from '../src/sim/remote.js';
import { SimulationService } from '../src/sim/simulation-service.js';

describe('typed proxy (no worker)', () => {
  it('forwards every property as a method call by name, and is not a thenable', async () => {
    const calls: [string, readonly unknown[]][] = [];
    const api = remote<SimulationApi>(async (method, args) => {
      calls.push([method, args]);
      return method;
    });
    expect(await api.runUntil(60)).toBe('runUntil');
    expect(await api.liveState('station', 'v1')).toBe('liveState');
    expect(calls).toEqual([
      ['runUntil', [60]],
      ['liveState', ['station', 'v1']],
    ]);
    expect((api as unknown as { then?: unknown }).then).toBeUndefined();
    await expect(Promise.resolve(api)).resolves.toBe(api);
  });

  it('calls only the public methods of the interface, never a constructor, an inherited method or a helper', () => {
    const target = Object.create(SimulationService.prototype) as object;
    for (const method of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'start', '#start', 'open']) {
      expect(() => callMethod(target, SimulationService.prototype, { id: 1, method, args: [] }), method).toThrow(
        expect.objectContaining({ code: 'DOPPEL_ERR_INTERNAL' }),
      );
    }
    expect(() =>
      callMethod(target, SimulationService.prototype, { id: 1, method: 'info', args: 'x' as never }),
    ).toThrow(/not a list/);
  });
});

describe('typed proxy over a simulation worker', () => {
  const server = appPerFile('remote');
  let simId: string;
  beforeAll(async () => {
    const key = await server.keyFor('caller');
    const created = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/simulations',
      headers: { authorization: `Bearer ${key}` },
      payload: { example: 'city-10' },
    });
    simId = (created.json() as { id: string }).id;
  });

  it('refuses an unknown operation with a typed error and stays usable', async () => {
    const host = await server.built.context.manager.host(simId);
    const unknown = host.call('noSuchOperation' as keyof SimulationApi, [] as never);
    await expect(unknown).rejects.toBeInstanceOf(RemoteError);
    await expect(unknown).rejects.toMatchObject({
      code: 'DOPPEL_ERR_INTERNAL',
      message: expect.stringContaining('noSuchOperation'),
    });
    expect((await host.api.info()).status).toBeDefined();
  });

  it('carries errors across with their DOPPEL_ERR code and details', async () => {
    const simulation = server.built.context.manager.simulation(simId);
    await expect(
      simulation.intervene({ assetId: 'nowhere', action: 'set_price', args: { price: 1 }, origin: 'api' }),
    ).rejects.toMatchObject({ code: 'DOPPEL_ERR_UNKNOWN_ASSET' });
    await expect(simulation.stateAt(1e9)).rejects.toMatchObject({
      code: 'DOPPEL_ERR_TIME_OUT_OF_RANGE',
      details: { field: 't' },
    });
    await expect(simulation.removeBreakpoint('bp_missing')).rejects.toMatchObject({
      code: 'DOPPEL_ERR_UNKNOWN_BREAKPOINT',
    });
  });

  it('answers many concurrent calls, each with its own result', async () => {
    const simulation = server.built.context.manager.simulation(simId);
    await simulation.runUntil(600);
    const calls = Array.from({ length: 60 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return simulation.info().then((info) => ['info', info.now] as const);
        case 1:
          return simulation.kpis().then((kpis) => ['kpis', kpis.simTime] as const);
        case 2:
          return simulation.intervention(`iv_missing_${i}`).then(
            () => ['intervention', 'found'] as const,
            (error: { message: string }) => ['intervention', error.message.includes(`iv_missing_${i}`)] as const,
          );
        default:
          return simulation.ledger({ limit: i, order: 'asc' }).then((records) => ['ledger', records.length] as const);
      }
    });
    const results = await Promise.all(calls);
    results.forEach(([method, value], i) => {
      if (method === 'info' || method === 'kpis') expect(value).toBe(600);
      if (method === 'intervention') expect(value, `call ${i}`).toBe(true);
      if (method === 'ledger') expect(value).toBe(i);
    });
  });

  it('applies in the worker exactly the intervention that was validated and submitted', async () => {
    const simulation = server.built.context.manager.simulation(simId);
    const stations = (await simulation.assets('station', false)).map((asset) => asset.id);
    const batteries = (await simulation.assets('battery', false)).map((asset) => asset.id);
    const change = fc.oneof(
      fc.record({
        assetId: fc.constantFrom(...stations),
        action: fc.constant('set_service_speed'),
        args: fc.record({ factor: fc.double({ min: 0.1, max: 10, noNaN: true }) }),
      }),
      fc.record({
        assetId: fc.constantFrom(...batteries),
        action: fc.constant('set_soc'),
        args: fc.record({ soc: fc.double({ min: 0, max: 1, noNaN: true }) }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(change, async (request) => {
        const record = await simulation.intervene({ ...request, origin: 'api' });
        expect(record).toMatchObject({ assetId: request.assetId, action: request.action, status: 'CONFIRMED' });
        expect(record.args).toEqual(request.args);
        expect((await simulation.interventionLog()).at(-1)?.args).toEqual(request.args);
        const state = (await simulation.asset(request.assetId)).state;
        if (request.action === 'set_service_speed') expect(state.service_speed).toBe(request.args.factor);
        else expect(state.soc).toBe(Math.round((request.args as { soc: number }).soc * 1e4) / 1e4);
      }),
      { numRuns: 40 },
    );
  });
});
