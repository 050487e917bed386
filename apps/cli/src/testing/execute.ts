import { VerifyError, loadTestFile, runTest, type TestDefinition } from '@doppel/verify';
import type { AnyPack } from '@doppel/twin';
import { builtinPacks } from '@doppel/server/packs';
import { loadUserModules } from '../user-modules.js';
import type { TestJob, TestOutcome } from './messages.js';

/** Loads and runs one test file: what each worker does, and what `--jobs 1` does in process. */
export async function executeTest(job: TestJob): Promise<TestOutcome> {
  try {
    const written = await loadTestFile(job.file, { packs: builtinPacks });
    const { test, packs } = await withUserModules(written);
    const result = await runTest(test, { packs, updateBaselines: job.updateBaselines });
    return { kind: 'result', file: job.file, result };
  } catch (error) {
    if (error instanceof VerifyError) {
      return { kind: 'invalid', file: job.file, code: error.code, message: error.message, issues: error.issues };
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { kind: 'error', file: job.file, message };
  }
}

/** The test with the user-supplied modules its scenario and variants name loaded (see loadUserModules). */
async function withUserModules(
  test: TestDefinition,
): Promise<{ readonly test: TestDefinition; readonly packs: readonly AnyPack[] }> {
  const { scenarios, packs } = await loadUserModules([test.scenario, ...test.variants.map((v) => v.scenario)]);
  const [scenario = test.scenario, ...variants] = scenarios;
  return {
    test: { ...test, scenario, variants: test.variants.map((v, i) => ({ ...v, scenario: variants[i] ?? v.scenario })) },
    packs,
  };
}
