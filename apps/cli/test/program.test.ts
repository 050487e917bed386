import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.js';

const names = async (...args: string[]) =>
  (await buildProgram(['node', 'doppel', ...args])).commands.map((command) => command.name());

describe('buildProgram', () => {
  it('loads only the command the arguments name', async () => {
    expect(await names('validate', 'city.yaml')).toEqual(['validate']);
    expect((await names('worker', '--redis', 'redis://127.0.0.1')).sort()).toEqual(['experiment', 'worker']);
  });

  it('loads nothing for a version query', async () => {
    expect(await names('--version')).toEqual([]);
    expect(await names('-V')).toEqual([]);
  });

  it('loads every command for help and for an unknown command, in the order help lists them', async () => {
    const all = await names('--help');
    expect(all).toEqual(await names('nonsense'));
    expect(all).toEqual(await names());
    expect(all.slice(0, 4)).toEqual(['run', 'configure', 'simulate', 'replay']);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(['serve', 'io', 'fmu', 'experiment', 'worker', 'dataset', 'capture']));
  });
});
