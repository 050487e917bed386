import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FmiErrorCode, FmuStepper, loadFmu, type LoadedFmu } from '../src/index.js';
import { testFmu, type TestFmuName } from '../src/testing/test-fmus.js';

const opened: LoadedFmu[] = [];
const steppers: FmuStepper[] = [];
function start(name: TestFmuName, instanceName: string): FmuStepper {
  const fmu = loadFmu(testFmu(name));
  opened.push(fmu);
  const stepper = FmuStepper.start(fmu, { parameters: { T: 2 }, inputs: ['u'], outputs: ['y'], instanceName });
  steppers.push(stepper);
  return stepper;
}
afterAll(() => {
  steppers.forEach((stepper) => stepper.close());
  opened.forEach((fmu) => fmu.dispose());
});

/** Steps an instance from t0 with input u for n steps of dt; the output after each step. */
function run(stepper: FmuStepper, t0: number, dt: number, n: number, u: number): number[] {
  const y = new Float64Array(1);
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    stepper.setInputs([u]);
    stepper.step(t0 + k * dt, dt);
    stepper.getOutputs(y);
    out.push(y[0]);
  }
  return out;
}

// The test FMUs append "<instance> <t>" to this file at every doStep: what the importer really asked of the FMU.
let stepLog: string;
let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'doppel-fmu-state-'));
  stepLog = join(folder, 'steps.log');
  process.env.DOPPEL_TEST_FMU_STEP_LOG = stepLog;
});
afterEach(() => rmSync(stepLog, { force: true }));
afterAll(() => {
  delete process.env.DOPPEL_TEST_FMU_STEP_LOG;
  rmSync(folder, { recursive: true, force: true });
});
const stepsOf = (instance: string): number =>
  readFileSync(stepLog, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`${instance} `)).length;

describe('FMU state: saved as bytes, restored into another instance in another host', { timeout: 120_000 }, () => {
  for (const name of ['lag', 'lag3'] as const) {
    it(`${name}: a restored instance continues bit-identically to the one it was saved from, without its past steps`, () => {
      const original = start(name, `${name}-original`);
      expect(original.canSaveState).toBe(true);
      run(original, 0, 0.1, 30, 2);
      const saved = original.saveState();
      expect(saved.byteLength).toBeGreaterThan(0);
      const after = run(original, 3, 0.1, 20, 5);

      const restored = start(name, `${name}-restored`);
      restored.restoreState(saved);
      const y = new Float64Array(1);
      restored.getOutputs(y);
      // The output at the saved point is the original's at t = 3.
      const reference = start(name, `${name}-reference`);
      expect(y[0]).toBe(run(reference, 0, 0.1, 30, 2).at(-1));
      expect(run(restored, 3, 0.1, 20, 5)).toEqual(after);
      // The restored instance never stepped through [0, 3].
      expect(stepsOf(`${name}-restored`)).toBe(20);
      expect(stepsOf(`${name}-original`)).toBe(50);
    });
  }

  it('an FMU that does not declare the capabilities refuses to save its state with a typed error', () => {
    const stepper = start('lagStateless', 'stateless');
    expect(stepper.canSaveState).toBe(false);
    expect(() => stepper.saveState()).toThrow(expect.objectContaining({ code: FmiErrorCode.InvalidRequest }));
  });

  it('bytes that are not a state of the FMU fail the restore with the FMU status, and the instance is unchanged', () => {
    const stepper = start('lag', 'garbage');
    run(stepper, 0, 0.1, 3, 1);
    const before = new Float64Array(1);
    stepper.getOutputs(before);
    expect(() => stepper.restoreState(new Uint8Array(16))).toThrow(
      expect.objectContaining({ code: FmiErrorCode.CallFailed }),
    );
    expect(run(stepper, 0.3, 0.1, 1, 1)[0]).toBeGreaterThan(before[0]);
  });
});
