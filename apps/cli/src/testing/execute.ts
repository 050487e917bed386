import { VerifyError, loadTestFile, runTest } from '@doppel/verify';
import { builtinPacks } from '../packs.js';
import type { TestJob, TestOutcome } from './messages.js';

/** Loads and runs one test file: what each worker does, and what `--jobs 1` does in process. */
export async function executeTest(job: TestJob): Promise<TestOutcome> {
  try {
    const test = await loadTestFile(job.file, { packs: builtinPacks });
    const result = await runTest(test, { packs: builtinPacks, updateBaselines: job.updateBaselines });
    return { kind: 'result', file: job.file, result };
  } catch (error) {
    if (error instanceof VerifyError) {
      return { kind: 'invalid', file: job.file, code: error.code, message: error.message, issues: error.issues };
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { kind: 'error', file: job.file, message };
  }
}
