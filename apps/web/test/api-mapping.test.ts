import { describe, expect, it } from 'vitest';
import { toIssues, toSim } from '../src/api/doppel-api.js';
import { applyPatch, speedOf } from '../src/state/use-sim.js';
import { tileUrl } from '../src/views/city/tiles.js';

const wire = {
  id: 'sim_1',
  name: 'Demo',
  pack: 'swap',
  status: 'paused' as const,
  simTime: 60,
  durationS: 86400,
  speed: 600,
  playing: false,
  startIso: '2026-06-02T00:00:00+02:00',
  timezone: 'Europe/Paris',
  parentId: null,
  forkTime: null,
  headSeq: 42,
  createdAt: '2026-06-01T10:00:00Z',
};

describe('server answers → view types', () => {
  it('maps a simulation and shows a playing run as running', () => {
    expect(toSim(wire)).toMatchObject({ id: 'sim_1', state: 'paused', timeZone: 'Europe/Paris', headSeq: 42 });
    expect(toSim({ ...wire, playing: true }).state).toBe('running');
    expect(toSim({ ...wire, playing: true, status: 'failed' }).state).toBe('failed');
  });

  it('names request fields the way the generated form does', () => {
    expect(
      toIssues({
        issues: [
          { path: 'body.args.duration_seconds', message: 'too big' },
          { path: 'body.fault_type', message: 'invalid option' },
          { path: 'swap.layout', message: 'missing', line: 12, column: 3 },
        ],
      }),
    ).toEqual([
      { path: 'duration_seconds', message: 'too big', line: undefined, column: undefined },
      { path: 'fault_type', message: 'invalid option', line: undefined, column: undefined },
      { path: 'swap.layout', message: 'missing', line: 12, column: 3 },
    ]);
  });
});

describe('live state', () => {
  it('folds a ledger patch into an asset', () => {
    const a = { id: 's1', kind: 'station', state: { queue_length: 1, status: 'open' } };
    const b = applyPatch(a, {
      seq: 2,
      simTime: 5,
      assetId: 's1',
      eventType: 'QUEUE_INCREMENT',
      oldValue: { queue_length: 1 },
      newValue: { queue_length: 2 },
      meta: null,
      origin: 'sim',
    });
    expect(b.state).toEqual({ queue_length: 2, status: 'open' });
    expect(a.state.queue_length).toBe(1);
  });

  it('folds a JSON Pointer patch into one charger without touching the others or the old state', () => {
    const chargers = [
      { id: 'c1', state: 'idle' },
      { id: 'c2', state: 'idle' },
    ];
    const a = { id: 's1', kind: 'station', state: { chargers, inventory: { charged: 3, total: 4 } } };
    const b = applyPatch(a, {
      seq: 3,
      simTime: 6,
      assetId: 's1',
      eventType: 'SWAP_COMPLETED',
      oldValue: { '/chargers/1/state': 'idle', '/inventory/charged': 3 },
      newValue: { '/chargers/1/state': 'charging', '/inventory/charged': 2 },
      meta: null,
      origin: 'sim',
    });
    expect(b.state).toEqual({
      chargers: [
        { id: 'c1', state: 'idle' },
        { id: 'c2', state: 'charging' },
      ],
      inventory: { charged: 2, total: 4 },
    });
    expect(chargers[1].state).toBe('idle');
    expect(a.state.inventory.charged).toBe(3);
  });

  it('plays a fresh run at 600x unless a speed was chosen', () => {
    const fresh = toSim({ ...wire, status: 'ready', speed: null });
    expect(speedOf(fresh, undefined)).toBe(600);
    expect(speedOf(fresh, null)).toBeNull();
    expect(speedOf(toSim({ ...wire, speed: 60 }), undefined)).toBe(60);
  });

  it('fills tile URL templates', () => {
    expect(tileUrl('https://t.example/{z}/{x}/{y}.png', 12, 2074, 1409)).toBe('https://t.example/12/2074/1409.png');
  });
});
