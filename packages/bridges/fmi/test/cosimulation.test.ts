import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FmiErrorCode,
  FmuInstance,
  loadFmu,
  parseInputCsv,
  readFmu,
  resourceLocation,
  simulateFmu,
  type HostLog,
  type LoadedFmu,
} from '../src/index.js';
import { unpackFmu } from '../src/archive.js';
import { testFmu, type TestFmuName } from '../src/testing/test-fmus.js';

const opened: LoadedFmu[] = [];
function open(name: TestFmuName): LoadedFmu {
  const fmu = loadFmu(testFmu(name));
  opened.push(fmu);
  return fmu;
}
afterAll(() => opened.forEach((fmu) => fmu.dispose()));

const column = (result: { columns: readonly string[]; rows: readonly (readonly unknown[])[] }, name: string) =>
  result.rows.map((row) => row[result.columns.indexOf(name)] as number);

describe('first-order lag', { timeout: 120_000 }, () => {
  for (const name of ['lag', 'lag3'] as const) {
    it(`${name}: y = 1 - exp(-t/T) on the default experiment, and with T and y(0) set before initialisation`, async () => {
      const fmu = open(name);
      const result = await simulateFmu(fmu);
      expect(result.columns).toEqual(['time', 'y']);
      expect(result.end).toBe('completed');
      expect(result.rows).toHaveLength(51);
      for (const [t, y] of result.rows as number[][]) expect(Math.abs(y - (1 - Math.exp(-t)))).toBeLessThan(1e-12);
      const tuned = await simulateFmu(fmu, { parameters: { T: '2', y: 0.5 }, stopTime: 3, outputInterval: 0.25 });
      for (const [t, y] of tuned.rows as number[][])
        expect(Math.abs(y - (1 - 0.5 * Math.exp(-t / 2)))).toBeLessThan(1e-12);
      expect(tuned.rows.at(-1)?.[0]).toBe(3);
    });
  }

  it('holds CSV inputs between rows: a step of u from 1 to 3 at t = 1', async () => {
    const fmu = open('lag');
    const input = parseInputCsv('time,u\n0,1\n1,3\n', 'u.csv', fmu.modelDescription.variables);
    const result = await simulateFmu(fmu, { input, stopTime: 2, outputInterval: 0.125 });
    const y1 = 1 - Math.exp(-1);
    for (const [t, y] of result.rows as number[][]) {
      const expected = t <= 1 ? 1 - Math.exp(-t) : 3 + (y1 - 3) * Math.exp(-(t - 1));
      expect(Math.abs(y - expected)).toBeLessThan(1e-12);
    }
  });

  it('ends on the stop time even when the interval does not divide the horizon', async () => {
    const result = await simulateFmu(open('lag'), { stopTime: 1, outputInterval: 0.3 });
    expect(column(result, 'time')).toEqual([0, 0.3, 0.6, 0.8999999999999999, 1]);
  });

  it('runs two instances of one FMU (one GUID) side by side with different parameters', async () => {
    const fmu = open('lag');
    const [a, b] = await Promise.all([
      simulateFmu(fmu, { parameters: { T: 1 }, stopTime: 1 }),
      simulateFmu(fmu, { parameters: { T: 4 }, stopTime: 1 }),
    ]);
    expect(a.rows.at(-1)?.[1]).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(b.rows.at(-1)?.[1]).toBeCloseTo(1 - Math.exp(-0.25), 12);
  });
});

describe('bouncing ball', () => {
  /** Closed form: impacts at t1 = sqrt(2 h0 / g), then every 2 w_k / g with w_{k+1} = e w_k. */
  function analyticHeight(t: number, h0 = 1, g = 9.81, e = 0.7): number {
    let start = Math.sqrt((2 * h0) / g);
    if (t <= start) return h0 - 0.5 * g * t * t;
    let w = e * Math.sqrt(2 * g * h0);
    while (w >= 1e-3) {
      const flight = (2 * w) / g;
      if (t <= start + flight) {
        const s = t - start;
        return w * s - 0.5 * g * s * s;
      }
      start += flight;
      w *= e;
    }
    return 0;
  }

  it('matches the analytic trajectory with exact state events, and counts the bounces', async () => {
    const result = await simulateFmu(open('ball'));
    expect(result.columns).toEqual(['time', 'h', 'v', 'bounces']);
    for (const [t, h] of result.rows as number[][]) expect(Math.abs(h - analyticHeight(t))).toBeLessThan(1e-9);
    const bounces = column(result, 'bounces');
    const firstImpact = Math.sqrt(2 / 9.81);
    const index = result.rows.findIndex((row) => (row[0] as number) > firstImpact);
    expect(bounces[index - 1]).toBe(0);
    expect(bounces[index]).toBe(1);
    expect(Math.min(...column(result, 'h'))).toBeGreaterThanOrEqual(0);
  });
});

describe('resources, termination requests and logging', () => {
  it('passes a correct file:// URI of the unpacked resources folder (also with spaces and non-ASCII in the path)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel fmu ü '));
    try {
      const archive = readFmu(readFileSync(testFmu('resource')), 'resource.fmu');
      const unpacked = unpackFmu(archive, dir);
      expect(resourceLocation('2.0', unpacked.resourcesDir)).toMatch(/^file:\/\/\/.*doppel%20fmu%20%C3%BC%20/);
      const fmu: LoadedFmu = {
        file: 'resource.fmu',
        modelDescription: archive.modelDescription,
        unpacked,
        dispose: () => undefined,
      };
      const result = await simulateFmu(fmu, { stopTime: 0.1, outputInterval: 0.05, parameters: { u: 4 } });
      expect(column(result, 'y')).toEqual([10, 10, 10]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives FMI 3.0 the resources path with a trailing separator', () => {
    expect(resourceLocation('3.0', '/tmp/x/resources')).toBe('/tmp/x/resources/');
  });

  it('stops at the last successful time when the FMU asks to terminate', async () => {
    const logs: HostLog[] = [];
    const result = await simulateFmu(open('terminator'), { onLog: (entry) => logs.push(entry) });
    expect(result.end).toBe('terminated');
    expect(result.lastTime).toBe(0.45);
    expect(result.rows.at(-1)).toEqual([0.45, 0.45]);
    expect(column(result, 'time').slice(0, 5)).toEqual([0, 0.1, 0.2, 0.30000000000000004, 0.4]);
    expect(logs.map((entry) => entry.message)).toContain('stop time reached: terminate requested');
  });

  it('routes the FMU logger to the caller when logging is on', async () => {
    const logs: HostLog[] = [];
    await simulateFmu(open('lag'), { loggingOn: true, stopTime: 0.1, onLog: (entry) => logs.push(entry) });
    expect(logs[0]).toEqual({ status: 0, category: 'logEvents', message: 'instantiated' });
  });
});

describe('calling sequence and phases', () => {
  it('follows instantiate → set → init → step and refuses sets outside the allowed phases', async () => {
    const fmu = open('lag');
    const instance = await FmuInstance.instantiate(fmu, { inputs: ['u'], outputs: ['y'] });
    try {
      expect(instance.phase).toBe('instantiated');
      await instance.set({ T: 0.5 });
      await expect(instance.doStep(0, 0.1, [1])).rejects.toMatchObject({ code: FmiErrorCode.InvalidRequest });
      await instance.enterInitializationMode({ startTime: 0, stopTime: 1 });
      await instance.exitInitializationMode();
      await expect(instance.set({ T: 2 })).rejects.toMatchObject({ code: FmiErrorCode.InvalidRequest });
      await expect(instance.set({ time: 2 })).rejects.toMatchObject({ code: FmiErrorCode.InvalidRequest });
      await expect(instance.set({ nope: 2 })).rejects.toMatchObject({ code: FmiErrorCode.InvalidRequest });
      await instance.set({ u: 2 }); // inputs may change between steps
      const step = await instance.doStep(0, 0.1, [2]);
      expect(step.status).toBe(0);
      expect(step.outputs?.[0]).toBeCloseTo(2 * (1 - Math.exp(-0.2)), 14);
      // The FMU's own state machine checks the communication point: a gap is an FMI error, not a silent jump.
      const skipped = await instance.doStep(0.5, 0.1, [2]);
      expect(skipped.status).toBe(3);
      await instance.terminate();
    } finally {
      await instance.free();
    }
    expect(instance.phase).toBe('closed');
  });
});

describe('native code that misbehaves', { timeout: 120_000 }, () => {
  it('a crash kills only its host: a typed error, and the next instance runs', async () => {
    const error = await simulateFmu(open('crash')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: FmiErrorCode.HostCrashed, details: { signal: 'SIGSEGV', call: 'doStep' } });
    const after = await simulateFmu(open('lag'), { stopTime: 0.2 });
    expect(after.end).toBe('completed');
  });

  it('a hang is cut off by the call timeout, the host is killed, and the instance is closed', async () => {
    const fmu = open('hang');
    const instance = await FmuInstance.instantiate(fmu, { callTimeoutMs: 3000 });
    const pid = instance.hostPid;
    await instance.enterInitializationMode({ startTime: 0 });
    await instance.exitInitializationMode();
    expect((await instance.doStep(0, 0.1, [0])).status).toBe(0);
    await expect(instance.doStep(0.1, 0.5, [0])).rejects.toMatchObject({ code: FmiErrorCode.CallTimeout });
    await expect(instance.doStep(0.6, 0.1, [0])).rejects.toMatchObject({ code: FmiErrorCode.InstanceClosed });
    await instance.free();
    expect(() => process.kill(pid as number, 0)).toThrow();
  });

  it('a binary that rejects the instantiation token fails instantiate with a typed error', async () => {
    const fmu = open('lag');
    const wrong: LoadedFmu = { ...fmu, modelDescription: { ...fmu.modelDescription, instantiationToken: '{other}' } };
    await expect(FmuInstance.instantiate(wrong)).rejects.toMatchObject({ code: FmiErrorCode.CallFailed });
  });
});

describe('host lifetime', { timeout: 120_000 }, () => {
  it('a host stuck in native code dies with its parent (never a spinning orphan)', async () => {
    const { spawn } = await import('node:child_process');
    const { createRequire } = await import('node:module');
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const parent = spawn(
      process.execPath,
      ['--import', tsx, '--conditions=@doppel/source', join(import.meta.dirname, 'parent-process.ts')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const hostPid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      parent.once('exit', () => reject(new Error('the parent ended early')));
    });
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(hostPid)).toBe(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (alive(hostPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive(hostPid)).toBe(false);
  });
});
